using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pim.Domain;

/// <summary>An email to send, composed when the change that causes it commits. <see cref="Topic"/> groups the fan-out
/// emails that <see cref="NotificationLimits"/> bound (e.g. <c>activated:exchange-administrator</c>).</summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string Body, IReadOnlyList<string> SkippedRecipients, string? Topic = null);

/// <summary>
/// How many fan-out emails (to role administrators or approvers) one role may cause per window and tenant: one eligible
/// user cycling activate/deactivate cannot mail-bomb every administrator. Beyond the bound the emails are held back;
/// the audit trail and webhooks still carry every event.
/// </summary>
public sealed record NotificationLimits(int MaxPerRolePerWindow, TimeSpan Window)
{
    public static readonly NotificationLimits Default = new(20, TimeSpan.FromHours(1));
}

/// <summary>A message waiting in (or gone through) the transactional outbox.</summary>
public sealed record OutboxMessage(string TenantId, string Id, string Kind, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, string? LastError, string Summary);

public static class OutboxStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public static readonly string[] All = [Pending, Delivered, Failed];
}

/// <summary>The transactional outbox: messages are written in the transaction of the change that causes them.</summary>
public interface IOutbox
{
    Task EnqueueEmailAsync(string tenantId, EmailMessage email, CancellationToken ct);
    /// <summary>How many emails of the topic were enqueued in the tenant since <paramref name="since"/>.</summary>
    Task<int> CountTopicAsync(string tenantId, string topic, DateTimeOffset since, CancellationToken ct);
    Task<IReadOnlyList<OutboxMessage>> ListAsync(string tenantId, string? status, string? after, int pageSize, CancellationToken ct);
    /// <summary>Puts a failed message back in line; null when there is no such failed message.</summary>
    Task<OutboxMessage?> RetryAsync(string tenantId, string messageId, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// Who is told what (role settings' notifications section): role administrators when an eligible member activates,
/// approvers when a request waits, the requester of the decision, the assignee of a new assignment.
/// </summary>
public sealed class Notifier(IPrincipals principals, IAccessReader access, IOutbox outbox, RoleSettingsService settings, NotificationLimits limits,
    TimeProvider time)
{
    public async Task ActivationStartedAsync(ActivationRequest request, CancellationToken ct)
    {
        var rules = (await settings.EffectiveAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings.Notifications.OnActivation;
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

    public async Task ApprovalNeededAsync(ActivationRequest request, CancellationToken ct)
    {
        var policy = (await settings.EffectiveAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
        if (!policy.Notifications.OnApprovalNeeded.NotifyApprovers) return;
        var ids = policy.Activation.Approvers.Count > 0
            ? await ExpandGroupsAsync(request.TenantId, policy.Activation.Approvers, ct)
            : await access.ListHoldersAsync(request.TenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        await SendAsync(request.TenantId, ids.Where(id => id != request.PrincipalId).ToList(), [],
            $"PIM: approval needed for {Name(requester, request.PrincipalId)} to activate {Role(request.RoleId)}",
            Describe(request, requester, "waits for your approval") +
            $"\nDecide before {Stamp(request.ApprovalDeadline)}: POST /v1/tenants/{request.TenantId}/activation-requests/{request.Id}/approve or /deny\n", ct,
            topic: $"approvalNeeded:{request.RoleId}");
    }

    /// <summary>The requester learns that its request was approved, denied or timed out.</summary>
    public async Task DecisionAsync(ActivationRequest request, CancellationToken ct)
    {
        var rules = (await settings.EffectiveAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings.Notifications.OnDecision;
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

    public async Task AssignmentCreatedAsync(RoleAssignment assignment, CancellationToken ct)
    {
        var rules = (await settings.EffectiveAtAsync(assignment.TenantId, assignment.RoleId, assignment.Scope, ct)).Settings.Notifications.OnAssignment;
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

/// <summary>A tenant's webhook: where to POST which events (CloudEvents, signed per Standard Webhooks).</summary>
public sealed record WebhookSubscription(string TenantId, string Id, string Url, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt, string CreatedBy);

public interface IWebhooks
{
    Task InsertAsync(WebhookSubscription webhook, string secret, CancellationToken ct);
    Task<IReadOnlyList<WebhookSubscription>> ListAsync(string tenantId, CancellationToken ct);
    Task<WebhookSubscription?> FindAsync(string tenantId, string webhookId, CancellationToken ct);
    Task<bool> DeleteAsync(string tenantId, string webhookId, CancellationToken ct);
}

/// <summary>Where webhooks may point: https, and (in production) no loopback, link-local or private address.</summary>
public interface IWebhookUrlPolicy
{
    /// <summary>Why the URL is refused, or null when it is allowed.</summary>
    Task<string?> RefusalAsync(Uri url, CancellationToken ct);
}

public static class WebhookEventTypes
{
    /// <summary>Every audited change is an event: <c>pim.</c> + the audit action, e.g. <c>pim.activation.approved</c>.</summary>
    public static readonly IReadOnlyList<string> All = typeof(AuditActions).GetFields()
        .Where(f => f.IsLiteral).Select(f => "pim." + (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();

    public static string Of(string auditAction) => "pim." + auditAction;
}

public sealed class WebhookService(ITenants tenants, IWebhooks webhooks, IWebhookUrlPolicy urls, IAuditLog audit, IUnitOfWork uow,
    AccessService access, TimeProvider time)
{
    public const int MaximumPerTenant = 20;

    /// <summary>Creates a webhook; the secret is answered here, once, and never again.</summary>
    public async Task<(WebhookSubscription Webhook, string Secret)> CreateAsync(Caller caller, Uri url, IReadOnlyList<string> eventTypes, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, ct);
        if (await urls.RefusalAsync(url, ct) is { } refusal)
            throw new PimException(ErrorCodes.WebhookUrlRefused, refusal);
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        if ((await webhooks.ListAsync(caller.TenantId, ct)).Count >= MaximumPerTenant)
            throw new PimException(ErrorCodes.Conflict, $"A tenant has at most {MaximumPerTenant} webhooks.");
        var webhook = new WebhookSubscription(caller.TenantId, NewId.Next(), url.ToString(), eventTypes.Distinct().Order(StringComparer.Ordinal).ToList(),
            now, caller.ActorId);
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await webhooks.InsertAsync(webhook, secret, ct);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.WebhookCreated, "webhook", webhook.Id) with
        {
            Details = $"{{\"url\":{System.Text.Json.JsonSerializer.Serialize(webhook.Url)}}}",
        }, ct);
        await tx.CommitAsync(ct);
        return (webhook, secret);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(Caller caller, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, ct);
        return await webhooks.ListAsync(caller.TenantId, ct);
    }

    public async Task<WebhookSubscription> GetAsync(Caller caller, string webhookId, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, ct);
        return await webhooks.FindAsync(caller.TenantId, webhookId, ct) ?? throw Errors.NotFound($"Webhook '{webhookId}'");
    }

    public async Task DeleteAsync(Caller caller, string webhookId, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, ct);
        await using var tx = await uow.BeginAsync(ct);
        if (!await webhooks.DeleteAsync(caller.TenantId, webhookId, ct)) throw Errors.NotFound($"Webhook '{webhookId}'");
        await audit.AppendAsync(AuditEvent.For(caller, time.Now(), AuditActions.WebhookDeleted, "webhook", webhookId), ct);
        await tx.CommitAsync(ct);
    }

    private async Task EnsureAdministratorAsync(Caller caller, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Managing webhooks", ct);
        tenant.EnsureConsented();
    }
}

/// <summary>Administrators see failed notifications and put them back in line.</summary>
public sealed class NotificationService(ITenants tenants, IOutbox outbox, IAuditLog audit, IUnitOfWork uow, AccessService access, TimeProvider time)
{
    public async Task<Page<OutboxMessage>> ListAsync(Caller caller, string? status, string? after, int pageSize, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.AuditReaders, "Reading notifications", ct, operatorAllowed: true);
        if (!caller.IsOperator) tenant.EnsureConsented();
        return Paging.Of(await outbox.ListAsync(tenant.Id, status, after, pageSize + 1, ct), pageSize, m => m.Id);
    }

    public async Task<OutboxMessage> RetryAsync(Caller caller, string messageId, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Re-driving notifications", ct);
        tenant.EnsureConsented();
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var message = await outbox.RetryAsync(tenant.Id, messageId, now, ct)
            ?? throw new PimException(ErrorCodes.InvalidStateTransition, $"Notification '{messageId}' does not exist or has not failed.");
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.NotificationRetried, "notification", messageId), ct);
        await tx.CommitAsync(ct);
        return message;
    }
}
