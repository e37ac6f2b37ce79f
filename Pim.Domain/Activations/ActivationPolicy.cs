namespace Pim.Domain;

public enum ActivationOutcome { Active, Scheduled, PendingApproval }

/// <summary>What the requester asks for; <see cref="BreakGlass"/>: the emergency path, where the role's settings allow it.</summary>
public sealed record ActivationAsk(string RoleId, string? Scope, TimeSpan? Duration, string? Justification, Ticket? Ticket, DateTimeOffset? StartsAt,
    bool BreakGlass = false);

/// <summary>The policy's answer: the outcome and the effective duration and start; the auto-approval rule that skipped
/// the stages, if one did; whether it is a break-glass activation.</summary>
public sealed record ActivationVerdict(ActivationOutcome Outcome, TimeSpan Duration, DateTimeOffset StartsAt, string? AutoApprovedBy = null,
    bool BreakGlass = false);

/// <summary>
/// Who asks, as the policy needs to know: a guest, a workload (a service principal, for which MFA does not apply), and
/// the groups it is a member of (for auto-approval rules).
/// </summary>
public sealed record Requester(bool Guest = false, bool Workload = false, IReadOnlyCollection<string>? Groups = null)
{
    public static readonly Requester Member = new();

    /// <summary>
    /// By what the principal is, whatever token it signed in with: a <c>guest</c> is a guest also with a token of the
    /// resource tenant, and so is a token of another tenant mapped to a guest. The groups are those the directory says it
    /// is in (<see cref="Principal.DirectoryMemberOf"/>): a condition reads facts the requester did not just create, so a
    /// membership it activated itself meets no auto-approval rule.
    /// </summary>
    public static Requester Of(Principal? principal, Caller caller) =>
        new(caller.IsGuest || principal?.Kind == PrincipalKind.Guest, principal?.Kind == PrincipalKind.ServicePrincipal, principal?.DirectoryMemberOf);
}

/// <summary>The policy's answer to an extension: whether it waits for approval, or the rule that approved it at once.</summary>
public sealed record ExtensionVerdict(bool NeedsApproval, string? AutoApprovedBy);

/// <summary>Role settings applied to an activation request: a pure function, no I/O.</summary>
public static class ActivationPolicy
{
    public static readonly TimeSpan MaximumScheduleAhead = TimeSpan.FromDays(30);

    /// <summary>
    /// Decides an activation: refused with a typed <see cref="PimException"/>, or accepted as active, scheduled or
    /// pending approval. MFA is checked first so that a client can step up before filling in the rest. Where the role
    /// needs approval, a request that meets an auto-approval rule (<paramref name="requesterGroups"/>: the groups the
    /// requester is a member of) skips the stages.
    /// </summary>
    public static ActivationVerdict Evaluate(RoleSettings settings, RoleAssignment eligibility, ActivationAsk ask, TokenFacts token, DateTimeOffset now,
        Requester? requester = null)
    {
        var rules = settings.Activation;
        requester ??= Requester.Member;
        EnsureMayActivate(settings, token, now, requester);
        if (ask.BreakGlass) return BreakGlassVerdict(settings, eligibility, ask, now);

        var duration = ask.Duration ?? rules.MaximumDuration;
        if (duration > rules.MaximumDuration)
            throw new PimException(ErrorCodes.DurationExceedsMaximum,
                $"The settings of '{settings.RoleId}' allow activations of at most {IsoDuration.Format(rules.MaximumDuration)}; {IsoDuration.Format(duration)} was asked.");
        if (rules.RequireJustification && string.IsNullOrWhiteSpace(ask.Justification))
            throw new PimException(ErrorCodes.JustificationRequired, $"The settings of '{settings.RoleId}' require a justification to activate it.");
        if (rules.RequireTicket && string.IsNullOrWhiteSpace(ask.Ticket?.Number))
            throw new PimException(ErrorCodes.TicketRequired, $"The settings of '{settings.RoleId}' require a ticket number to activate it.");

        var startsAt = StartOf(ask, now);
        if (startsAt > now + MaximumScheduleAhead)
            throw Errors.InvalidField("startsAt", "startsAt may be at most 30 days ahead.");
        if (!eligibility.IsInForceAt(startsAt))
            throw new PimException(ErrorCodes.NotEligible,
                $"The eligibility for '{settings.RoleId}' is not in force at {startsAt:O}.");

        var autoApproved = rules.NeedsApproval ? AutoApprovalRule.FirstMatch(rules.AutoApprove, requester.Groups ?? [], duration, ask.Ticket, now) : null;
        var outcome = rules.NeedsApproval && autoApproved is null ? ActivationOutcome.PendingApproval
            : startsAt > now ? ActivationOutcome.Scheduled
            : ActivationOutcome.Active;
        return new ActivationVerdict(outcome, duration, startsAt, autoApproved?.Name);
    }

    /// <summary>
    /// Break-glass: only where the role's settings allow it, with a justification, starting now, for at most the
    /// break-glass maximum. It skips approval and the ticket, not the eligibility, MFA or the guest rule.
    /// </summary>
    private static ActivationVerdict BreakGlassVerdict(RoleSettings settings, RoleAssignment eligibility, ActivationAsk ask, DateTimeOffset now)
    {
        var glass = settings.Activation.BreakGlassPolicy;
        if (!glass.Allowed)
            throw new PimException(ErrorCodes.BreakGlassNotAllowed, $"The settings of '{settings.RoleId}' do not allow break-glass activations.");
        if (string.IsNullOrWhiteSpace(ask.Justification))
            throw new PimException(ErrorCodes.JustificationRequired, "A break-glass activation requires a justification.");
        if (ask.StartsAt > now)
            throw Errors.InvalidField("startsAt", "A break-glass activation starts now: leave startsAt out.");
        var duration = ask.Duration ?? glass.MaximumDuration;
        if (duration > glass.MaximumDuration)
            throw new PimException(ErrorCodes.DurationExceedsMaximum,
                $"The settings of '{settings.RoleId}' allow break-glass activations of at most {IsoDuration.Format(glass.MaximumDuration)}; {IsoDuration.Format(duration)} was asked.");
        if (!eligibility.IsInForceAt(now))
            throw new PimException(ErrorCodes.NotEligible, $"The eligibility for '{settings.RoleId}' is not in force now.");
        return new ActivationVerdict(ActivationOutcome.Active, duration, now, BreakGlass: true);
    }

    /// <summary>When the access asked for would start: the requested start when it is ahead, else now.</summary>
    public static DateTimeOffset StartOf(ActivationAsk ask, DateTimeOffset now) =>
        // Stryker disable once Equality : a start of exactly now is now on either branch, so '>=' would be the same rule
        ask.StartsAt > now ? ask.StartsAt.Value : now;

    /// <summary>
    /// An extension is held to the same policy as the activation: guests, MFA, and a total (start to new end) of at most
    /// the role's maximum duration; it goes through the role's approval unless an auto-approval rule admits it. A
    /// break-glass activation is not extended: its holder asks again.
    /// </summary>
    public static ExtensionVerdict EvaluateExtension(RoleSettings settings, ActivationRequest request, TimeSpan duration, TokenFacts token, DateTimeOffset now,
        Requester? requester = null)
    {
        var rules = settings.Activation;
        requester ??= Requester.Member;
        if (request.BreakGlass)
            throw new PimException(ErrorCodes.InvalidStateTransition, $"Activation request '{request.Id}' is a break-glass activation: it is not extended; ask again.");
        EnsureMayActivate(settings, token, now, requester);
        var end = (request.EndsAt ?? now) + duration;
        if (end > request.StartsAt + rules.MaximumDuration)
            // Stryker disable once Arithmetic : the total is an instant minus an instant, and an instant plus an instant is no C#
            throw new PimException(ErrorCodes.DurationExceedsMaximum,
                $"The settings of '{settings.RoleId}' allow an activation of at most {IsoDuration.Format(rules.MaximumDuration)} in all; " +
                $"extending by {IsoDuration.Format(duration)} would make it {IsoDuration.Format(end - request.StartsAt)}.");
        if (!rules.NeedsApproval) return new ExtensionVerdict(false, null);
        var autoApproved = AutoApprovalRule.FirstMatch(rules.AutoApprove, requester.Groups ?? [], duration, request.Ticket, now);
        return new ExtensionVerdict(autoApproved is null, autoApproved?.Name);
    }

    /// <summary>
    /// Guests and workloads only where the settings allow them; then MFA — which a workload (a service principal) has no
    /// way to give and is not asked for — so that a person can step up before the rest.
    /// </summary>
    private static void EnsureMayActivate(RoleSettings settings, TokenFacts token, DateTimeOffset now, Requester requester)
    {
        if (requester.Guest && !settings.Activation.AllowGuests)
            throw new PimException(ErrorCodes.GuestNotAllowed, $"The settings of '{settings.RoleId}' do not let guests from other tenants activate it.");
        if (requester.Workload)
        {
            if (!settings.Activation.AllowWorkloads)
                throw new PimException(ErrorCodes.WorkloadNotAllowed, $"The settings of '{settings.RoleId}' do not let service principals activate it.");
            return;
        }
        EnsureMfa(settings.Activation, token, now);
    }

    public static void EnsureMfa(ActivationRules rules, TokenFacts token, DateTimeOffset now)
    {
        if (!rules.RequireMfa) return;
        if (!token.Mfa)
            throw new PimException(ErrorCodes.MfaRequired, "This role requires multi-factor authentication: sign in again with MFA.");
        if (rules.MfaMaxAge is not null && (token.AuthTime is null || token.AuthTime < now - rules.MfaMaxAge))
            throw new PimException(ErrorCodes.MfaRequired,
                $"This role requires a multi-factor sign-in within the last {IsoDuration.Format(rules.MfaMaxAge.Value)}: sign in again.");
    }
}
