namespace Pim.Domain;

/// <summary>
/// Records what happens to activation requests: saves a transition (refusing one that raced with another change),
/// appends its audit events and sends the notifications that go with them. Every activation use case writes through it.
/// </summary>
public sealed class ActivationRecorder(IActivationRequests requests, IAuditLog audit, Notifier notifier, RoleSettingsService settings)
{
    public static AuditEvent AuditOf(Caller caller, DateTimeOffset now, string action, ActivationRequest request) =>
        AuditEvent.For(caller, now, action, "activationRequest", request.Id) with
        {
            PrincipalId = request.PrincipalId,
            RoleId = request.RoleId,
            Scope = request.Scope,
            Justification = request.Justification,
            TicketNumber = request.Ticket?.Number,
            TicketSystem = request.Ticket?.System,
        };

    public Task AuditAsync(AuditEvent auditEvent, CancellationToken ct) => audit.AppendAsync(auditEvent, ct);

    /// <summary>Writes the request if nobody changed it since it was read at <paramref name="expectedVersion"/>.</summary>
    public async Task SaveAsync(ActivationRequest request, int expectedVersion, CancellationToken ct)
    {
        if (!await requests.UpdateAsync(request, expectedVersion, ct))
            throw new PimException(ErrorCodes.InvalidStateTransition,
                $"Activation request '{request.Id}' was changed by another request at the same time; read it again.");
    }

    /// <summary>
    /// A new request: audited (with the auto-approval rule it met, or as break-glass); the approvers of its first stage
    /// told when it waits; access begun when it is active at once.
    /// </summary>
    public async Task RequestedAsync(Caller caller, ActivationRequest request, RoleSettings policy, DateTimeOffset now, CancellationToken ct)
    {
        await requests.InsertAsync(request, ct);
        await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationRequested, request), ct);
        if (request.AutoApprovedBy is { } rule) await AutoApprovedAsync(caller, request, rule, now, ct);
        if (request.BreakGlass) await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationBreakGlass, request), ct);
        if (request.Status == ActivationStatus.PendingApproval) await notifier.ApprovalNeededAsync(request, request.Approval!, policy, ct);
        if (request.Status == ActivationStatus.Active) await ActivatedAsync(caller, request, policy, now, ct);
    }

    /// <summary>A request (or an extension) that met an auto-approval rule: the audit names the rule.</summary>
    public Task AutoApprovedAsync(Caller caller, ActivationRequest request, string rule, DateTimeOffset now, CancellationToken ct, bool extension = false) =>
        audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationAutoApproved, request) with
        {
            Details = System.Text.Json.JsonSerializer.Serialize(new { rule, extension }, DetailsJson),
        }, ct);

    /// <summary>Access began: audited, and the role administrators (and the settings' recipients) told — loudly for break-glass.</summary>
    public async Task ActivatedAsync(Caller caller, ActivationRequest request, RoleSettings policy, DateTimeOffset now, CancellationToken ct)
    {
        await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationActivated, request), ct);
        if (request.BreakGlass) await notifier.BreakGlassActivatedAsync(request, policy, ct);
        else await notifier.ActivationStartedAsync(request, policy, ct);
    }

    /// <summary>
    /// Records what time alone changed on a request (started, expired, timed out) and sends the notices it made due
    /// (reminders, escalations, expiry warnings, break-glass follow-ups), with their audit events and notifications.
    /// </summary>
    public async Task SettleAsync(Caller caller, ActivationRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var version = request.Version;
        var actions = request.Settle(now);
        var notices = request.TakeDueNotices(now);
        if (request.Version == version) return;
        await SaveAsync(request, version, ct);
        RoleSettings? policy = null; // resolved once, and only when a notification needs it
        async Task<RoleSettings> PolicyAsync() => policy ??= (await settings.PolicyAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
        foreach (var action in actions)
        {
            if (action == AuditActions.ActivationActivated)
            {
                await ActivatedAsync(caller, request, await PolicyAsync(), now, ct);
                continue;
            }
            await audit.AppendAsync(AuditOf(caller, now, action, request), ct);
            if (action == AuditActions.ActivationTimedOut) await notifier.DecisionAsync(request, await PolicyAsync(), ct);
        }
        foreach (var notice in notices)
        {
            var approval = notice.OfExtension ? request.Extension?.Approval : request.Approval;
            switch (notice.Kind)
            {
                case NoticeKind.ApprovalReminder:
                    await audit.AppendAsync(StageAudit(caller, now, AuditActions.ActivationReminded, request, notice), ct);
                    await notifier.ApprovalNeededAsync(request, approval!, await PolicyAsync(), ct, reminder: true);
                    break;
                case NoticeKind.Escalation:
                    await audit.AppendAsync(StageAudit(caller, now, AuditActions.ActivationEscalated, request, notice), ct);
                    await notifier.EscalatedAsync(request, approval!, ct);
                    break;
                case NoticeKind.ExpiryWarning:
                    await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationExpiringSoon, request), ct);
                    await notifier.ActivationExpiringSoonAsync(request, ct);
                    break;
                case NoticeKind.FollowUpOverdue:
                    await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationBreakGlassOverdue, request), ct);
                    await notifier.BreakGlassOverdueAsync(request, ct);
                    break;
            }
        }
    }

    /// <summary>An audit event of one stage of the request's (or its extension's) approval: <c>{"stage":0,"extension":false}</c>.</summary>
    /// A decision made through chat also says which: <c>{"stage":0,"extension":false,"channel":"slack","team":"T…","user":"U…"}</c>.
    public static AuditEvent StageAudit(Caller caller, DateTimeOffset now, string action, ActivationRequest request, int stage, bool extension) =>
        AuditOf(caller, now, action, request) with
        {
            Details = caller.Origin.Chat is { } chat
                ? System.Text.Json.JsonSerializer.Serialize(new { stage, extension, channel = chat.Channel, team = chat.TeamId, user = chat.UserId }, DetailsJson)
                : System.Text.Json.JsonSerializer.Serialize(new { stage, extension }, DetailsJson),
        };

    private static AuditEvent StageAudit(Caller caller, DateTimeOffset now, string action, ActivationRequest request, ActivationNotice notice) =>
        StageAudit(caller, now, action, request, notice.Stage, notice.OfExtension);

    private static readonly System.Text.Json.JsonSerializerOptions DetailsJson = new(System.Text.Json.JsonSerializerDefaults.Web);
}
