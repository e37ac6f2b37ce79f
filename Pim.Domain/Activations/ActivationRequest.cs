namespace Pim.Domain;

public enum ActivationStatus { PendingApproval, Scheduled, Active, Denied, TimedOut, Canceled, Deactivated, Expired, Revoked }

public sealed record Ticket(string Number, string? System);

/// <summary>An extension of an active activation that waits for approval.</summary>
public sealed record PendingExtension(TimeSpan Duration, string? Justification, DateTimeOffset RequestedAt, DateTimeOffset Deadline);

/// <summary>A principal's request to activate an eligible role for a bounded time (DESIGN §5).</summary>
public sealed class ActivationRequest
{
    private ActivationRequest() { }

    public string TenantId { get; private init; } = "";
    public string Id { get; private init; } = "";
    public string PrincipalId { get; private init; } = "";
    public string RoleId { get; private init; } = "";
    public string Scope { get; private init; } = "";
    /// <summary>The eligible assignment (the principal's own or a group's) this activation is made through.</summary>
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
    public DateTimeOffset? ApprovalDeadline { get; private init; }
    public ApprovalDecision? Decision { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public PendingExtension? Extension { get; private set; }
    public int Version { get; private set; }

    public static readonly ActivationStatus[] OpenStatuses = [ActivationStatus.PendingApproval, ActivationStatus.Scheduled, ActivationStatus.Active];

    public bool IsOpenAt(DateTimeOffset now) => OpenStatuses.Contains(StatusAt(now));

    /// <summary>
    /// Creates a request the policy has already accepted: active now, scheduled for <paramref name="startsAt"/>,
    /// or waiting for approval.
    /// </summary>
    public static ActivationRequest Create(string tenantId, string principalId, RoleAssignment eligibility, string scope,
        ActivationOutcome outcome, TimeSpan duration, string? justification, Ticket? ticket, DateTimeOffset startsAt,
        DateTimeOffset now, TimeSpan approvalTimeout)
    {
        var request = new ActivationRequest
        {
            TenantId = tenantId,
            Id = NewId.Next(),
            PrincipalId = principalId,
            RoleId = eligibility.RoleId,
            Scope = scope,
            AssignmentId = eligibility.Id,
            Duration = duration,
            Justification = justification,
            Ticket = ticket,
            RequestedAt = now,
            StartsAt = startsAt,
            EligibilityEndsAt = eligibility.EndsAt,
            Status = outcome switch
            {
                ActivationOutcome.PendingApproval => ActivationStatus.PendingApproval,
                ActivationOutcome.Scheduled => ActivationStatus.Scheduled,
                _ => ActivationStatus.Active,
            },
            ApprovalDeadline = outcome == ActivationOutcome.PendingApproval ? now + approvalTimeout : null,
            Version = 1,
        };
        if (outcome != ActivationOutcome.PendingApproval) request.EndsAt = request.EndFor(startsAt);
        return request;
    }

    public static ActivationRequest Rehydrate(string tenantId, string id, string principalId, string roleId, string scope, string assignmentId,
        ActivationStatus status, TimeSpan duration, string? justification, Ticket? ticket, DateTimeOffset requestedAt, DateTimeOffset startsAt,
        DateTimeOffset? endsAt, DateTimeOffset? eligibilityEndsAt, DateTimeOffset? approvalDeadline, ApprovalDecision? decision,
        DateTimeOffset? closedAt, int version, PendingExtension? extension = null) => new()
    {
        Extension = extension,
        TenantId = tenantId, Id = id, PrincipalId = principalId, RoleId = roleId, Scope = scope, AssignmentId = assignmentId,
        Status = status, Duration = duration, Justification = justification, Ticket = ticket, RequestedAt = requestedAt,
        StartsAt = startsAt, EndsAt = endsAt, EligibilityEndsAt = eligibilityEndsAt, ApprovalDeadline = approvalDeadline,
        Decision = decision, ClosedAt = closedAt, Version = version,
    };

    /// <summary>The status at <paramref name="now"/>: time alone turns scheduled into active, active into expired,
    /// and an undecided request into timedOut, whether or not a sweep has recorded it yet.</summary>
    public ActivationStatus StatusAt(DateTimeOffset now) => Status switch
    {
        ActivationStatus.PendingApproval when now >= ApprovalDeadline => ActivationStatus.TimedOut,
        ActivationStatus.Scheduled or ActivationStatus.Active when now >= EndsAt => ActivationStatus.Expired,
        ActivationStatus.Scheduled when now >= StartsAt => ActivationStatus.Active,
        _ => Status,
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

    public void Approve(string approverId, string? justification, DateTimeOffset now)
    {
        EnsureMayBeDecidedBy(approverId);
        EnsureStatus(now, "approved", ActivationStatus.PendingApproval);
        Decision = new ApprovalDecision(true, approverId, now, justification);
        // The clock starts at approval, or at the requested start when that is later.
        if (StartsAt < now) StartsAt = now;
        EndsAt = EndFor(StartsAt);
        Status = StartsAt > now ? ActivationStatus.Scheduled : ActivationStatus.Active;
        Version++;
    }

    public void Deny(string approverId, string? justification, DateTimeOffset now)
    {
        EnsureMayBeDecidedBy(approverId);
        EnsureStatus(now, "denied", ActivationStatus.PendingApproval);
        Decision = new ApprovalDecision(false, approverId, now, justification);
        Close(ActivationStatus.Denied, now);
    }

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
        Extension is { } e && now < e.Deadline && StatusAt(now) == ActivationStatus.Active;

    /// <summary>Lengthens an active activation now (no approval needed), never past its eligibility.</summary>
    public void Extend(TimeSpan duration, DateTimeOffset now)
    {
        EnsureStatus(now, "extended", ActivationStatus.Active);
        EnsureNoPendingExtension(now);
        Lengthen(duration);
    }

    /// <summary>Asks approvers to lengthen an active activation.</summary>
    public void RequestExtension(TimeSpan duration, string? justification, DateTimeOffset now, TimeSpan approvalTimeout)
    {
        EnsureStatus(now, "extended", ActivationStatus.Active);
        EnsureNoPendingExtension(now);
        Extension = new PendingExtension(duration, justification, now, now + approvalTimeout);
        Version++;
    }

    public void ApproveExtension(string approverId, DateTimeOffset now)
    {
        EnsureMayBeDecidedBy(approverId);
        if (!HasPendingExtensionAt(now))
            throw new PimException(ErrorCodes.InvalidStateTransition, $"Activation request '{Id}' has no extension waiting for a decision.");
        var duration = Extension!.Duration;
        Extension = null;
        Lengthen(duration);
    }

    public void DenyExtension(string approverId, DateTimeOffset now)
    {
        EnsureMayBeDecidedBy(approverId);
        if (!HasPendingExtensionAt(now))
            throw new PimException(ErrorCodes.InvalidStateTransition, $"Activation request '{Id}' has no extension waiting for a decision.");
        Extension = null;
        Version++;
    }

    /// <summary>Nobody approves or denies their own request, or its extension.</summary>
    public void EnsureMayBeDecidedBy(string approverId)
    {
        if (approverId == PrincipalId)
            throw new PimException(ErrorCodes.SelfApprovalForbidden, "Nobody approves or denies their own activation request.");
    }

    private void EnsureNoPendingExtension(DateTimeOffset now)
    {
        if (HasPendingExtensionAt(now))
            throw new PimException(ErrorCodes.InvalidStateTransition, $"An extension of activation request '{Id}' already waits for approval.");
    }

    private void Lengthen(TimeSpan duration)
    {
        var end = EndsAt!.Value + duration;
        EndsAt = EligibilityEndsAt is { } eligibilityEnd && eligibilityEnd < end ? eligibilityEnd : end;
        Duration = EndsAt.Value - StartsAt;
        Version++;
    }

    /// <summary>The eligibility this request was made through is gone: the request ends now, whatever its state.</summary>
    public void Revoke(DateTimeOffset now)
    {
        EnsureStatus(now, "revoked", OpenStatuses);
        if (EndsAt is null || EndsAt > now) EndsAt = now;
        Close(ActivationStatus.Revoked, now);
    }

    private DateTimeOffset EndFor(DateTimeOffset start)
    {
        var end = start + Duration;
        return EligibilityEndsAt is { } eligibilityEnd && eligibilityEnd < end ? eligibilityEnd : end;
    }

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
