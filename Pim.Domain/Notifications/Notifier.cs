using System.Globalization;
using System.Text;

namespace Pim.Domain;

/// <summary>
/// Who is told what (role settings' notifications section): role administrators when an eligible member activates,
/// approvers when a request waits, the requester of the decision, the assignee of a new assignment. Each use case
/// passes the role settings it already resolved.
/// </summary>
public sealed partial class Notifier(IPrincipals principals, IAccessReader access, IOutbox outbox, NotificationLimits limits, TimeProvider time)
{
    public async Task ActivationStartedAsync(ActivationRequest request, RoleSettings policy, CancellationToken ct)
    {
        var rules = policy.Notifications.OnActivation;
        var ids = rules.NotifyRoleAdministrators
            ? await access.ListHoldersAsync(request.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct)
            : [];
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, ids, rules.AdditionalRecipients,
            $"PIM: {Name(requester, request.PrincipalId)} activated {Role(request.RoleId)}", Describe(request, requester, "was activated"), ct,
            topic: $"activated:{request.RoleId}");
    }

    /// <summary>The holder and the role administrators learn that a grant (or a waiting request) ended because its basis went.</summary>
    public async Task ActivationRevokedAsync(ActivationRequest request, string reason, CancellationToken ct)
    {
        var administrators = await access.ListHoldersAsync(request.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, [request.PrincipalId, .. administrators], [],
            $"PIM: {Name(requester, request.PrincipalId)}'s activation of {Role(request.RoleId)} was revoked",
            Describe(request, requester, "was revoked") + $"\nReason: {reason}\n", ct, topic: $"revoked:{request.RoleId}");
    }

    /// <summary>The approvers learn that a request (or an extension) waits for them.</summary>
    public async Task ApprovalNeededAsync(ActivationRequest request, RoleSettings policy, CancellationToken ct)
    {
        if (!policy.Notifications.OnApprovalNeeded.NotifyApprovers) return;
        var ids = policy.Activation.Approvers.Count > 0
            ? await ExpandGroupsAsync(request.TenantId, policy.Activation.Approvers, ct)
            : await access.ListHoldersAsync(request.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, ids.Where(id => id != request.PrincipalId).ToList(), [],
            $"PIM: approval needed for {Name(requester, request.PrincipalId)} to activate {Role(request.RoleId)}",
            Describe(request, requester, "waits for your approval") +
            $"\nDecide in PIM before {Stamp(request.Extension?.Deadline ?? request.ApprovalDeadline)}: approve or deny request {request.Id}.\n", ct,
            topic: $"approvalNeeded:{request.RoleId}");
    }

    /// <summary>The requester learns that its request was approved, denied or timed out.</summary>
    public async Task DecisionAsync(ActivationRequest request, RoleSettings policy, CancellationToken ct)
    {
        var rules = policy.Notifications.OnDecision;
        if (!rules.NotifyRequester) return;
        var outcome = request.Status switch
        {
            ActivationStatus.Denied => "denied",
            ActivationStatus.TimedOut => "timed out without a decision",
            _ => "approved",
        };
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        var decision = request.Decision is { } d ? $"\nDecided by: {d.DecidedBy}\nDecision justification: {d.Justification}\n" : "";
        await SendAsync(request.TenantId, [request.PrincipalId], [],
            $"PIM: your activation of {Role(request.RoleId)} was {outcome}", Describe(request, requester, $"was {outcome}") + decision, ct);
    }

    public async Task AssignmentCreatedAsync(RoleAssignment assignment, RoleSettings policy, CancellationToken ct)
    {
        var rules = policy.Notifications.OnAssignment;
        if (!rules.NotifyAssignee) return;
        var kind = assignment.Type == AssignmentType.Eligible ? "eligible for" : "assigned";
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"You are now {kind} the role {Role(assignment.RoleId)}.\n\n")
            .Append(CultureInfo.InvariantCulture, $"Role: {Role(assignment.RoleId)} ({assignment.RoleId})\nScope: {assignment.Scope}\n")
            .Append(CultureInfo.InvariantCulture, $"Type: {AssignmentTypes.ToText(assignment.Type)}\nStart: {Stamp(assignment.StartsAt)}\n")
            .Append(CultureInfo.InvariantCulture, $"End: {(assignment.EndsAt is null ? "permanent" : Stamp(assignment.EndsAt))}\n")
            .Append(CultureInfo.InvariantCulture, $"Justification: {assignment.Justification ?? "-"}\nAssignment id: {assignment.Id}\n");
        await SendAsync(assignment.TenantId, [assignment.PrincipalId], [], $"PIM: you are {kind} {Role(assignment.RoleId)}", body.ToString(), ct);
    }

    private async Task<IReadOnlyList<string>> ExpandGroupsAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var found = await principals.FindManyAsync(tenantId, ids, ct);
        var groups = found.Where(p => p.Kind == PrincipalKind.Group).Select(p => p.Id).ToList();
        var members = groups.Count == 0 ? [] : await principals.ListMembersAsync(tenantId, groups, ct);
        return found.Where(p => p.Kind != PrincipalKind.Group).Select(p => p.Id).Concat(members).Distinct().ToList();
    }

    private async Task SendAsync(string tenantId, IReadOnlyList<string> principalIds, IReadOnlyList<string> additional, string subject, string body,
        CancellationToken ct, string? topic = null)
    {
        if (topic is not null)
        {
            var now = time.Now();
            var sent = await outbox.CountTopicAsync(tenantId, topic, now - limits.Window, ct);
            if (sent >= limits.MaxPerRolePerWindow) return; // held back: the audit trail and webhooks carry the event
            if (sent == limits.MaxPerRolePerWindow - 1)
                body += $"\nThis is the last email of its kind about this role for now: at most {limits.MaxPerRolePerWindow} are sent per " +
                        $"{IsoDuration.Format(limits.Window)}. The audit trail and webhooks keep every event.\n";
        }
        var found = principalIds.Count == 0 ? [] : await principals.FindManyAsync(tenantId, principalIds.Distinct().ToList(), ct);
        var to = found.Where(p => !string.IsNullOrWhiteSpace(p.Email)).Select(p => p.Email!).Concat(additional)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var skipped = principalIds.Except(found.Where(p => !string.IsNullOrWhiteSpace(p.Email)).Select(p => p.Id)).Distinct().ToList();
        if (to.Count == 0 && skipped.Count == 0) return;
        await outbox.EnqueueEmailAsync(tenantId, new EmailMessage(to, subject, body, skipped, topic), ct);
    }

    private static string Describe(ActivationRequest r, Principal? requester, string what) => new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"{Name(requester, r.PrincipalId)}'s activation of {Role(r.RoleId)} {what}.\n\n")
        .Append(CultureInfo.InvariantCulture, $"Role: {Role(r.RoleId)} ({r.RoleId})\nPrincipal: {Name(requester, r.PrincipalId)} ({r.PrincipalId})\n")
        .Append(CultureInfo.InvariantCulture, $"Scope: {r.Scope}\nJustification: {r.Justification ?? "-"}\n")
        .Append(CultureInfo.InvariantCulture, $"Ticket: {(r.Ticket is null ? "-" : $"{r.Ticket.Number} ({r.Ticket.System ?? "no system"})")}\n")
        .Append(CultureInfo.InvariantCulture, $"Start: {Stamp(r.StartsAt)}\nEnd: {(r.EndsAt is null ? $"{IsoDuration.Format(r.Duration)} after approval" : Stamp(r.EndsAt))}\n")
        .Append(CultureInfo.InvariantCulture, $"Request id: {r.Id}\n")
        .ToString();

    private static string Name(Principal? p, string id) => p?.DisplayName ?? id;
    private static string Role(string roleId) => RoleCatalog.Find(roleId)?.DisplayName ?? roleId;
    private static string Stamp(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "-";
}
