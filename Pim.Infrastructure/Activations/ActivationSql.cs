namespace Pim.Infrastructure;

/// <summary>
/// <see cref="Pim.Domain.ActivationRequest.StatusAt"/> in SQL: a request's status at <c>@now</c>, which time alone may
/// have moved past the recorded <c>status</c>. Every query of <c>activation_requests</c> (aliased <c>r</c>) that asks
/// where a request stands uses these, and ActivationSqlTests checks them against the domain on both stores.
/// </summary>
public static class ActivationSql
{
    /// <summary>Recorded as open (pending, scheduled, active): what the one-open-request index and the sweeper's indexes hold.</summary>
    public const string RecordedOpen = "r.status IN ('pendingApproval', 'scheduled', 'active')";

    /// <summary>
    /// What an activation <c>r</c> stands on still holds (GrantBasis), given its eligible assignment <c>e</c>: the
    /// eligibility is the principal's own or one of its groups' (directly or through nested groups), at the activation's
    /// scope or above it. A group's membership activated through a group's eligibility stands on the directory's
    /// membership alone (Eligibility.Usable: a membership held through PIM is one level deep, so none stands on itself).
    /// </summary>
    public const string BasisHolds = $"""
        (e.principal_id = r.principal_id
             OR (r.role_id <> 'member' AND EXISTS (SELECT 1 FROM {MembershipSql.Memberships} m
                        WHERE m.tenant_id = r.tenant_id AND m.member_id = r.principal_id AND m.group_id = e.principal_id))
             OR (r.role_id = 'member' AND EXISTS (SELECT 1 FROM {MembershipSql.Closure} m
                        WHERE m.tenant_id = r.tenant_id AND m.member_id = r.principal_id AND m.group_id = e.principal_id)))
        AND (e.scope = r.scope
             OR EXISTS (SELECT 1 FROM scope_ancestors x
                        WHERE x.tenant_id = r.tenant_id AND x.scope = r.scope AND x.ancestor_scope = e.scope))
        """;

    public const string ActiveAt = "r.status IN ('active', 'scheduled') AND r.starts_at <= @now AND r.ends_at > @now";
    public const string ScheduledAt = "r.status = 'scheduled' AND r.starts_at > @now";
    public const string PendingApprovalAt = "r.status = 'pendingApproval' AND r.approval_deadline > @now";
    public const string ExpiredAt = "(r.status = 'expired' OR (r.status IN ('active', 'scheduled') AND r.ends_at <= @now))";
    public const string TimedOutAt = "(r.status = 'timedOut' OR (r.status = 'pendingApproval' AND r.approval_deadline <= @now))";

    /// <summary>An extension of an activation still in force waits for a decision.</summary>
    public const string ExtensionPendingAt =
        "r.status = 'active' AND r.extension_requested_at IS NOT NULL AND r.extension_deadline > @now AND r.ends_at > @now";

    /// <summary>Waiting for an approver: the request itself, or an extension of it.</summary>
    public const string AwaitingDecisionAt = $"(({PendingApprovalAt}) OR ({ExtensionPendingAt}))";

    /// <summary>Time alone has moved the status past the recorded one (each form reads one of the sweeper's partial indexes).</summary>
    public const string DueToEnd = "r.status IN ('active', 'scheduled') AND r.ends_at <= @now";
    public const string DueToStart = "r.status = 'scheduled' AND r.starts_at <= @now";
    public const string DueToTimeOut = "r.status = 'pendingApproval' AND r.approval_deadline <= @now";
    /// <summary>A notice (reminder, escalation, expiry warning, break-glass follow-up) is due: <see cref="Pim.Domain.ActivationRequest.NextNoticeAt"/>.</summary>
    public const string NoticeDue = "r.notice_at <= @now";
}
