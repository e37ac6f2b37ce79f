using System.Globalization;
using System.Text;

namespace Pim.Domain;

/// <summary>
/// Who is told what (role settings' notifications section): role administrators when an eligible member activates,
/// approvers when a request waits, the requester of the decision, the assignee of a new assignment. Each use case
/// passes the role settings it already resolved.
/// </summary>
public sealed partial class Notifier(IPrincipals principals, IAccessReader access, IOutbox outbox, ICustomRoles roles, NotificationLimits limits, TimeProvider time,
    ConsoleLinks links, IChatOutbox? chat = null)
{
    /// <summary>Every copy of the request's approval message in chat is brought up to date (a decision, a stage, a cancel, a time-out).</summary>
    public Task RequestChangedAsync(ActivationRequest request, CancellationToken ct) =>
        chat?.EnqueueAsync(new ChatNotice(ChatNotice.Update, request.TenantId, request.Id, request.RoleId, request.Scope), ct) ?? Task.CompletedTask;

    public async Task ActivationStartedAsync(ActivationRequest request, RoleSettings policy, CancellationToken ct)
    {
        var role = await RoleNameAsync(request.TenantId, request.RoleId, ct);
        var rules = policy.Notifications.OnActivation;
        var ids = rules.NotifyRoleAdministrators
            ? await access.ListHoldersAsync(request.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct)
            : [];
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, ids, rules.AdditionalRecipients,
            $"PIM: {Name(requester, request.PrincipalId)} activated {role}", Describe(request, role, requester, "was activated") + RequestLink(request), ct,
            topic: $"activated:{request.RoleId}");
    }

    /// <summary>The holder and the role administrators learn that a grant (or a waiting request) ended: its basis went, or an administrator revoked it.</summary>
    public async Task ActivationRevokedAsync(ActivationRequest request, string reason, CancellationToken ct)
    {
        var role = await RoleNameAsync(request.TenantId, request.RoleId, ct);
        var administrators = await access.ListHoldersAsync(request.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, [request.PrincipalId, .. administrators], [],
            $"PIM: {Name(requester, request.PrincipalId)}'s activation of {role} was revoked",
            Describe(request, role, requester, "was revoked") + $"\nReason: {reason}\n" + RequestLink(request), ct, topic: $"revoked:{request.RoleId}");
    }

    /// <summary>
    /// The approvers of the stage that waits (<paramref name="approval"/>: the request's, or its extension's) learn that
    /// it waits for them: at each stage's start, and reminded before it times out (<paramref name="reminder"/>), except
    /// those who decided it already.
    /// </summary>
    public async Task ApprovalNeededAsync(ActivationRequest request, ApprovalProgress approval, RoleSettings policy, CancellationToken ct,
        bool reminder = false)
    {
        var role = await RoleNameAsync(request.TenantId, request.RoleId, ct);
        if (!reminder && !approval.IsComplete && chat is not null)
            await chat.EnqueueAsync(new ChatNotice(ChatNotice.Post, request.TenantId, request.Id, request.RoleId, request.Scope), ct);
        if (!policy.Notifications.OnApprovalNeeded.NotifyApprovers || approval.IsComplete) return;
        var now = time.Now();
        var ids = await StageApproversAsync(request.TenantId, approval.Current, approval.EscalatesAt <= now, ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        var what = request.Status == ActivationStatus.Active ? "an extension of" : "to activate"; // an active request waits only for an extension
        var stage = approval.Stages.Count > 1 ? $" (stage {approval.CurrentStage + 1} of {approval.Stages.Count})" : "";
        await SendAsync(request.TenantId, ids.Except(approval.Decided).Where(id => id != request.PrincipalId).ToList(), [],
            $"PIM: {(reminder ? "reminder: " : "")}approval needed for {Name(requester, request.PrincipalId)} {what} {role}{stage}",
            Describe(request, role, requester, "waits for your approval") + Progress(approval) +
            $"\nDecide in PIM before {Stamp(approval.Deadline)}: approve or deny request {request.Id}.\n" + ApprovalLink(request), ct,
            topic: reminder ? null : $"approvalNeeded:{request.RoleId}");
    }

    /// <summary>A stage that waited too long escalates: its escalation approvers join it and learn that it waits for them.</summary>
    public async Task EscalatedAsync(ActivationRequest request, ApprovalProgress approval, CancellationToken ct)
    {
        var role = await RoleNameAsync(request.TenantId, request.RoleId, ct);
        if (approval.IsComplete) return;
        if (chat is not null) await chat.EnqueueAsync(new ChatNotice(ChatNotice.Post, request.TenantId, request.Id, request.RoleId, request.Scope), ct);
        var ids = await ExpandGroupsAsync(request.TenantId, approval.Current.EscalateTo, ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, ids.Except(approval.Decided).Where(id => id != request.PrincipalId).ToList(), [],
            $"PIM: escalated — approval needed for {Name(requester, request.PrincipalId)} to activate {role}",
            Describe(request, role, requester, "was escalated to you: its approvers have not decided") + Progress(approval) +
            $"\nDecide in PIM before {Stamp(approval.Deadline)}: approve or deny request {request.Id}.\n" + ApprovalLink(request), ct);
    }

    /// <summary>Who may decide a stage: its approvers (groups expanded), or the default approvers; with the escalation's once escalated.</summary>
    private async Task<IReadOnlyList<string>> StageApproversAsync(string tenantId, ApprovalStage stage, bool escalated, CancellationToken ct)
    {
        var ids = stage.Approvers.Count > 0
            ? await ExpandGroupsAsync(tenantId, stage.Approvers, ct)
            : await access.ListHoldersAsync(tenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        return escalated ? [.. ids.Union(await ExpandGroupsAsync(tenantId, stage.EscalateTo, ct))] : ids;
    }

    /// <summary>
    /// Break-glass is loud: every Privileged Role and Security Administrator (and the settings' additional recipients)
    /// learns of it at once, and that one of them must acknowledge it.
    /// </summary>
    public async Task BreakGlassActivatedAsync(ActivationRequest request, RoleSettings policy, CancellationToken ct)
    {
        var role = await RoleNameAsync(request.TenantId, request.RoleId, ct);
        var administrators = await access.ListHoldersAsync(request.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, administrators.Where(id => id != request.PrincipalId).ToList(), policy.Notifications.OnActivation.AdditionalRecipients,
            $"PIM BREAK-GLASS: {Name(requester, request.PrincipalId)} activated {role} without approval",
            Describe(request, role, requester, "was activated through break-glass, without approval") +
            $"\nA Privileged Role or Security Administrator must acknowledge it before {Stamp(request.FollowUp?.DueAt)}: " +
            $"POST …/activation-requests/{request.Id}/acknowledge with a justification.\n" + RequestLink(request), ct);
    }

    /// <summary>A break-glass activation still not acknowledged when its follow-up is due: the administrators are told again.</summary>
    public async Task BreakGlassOverdueAsync(ActivationRequest request, CancellationToken ct)
    {
        var role = await RoleNameAsync(request.TenantId, request.RoleId, ct);
        var administrators = await access.ListHoldersAsync(request.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, administrators.Where(id => id != request.PrincipalId).ToList(), [],
            $"PIM BREAK-GLASS: {Name(requester, request.PrincipalId)}'s activation of {role} is still not acknowledged",
            Describe(request, role, requester, "was a break-glass activation that nobody has acknowledged") +
            $"\nAcknowledge it: POST …/activation-requests/{request.Id}/acknowledge with a justification.\n" + RequestLink(request), ct);
    }

    /// <summary>The holder learns, ahead of time, that an activation ends, and how to extend it.</summary>
    public async Task ActivationExpiringSoonAsync(ActivationRequest request, CancellationToken ct)
    {
        var role = await RoleNameAsync(request.TenantId, request.RoleId, ct);
        var holder = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, [request.PrincipalId], [],
            $"PIM: your activation of {role} ends at {Stamp(request.EndsAt)}",
            Describe(request, role, holder, $"ends at {Stamp(request.EndsAt)}") +
            $"\nTo keep the role longer, extend it before then (within the role's maximum): POST /v1/tenants/{request.TenantId}/activation-requests/{request.Id}/extend " +
            "with {\"duration\": \"PT1H\", \"justification\": \"…\"}.\n" + RequestLink(request, "Extend it in Pim Console"), ct);
    }

    /// <summary>The holder and the role administrators learn, ahead of time, that an eligible or active assignment ends.</summary>
    public async Task AssignmentExpiringSoonAsync(RoleAssignment assignment, CancellationToken ct)
    {
        var role = await RoleNameAsync(assignment.TenantId, assignment.RoleId, ct);
        var administrators = await access.ListHoldersAsync(assignment.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var holder = await principals.FindAsync(assignment.TenantId, assignment.PrincipalId, ct);
        var kind = AssignmentTypes.ToText(assignment.Type);
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{Name(holder, assignment.PrincipalId)}'s {kind} assignment of {role} ends at {Stamp(assignment.EndsAt)}.\n\n")
            .Append(CultureInfo.InvariantCulture, $"Role: {role} ({assignment.RoleId})\nScope: {assignment.Scope}\n")
            .Append(CultureInfo.InvariantCulture, $"Principal: {Name(holder, assignment.PrincipalId)} ({assignment.PrincipalId})\nType: {kind}\n")
            .Append(CultureInfo.InvariantCulture, $"End: {Stamp(assignment.EndsAt)}\nAssignment id: {assignment.Id}\n")
            .Append("\nTo keep the role, a Global or Privileged Role Administrator assigns it again before then.\n");
        await SendAsync(assignment.TenantId, [assignment.PrincipalId, .. administrators], [],
            $"PIM: {Name(holder, assignment.PrincipalId)}'s {kind} assignment of {role} ends at {Stamp(assignment.EndsAt)}",
            body.ToString(), ct, topic: $"assignmentExpiring:{assignment.RoleId}");
    }

    private static string Progress(ApprovalProgress approval)
    {
        if (approval.IsComplete) return "";
        var stage = approval.Current;
        var approvals = approval.Decisions.Count(d => d.Stage == approval.CurrentStage && d.Approved);
        return approval.Stages.Count == 1 && stage.Required == 1 ? ""
            : $"Stage: {approval.CurrentStage + 1} of {approval.Stages.Count}; approvals: {approvals} of {stage.Required} needed\n";
    }

    /// <summary>The requester learns that its request was approved, denied or timed out.</summary>
    public async Task DecisionAsync(ActivationRequest request, RoleSettings policy, CancellationToken ct)
    {
        var role = await RoleNameAsync(request.TenantId, request.RoleId, ct);
        var rules = policy.Notifications.OnDecision;
        if (chat is not null)
        {
            await RequestChangedAsync(request, ct);
            var requesterAccount = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
            if (rules.NotifyRequester && PrincipalValues.IsEmail(requesterAccount?.Email))
                await chat.EnqueueAsync(new ChatNotice(ChatNotice.DirectMessage, request.TenantId, request.Id, request.RoleId, request.Scope,
                    requesterAccount!.Email), ct);
        }
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
            $"PIM: your activation of {role} was {outcome}", Describe(request, role, requester, $"was {outcome}") + decision + RequestLink(request), ct);
    }

    public async Task AssignmentCreatedAsync(RoleAssignment assignment, RoleSettings policy, CancellationToken ct)
    {
        var role = await RoleNameAsync(assignment.TenantId, assignment.RoleId, ct);
        var rules = policy.Notifications.OnAssignment;
        if (!rules.NotifyAssignee) return;
        var kind = assignment.Type == AssignmentType.Eligible ? "eligible for" : "assigned";
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"You are now {kind} the role {role}.\n\n")
            .Append(CultureInfo.InvariantCulture, $"Role: {role} ({assignment.RoleId})\nScope: {assignment.Scope}\n")
            .Append(CultureInfo.InvariantCulture, $"Type: {AssignmentTypes.ToText(assignment.Type)}\nStart: {Stamp(assignment.StartsAt)}\n")
            .Append(CultureInfo.InvariantCulture, $"End: {(assignment.EndsAt is null ? "permanent" : Stamp(assignment.EndsAt))}\n")
            .Append(CultureInfo.InvariantCulture, $"Justification: {assignment.Justification ?? "-"}\nAssignment id: {assignment.Id}\n");
        await SendAsync(assignment.TenantId, [assignment.PrincipalId], [], $"PIM: you are {kind} {role}", body.ToString(), ct);
    }

    /// <summary>
    /// A grant of a group's role (membership, ownership) that confers other roles: the role administrators are told, as
    /// they would be of a grant of those roles themselves — whatever the group role's own settings say.
    /// </summary>
    public async Task ConferringAssignmentCreatedAsync(RoleAssignment assignment, IReadOnlyList<GoverningRole> confers, CancellationToken ct)
    {
        if (confers.Count == 0) return;
        var role = await roles.RoleNameAsync(assignment.TenantId, assignment.RoleId, ct);
        var administrators = await access.ListHoldersAsync(assignment.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var assignee = await principals.FindAsync(assignment.TenantId, assignment.PrincipalId, ct);
        var kind = assignment.Type == AssignmentType.Eligible ? "eligible for" : "assigned";
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{Name(assignee, assignment.PrincipalId)} was made {kind} {role} at {assignment.Scope} by {assignment.CreatedBy}.\n\n")
            .Append("The group confers:\n");
        foreach (var conferred in confers)
            body.Append(CultureInfo.InvariantCulture, $"- {await roles.RoleNameAsync(assignment.TenantId, conferred.RoleId, ct)} ({conferred.RoleId}) at {conferred.Scope}, held by {conferred.GroupId}\n");
        body.Append(CultureInfo.InvariantCulture, $"\nEnd: {(assignment.EndsAt is null ? "permanent" : Stamp(assignment.EndsAt))}\nJustification: {assignment.Justification ?? "-"}\n")
            .Append(CultureInfo.InvariantCulture, $"Assignment id: {assignment.Id}\n");
        await SendAsync(assignment.TenantId, administrators, [],
            $"PIM: {Name(assignee, assignment.PrincipalId)} was made {kind} {role} of {assignment.Scope}, which confers {string.Join(", ", confers.Select(c => c.RoleId).Distinct())}",
            body.ToString(), ct, topic: $"conferred:{assignment.Scope}");
    }

    /// <summary>
    /// The role administrators learn that a principal left (deleted), was suspended (disabled) or restored (enabled again),
    /// and what that did to what it held — only when it held something: a leaver with no role is no news.
    /// </summary>
    /// <param name="what">"left", "was suspended", "was enabled again".</param>
    /// <param name="facts">Lines such as "Assignments removed: 2".</param>
    public async Task DirectoryChangedAsync(Principal principal, string what, IReadOnlyList<string> facts, CancellationToken ct)
    {
        var administrators = await access.ListHoldersAsync(principal.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{Name(principal, principal.Id)} ({principal.Id}, {PrincipalKinds.ToText(principal.Kind)}) {what} in the directory.\n\n");
        foreach (var fact in facts) body.Append(fact).Append('\n');
        await SendAsync(principal.TenantId, administrators.Where(id => id != principal.Id).ToList(), [],
            $"PIM: {Name(principal, principal.Id)} {what}", body.ToString(), ct, topic: "directory");
    }

    /// <summary>The enabled users, guests and service principals an approver list names, itself or through its groups (nested ones too).</summary>
    private async Task<IReadOnlyList<string>> ExpandGroupsAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var found = await principals.FindManyAsync(tenantId, ids, ct);
        var groups = found.Where(p => p.Kind == PrincipalKind.Group).Select(p => p.Id).ToList();
        var members = groups.Count == 0 ? [] : await principals.ListMembersAsync(tenantId, groups, ct);
        return found.Where(p => p.Kind != PrincipalKind.Group && p.Enabled).Select(p => p.Id).Concat(members).Distinct().ToList();
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
        // Only addresses that are one mailbox: one stored before the rules, or behind Pim's back, is left out (and logged),
        // never the reason the others are not told.
        var reachable = found.Where(p => PrincipalValues.IsEmail(p.Email)).ToList();
        var to = reachable.Select(p => p.Email!).Concat(additional.Where(PrincipalValues.IsEmail)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var skipped = principalIds.Except(reachable.Select(p => p.Id)).Concat(additional.Where(a => !PrincipalValues.IsEmail(a))).Distinct().ToList();
        if (to.Count == 0 && skipped.Count == 0) return;
        await outbox.EnqueueEmailAsync(tenantId, new EmailMessage(to, PrincipalValues.OneLine(subject), body, skipped, topic), ct);
    }

    /// <summary>The console's page of the request, when Pim:Console:PublicUrl says where the console is.</summary>
    private string RequestLink(ActivationRequest request, string label = "Open it in Pim Console") =>
        links.Request(request.TenantId, request.Id) is { } url ? $"\n{label}: {url}\n" : "";

    /// <summary>The console's page where the request is approved or denied.</summary>
    private string ApprovalLink(ActivationRequest request) =>
        links.Approval(request.TenantId, request.Id) is { } url ? $"\nApprove or deny it in Pim Console: {url}\n" : "";

    private static string Describe(ActivationRequest r, string role, Principal? requester, string what) => new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"{Name(requester, r.PrincipalId)}'s activation of {role} {what}.\n\n")
        .Append(CultureInfo.InvariantCulture, $"Role: {role} ({r.RoleId})\nPrincipal: {Name(requester, r.PrincipalId)} ({r.PrincipalId})\n")
        .Append(CultureInfo.InvariantCulture, $"Scope: {r.Scope}\nJustification: {r.Justification ?? "-"}\n")
        .Append(CultureInfo.InvariantCulture, $"Ticket: {(r.Ticket is null ? "-" : $"{r.Ticket.Number} ({r.Ticket.System ?? "no system"})")}\n")
        .Append(CultureInfo.InvariantCulture, $"Start: {Stamp(r.StartsAt)}\nEnd: {(r.EndsAt is null ? $"{IsoDuration.Format(r.Duration)} after approval" : Stamp(r.EndsAt))}\n")
        .Append(CultureInfo.InvariantCulture, $"Request id: {r.Id}\n")
        .ToString();

    /// <summary>A principal's name in a subject or a body: one line, whatever is stored (a line break there would forge a line).</summary>
    private static string Name(Principal? p, string id) => Line(p?.DisplayName ?? id);

    /// <summary>A role's name, one line (a custom role's is its administrators' to write).</summary>
    private async Task<string> RoleNameAsync(string tenantId, string roleId, CancellationToken ct) => Line(await roles.RoleNameAsync(tenantId, roleId, ct));

    private static string Line(string text) => PrincipalValues.OneLine(text);
    private static string Stamp(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "-";
}
