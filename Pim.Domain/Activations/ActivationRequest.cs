namespace Pim.Domain;

public enum ActivationStatus { PendingApproval, Scheduled, Active, Denied, TimedOut, Canceled, Deactivated, Expired, Revoked }

public sealed record Ticket(string Number, string? System);

/// <summary>An extension of an active activation that waits for approval: <see cref="Approval"/> goes through the
/// role's stages like the activation's own (null only for extensions asked for before approvals were kept with them).
/// <see cref="Deadline"/> is that of its current stage.</summary>
public sealed record PendingExtension(TimeSpan Duration, string? Justification, DateTimeOffset RequestedAt, DateTimeOffset Deadline,
    ApprovalProgress? Approval = null);

/// <summary>A principal's request to activate an eligible role for a bounded time (DESIGN §5).</summary>
public sealed partial class ActivationRequest
{
    private ActivationRequest() { }

    // Stryker disable once String : Create and Rehydrate, the only ways to a request, set it: the initial "" is never seen
    public string TenantId { get; private init; } = "";
    // Stryker disable once String : as TenantId
    public string Id { get; private init; } = "";
    // Stryker disable once String : as TenantId
    public string PrincipalId { get; private init; } = "";
    // Stryker disable once String : as TenantId
    public string RoleId { get; private init; } = "";
    // Stryker disable once String : as TenantId
    public string Scope { get; private init; } = "";
    /// <summary>The eligible assignment (the principal's own or a group's) this activation is made through.</summary>
    // Stryker disable once String : as TenantId
    public string AssignmentId { get; private init; } = "";
    /// <summary>The status as last recorded; <see cref="StatusAt"/> is the status now.</summary>
    public ActivationStatus Status { get; private set; }
    public TimeSpan Duration { get; private set; }
    public string? Justification { get; private init; }
    public Ticket? Ticket { get; private init; }
    public DateTimeOffset RequestedAt { get; private init; }
    /// <summary>The requested start (scheduled activations); for active ones, when access began.</summary>
    public DateTimeOffset StartsAt { get; private set; }
    /// <summary>When access ends; null while approval is pending.</summary>
    public DateTimeOffset? EndsAt { get; private set; }
    /// <summary>The eligibility's end when the request was made (null = permanent eligibility).</summary>
    public DateTimeOffset? EligibilityEndsAt { get; private init; }
    /// <summary>When the current approval stage times out, and with it the request.</summary>
    public DateTimeOffset? ApprovalDeadline { get; private set; }
    /// <summary>The decision that settled the approval: the deny, or the approval that passed the last stage.</summary>
    public ApprovalDecision? Decision { get; private set; }
    /// <summary>The request's way through the role's approval stages, with every decision; null when none was needed.</summary>
    public ApprovalProgress? Approval { get; private set; }
    /// <summary>The auto-approval rule the request met, so that it skipped the stages.</summary>
    public string? AutoApprovedBy { get; private init; }
    /// <summary>Break-glass: active at once, skipping approval; <see cref="FollowUp"/> is owed afterwards.</summary>
    public bool BreakGlass { get; private init; }
    public BreakGlassFollowUp? FollowUp { get; private set; }
    /// <summary>How long before it ends the holder is warned (the role's settings when the request was made).</summary>
    public TimeSpan? ExpiryWarning { get; private init; }
    /// <summary>The keys of the notices already sent (<see cref="ActivationNotice.Key"/>).</summary>
    public IReadOnlyList<string> NoticesSent { get; private set; } = [];
    public DateTimeOffset? ClosedAt { get; private set; }
    public PendingExtension? Extension { get; private set; }
    /// <summary>The roles whose policy the request was held to besides its own (<see cref="GoverningPolicy"/>): empty but for a group's roles.</summary>
    public IReadOnlyList<GoverningRole> GovernedBy { get; private init; } = [];
    public int Version { get; private set; }

    public static readonly ActivationStatus[] OpenStatuses = [ActivationStatus.PendingApproval, ActivationStatus.Scheduled, ActivationStatus.Active];

    public bool IsOpenAt(DateTimeOffset now) => OpenStatuses.Contains(StatusAt(now));

    /// <summary>
    /// Creates a request the policy has already accepted (<paramref name="verdict"/>): active now, scheduled, or waiting
    /// for approval through the stages of <paramref name="policy"/>, which the request keeps (with the roles it was
    /// composed from, <paramref name="governedBy"/>).
    /// </summary>
    public static ActivationRequest Create(string tenantId, string principalId, RoleAssignment eligibility, string scope, ActivationAsk ask,
        ActivationVerdict verdict, RoleSettings policy, DateTimeOffset now, IReadOnlyList<GoverningRole>? governedBy = null)
    {
        var pending = verdict.Outcome == ActivationOutcome.PendingApproval;
        var approval = pending ? ApprovalProgress.Start(policy.Activation.Stages, policy.Notifications.OnApprovalNeeded.RemindBefore, now) : null;
        var request = new ActivationRequest
        {
            TenantId = tenantId,
            Id = NewId.Next(),
            PrincipalId = principalId,
            RoleId = eligibility.RoleId,
            Scope = scope,
            AssignmentId = eligibility.Id,
            Duration = verdict.Duration,
            Justification = ask.Justification,
            Ticket = ask.Ticket,
            RequestedAt = now,
            StartsAt = verdict.StartsAt,
            EligibilityEndsAt = eligibility.EndsAt,
            Status = verdict.Outcome switch
            {
                ActivationOutcome.PendingApproval => ActivationStatus.PendingApproval,
                ActivationOutcome.Scheduled => ActivationStatus.Scheduled,
                _ => ActivationStatus.Active,
            },
            Approval = approval,
            ApprovalDeadline = approval?.Deadline,
            AutoApprovedBy = verdict.AutoApprovedBy,
            BreakGlass = verdict.BreakGlass,
            FollowUp = verdict.BreakGlass ? new BreakGlassFollowUp(now + BreakGlassRules.FollowUpDue) : null,
            ExpiryWarning = policy.Notifications.ExpiryWarnings.Activation,
            GovernedBy = governedBy ?? [],
            Version = 1,
        };
        if (!pending) request.EndsAt = request.EndFor(verdict.StartsAt);
        return request;
    }

    public static ActivationRequest Rehydrate(string tenantId, string id, string principalId, string roleId, string scope, string assignmentId,
        ActivationStatus status, TimeSpan duration, string? justification, Ticket? ticket, DateTimeOffset requestedAt, DateTimeOffset startsAt,
        DateTimeOffset? endsAt, DateTimeOffset? eligibilityEndsAt, DateTimeOffset? approvalDeadline, ApprovalDecision? decision,
        DateTimeOffset? closedAt, int version, PendingExtension? extension = null, ApprovalProgress? approval = null, string? autoApprovedBy = null,
        bool breakGlass = false, BreakGlassFollowUp? followUp = null, TimeSpan? expiryWarning = null, IReadOnlyList<string>? noticesSent = null,
        IReadOnlyList<GoverningRole>? governedBy = null) => new()
    {
        TenantId = tenantId, Id = id, PrincipalId = principalId, RoleId = roleId, Scope = scope, AssignmentId = assignmentId,
        Status = status, Duration = duration, Justification = justification, Ticket = ticket, RequestedAt = requestedAt,
        StartsAt = startsAt, EndsAt = endsAt, EligibilityEndsAt = eligibilityEndsAt, ApprovalDeadline = approvalDeadline,
        Decision = decision, ClosedAt = closedAt, Version = version, Extension = extension, Approval = approval,
        AutoApprovedBy = autoApprovedBy, BreakGlass = breakGlass, FollowUp = followUp, ExpiryWarning = expiryWarning,
        NoticesSent = noticesSent ?? [], GovernedBy = governedBy ?? [],
    };

    /// <summary>The status at <paramref name="now"/>: time alone turns scheduled into active, active into expired,
    /// and an undecided request into timedOut, whether or not a sweep has recorded it yet.</summary>
    public ActivationStatus StatusAt(DateTimeOffset now) => Status switch
    {
        ActivationStatus.PendingApproval when now >= ApprovalDeadline => ActivationStatus.TimedOut,
        ActivationStatus.Scheduled when now >= EndsAt => ActivationStatus.Expired,
        ActivationStatus.Active when now >= EndsAt => ActivationStatus.Expired,
        ActivationStatus.Scheduled when now >= StartsAt => ActivationStatus.Active,
        _ => Status,
    };

    /// <summary>When time alone next moves the status on (a deadline, a start, an end); null when it never will.</summary>
    public DateTimeOffset? StatusChangesAt(DateTimeOffset now) => StatusAt(now) switch
    {
        ActivationStatus.PendingApproval => ApprovalDeadline,
        ActivationStatus.Scheduled => StartsAt,
        ActivationStatus.Active => EndsAt,
        _ => null,
    };

    /// <summary>
    /// Records what time alone changed since the last write. Returns the audit actions of the transitions
    /// recorded (e.g. activated then expired), empty when nothing changed.
    /// </summary>
    public IReadOnlyList<string> Settle(DateTimeOffset now)
    {
        var actions = new List<string>();
        var current = StatusAt(now);
        if (current == Status) return actions;
        if (Status == ActivationStatus.Scheduled && (current == ActivationStatus.Active || current == ActivationStatus.Expired))
            actions.Add(AuditActions.ActivationActivated);
        switch (current)
        {
            case ActivationStatus.Expired:
                actions.Add(AuditActions.ActivationExpired);
                ClosedAt = EndsAt;
                break;
            case ActivationStatus.TimedOut:
                actions.Add(AuditActions.ActivationTimedOut);
                ClosedAt = ApprovalDeadline;
                break;
        }
        Status = current;
        Version++;
        return actions;
    }

    // ---------------------------------------------------------------- approval

    /// <summary>
    /// An approver's answer to the approval that waits — the request's own, or that of its extension — counted in the
    /// current stage (<see cref="ApprovalProgress.Record"/>). Refused for the requester, for anyone who may not decide the
    /// current stage now, and for an approver who already decided it. The last stage passed starts the clock (or
    /// lengthens the activation); a deny ends the request (or drops the extension).
    /// </summary>
    public ApprovalStep Decide(ApproverFacts approver, bool approve, string? justification, DateTimeOffset now)
    {
        EnsureMayBeDecidedBy(approver.PrincipalId);
        var extension = HasPendingExtensionAt(now) ? Extension : null;
        if (extension is null) EnsureStatus(now, approve ? "approved" : "denied", ActivationStatus.PendingApproval);
        var progress = (extension is null ? Approval : extension.Approval)
            ?? throw new InvalidOperationException($"Activation request '{Id}' waits for a decision but keeps no approval stages.");
        if (!progress.MayBeDecidedBy(approver, now))
            throw Errors.Forbidden($"You are not an approver of stage {progress.CurrentStage + 1} of this request for '{RoleId}'.");
        if (progress.HasDecided(approver.PrincipalId))
            throw new PimException(ErrorCodes.AlreadyDecided,
                $"You already decided a stage of activation request '{Id}': a person's decision counts in one stage only; another approver decides stage {progress.CurrentStage + 1}.");

        var (next, step) = progress.Record(approver.PrincipalId, approve, justification, now);
        if (extension is not null)
        {
            Extension = step == ApprovalStep.Approved || step == ApprovalStep.Denied ? null : extension with { Approval = next, Deadline = next.Deadline };
            if (step == ApprovalStep.Approved) Lengthen(extension.Duration);
            else Version++;
            return step;
        }
        Approval = next;
        switch (step)
        {
            case ApprovalStep.Denied:
                Decision = new ApprovalDecision(false, approver.PrincipalId, now, justification);
                Close(ActivationStatus.Denied, now);
                return step;
            case ApprovalStep.Approved:
                Decision = new ApprovalDecision(true, approver.PrincipalId, now, justification);
                // The clock starts at approval, or at the requested start when that is later.
                // Stryker disable once Equality : a start of exactly now stays now either way ('<=' is the same rule)
                if (StartsAt < now) StartsAt = now;
                EndsAt = EndFor(StartsAt);
                Status = StartsAt > now ? ActivationStatus.Scheduled : ActivationStatus.Active;
                break;
            case ApprovalStep.StagePassed:
                ApprovalDeadline = next.Deadline;
                break;
        }
        Version++;
        return step;
    }

    /// <summary>
    /// A request (or extension) waiting for a decision that was made before approvals were kept with requests: it is
    /// given the one stage it was made under — the role's approvers, one approval, the deadline it was given.
    /// </summary>
    public void AdoptApproval(IReadOnlyList<string> approvers, TimeSpan? remindBefore)
    {
        if (Status == ActivationStatus.PendingApproval && Approval is null && ApprovalDeadline is not null)
            // Stryker disable once Arithmetic,Linq : ApprovalStage.Single is the one-stage factory, not LINQ's, and an instant plus an instant is no C#
            Approval = new ApprovalProgress([ApprovalStage.Single(approvers, ApprovalDeadline.Value - RequestedAt)], 0, RequestedAt, [], remindBefore);
        if (Extension is { Approval: null })
            // Stryker disable once Arithmetic,Linq : as above
            Extension = Extension with
            {
                Approval = new ApprovalProgress([ApprovalStage.Single(approvers, Extension.Deadline - Extension.RequestedAt)], 0, Extension.RequestedAt, [], remindBefore),
            };
    }

    /// <summary>The approval waiting for a decision at <paramref name="now"/>: the request's, or its extension's; null when none waits.</summary>
    public ApprovalProgress? AwaitingApprovalAt(DateTimeOffset now) =>
        HasPendingExtensionAt(now) ? Extension!.Approval : StatusAt(now) == ActivationStatus.PendingApproval ? Approval : null;

    /// <summary>Whether the approver may decide what waits at <paramref name="now"/>, and has not yet: what "approvals" lists.</summary>
    public bool MayBeDecidedBy(ApproverFacts approver, DateTimeOffset now)
    {
        var progress = AwaitingApprovalAt(now);
        return approver.PrincipalId != PrincipalId && progress is not null
            && progress.MayBeDecidedBy(approver, now) && !progress.HasDecided(approver.PrincipalId);
    }

    /// <summary>Nobody approves or denies their own request, or its extension.</summary>
    public void EnsureMayBeDecidedBy(string approverId)
    {
        if (approverId == PrincipalId)
            throw new PimException(ErrorCodes.SelfApprovalForbidden, "Nobody approves or denies their own activation request.");
    }

    // ---------------------------------------------------------------- the requester, administrators

    public void Cancel(DateTimeOffset now)
    {
        EnsureStatus(now, "canceled", ActivationStatus.PendingApproval, ActivationStatus.Scheduled);
        Close(ActivationStatus.Canceled, now);
    }

    public void Deactivate(DateTimeOffset now)
    {
        EnsureStatus(now, "deactivated", ActivationStatus.Active);
        EndsAt = now;
        Close(ActivationStatus.Deactivated, now);
    }

    /// <summary>An extension waits for a decision (and the activation it extends is still active).</summary>
    public bool HasPendingExtensionAt(DateTimeOffset now) =>
        Extension is not null && now < Extension.Deadline && StatusAt(now) == ActivationStatus.Active;

    /// <summary>Lengthens an active activation now (no approval needed), never past its eligibility.</summary>
    public void Extend(TimeSpan duration, DateTimeOffset now)
    {
        EnsureStatus(now, "extended", ActivationStatus.Active);
        EnsureNoPendingExtension(now);
        Lengthen(duration);
    }

    /// <summary>Asks approvers to lengthen an active activation: the extension goes through <paramref name="approval"/>'s stages.</summary>
    public void RequestExtension(TimeSpan duration, string? justification, DateTimeOffset now, ApprovalProgress approval)
    {
        EnsureStatus(now, "extended", ActivationStatus.Active);
        EnsureNoPendingExtension(now);
        Extension = new PendingExtension(duration, justification, now, approval.Deadline, approval);
        Version++;
    }

    /// <summary>
    /// A Privileged Role or Security Administrator (the caller checks which; never the requester) acknowledges a
    /// break-glass activation, at any time after it, with a justification: its follow-up is closed.
    /// </summary>
    public void Acknowledge(string administratorId, string justification, DateTimeOffset now)
    {
        if (FollowUp is not { IsOpen: true })
            throw new PimException(ErrorCodes.InvalidStateTransition, $"Activation request '{Id}' has no break-glass follow-up waiting for an acknowledgement.");
        if (administratorId == PrincipalId)
            throw new PimException(ErrorCodes.SelfApprovalForbidden, "Nobody acknowledges their own break-glass activation.");
        FollowUp = FollowUp with { AcknowledgedBy = administratorId, AcknowledgedAt = now, Justification = justification };
        Version++;
    }

    /// <summary>
    /// The request ends now, whatever its open state: what it stood on is gone (<see cref="GrantRevocation"/>), or a PIM
    /// administrator revoked it with a reason.
    /// </summary>
    public void Revoke(DateTimeOffset now)
    {
        EnsureStatus(now, "revoked", OpenStatuses);
        EndsAt = now; // an open request ends later than now, or has no end yet
        Close(ActivationStatus.Revoked, now);
    }

    // ---------------------------------------------------------------- helpers

    private void EnsureNoPendingExtension(DateTimeOffset now)
    {
        if (HasPendingExtensionAt(now))
            throw new PimException(ErrorCodes.InvalidStateTransition, $"An extension of activation request '{Id}' already waits for approval.");
    }

    private void Lengthen(TimeSpan duration)
    {
        EndsAt = WithinEligibility(EndsAt!.Value + duration);
        // Stryker disable once Arithmetic : an instant plus an instant is no C#
        Duration = EndsAt.Value - StartsAt;
        Version++;
    }

    private DateTimeOffset EndFor(DateTimeOffset start) => WithinEligibility(start + Duration);

    /// <summary>Access never outlives the eligibility it was made through (as it was when the request was made).</summary>
    private DateTimeOffset WithinEligibility(DateTimeOffset end) =>
        // Stryker disable once Equality : at an end equal to the eligibility's, either branch answers that instant ('<=' is the same rule)
        EligibilityEndsAt < end ? EligibilityEndsAt.Value : end;

    private void Close(ActivationStatus status, DateTimeOffset now)
    {
        Status = status;
        ClosedAt = now;
        Version++;
    }

    private void EnsureStatus(DateTimeOffset now, string verb, params ActivationStatus[] allowed)
    {
        var current = StatusAt(now);
        if (!allowed.Contains(current))
            throw new PimException(ErrorCodes.InvalidStateTransition,
                $"Activation request '{Id}' is {Wire(current)}; only a request that is {string.Join(" or ", allowed.Select(Wire))} can be {verb}.");
    }

    public static ActivationStatus? ParseWire(string? text) =>
        Enum.GetValues<ActivationStatus>().Select(s => (ActivationStatus?)s).FirstOrDefault(s => Wire(s!.Value) == text);

    public static string Wire(ActivationStatus status) => status switch
    {
        ActivationStatus.PendingApproval => "pendingApproval",
        ActivationStatus.TimedOut => "timedOut",
        _ => status.ToString().ToLowerInvariant(),
    };
}
