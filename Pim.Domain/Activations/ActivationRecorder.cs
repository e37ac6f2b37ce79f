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

    /// <summary>A new request: audited; its approvers told when it waits; access begun when it is active at once.</summary>
    public async Task RequestedAsync(Caller caller, ActivationRequest request, RoleSettings policy, DateTimeOffset now, CancellationToken ct)
    {
        await requests.InsertAsync(request, ct);
        await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationRequested, request), ct);
        if (request.Status == ActivationStatus.PendingApproval) await notifier.ApprovalNeededAsync(request, policy, ct);
        if (request.Status == ActivationStatus.Active) await ActivatedAsync(caller, request, policy, now, ct);
    }

    /// <summary>Access began: audited, and the role administrators (and the settings' recipients) told.</summary>
    public async Task ActivatedAsync(Caller caller, ActivationRequest request, RoleSettings policy, DateTimeOffset now, CancellationToken ct)
    {
        await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationActivated, request), ct);
        await notifier.ActivationStartedAsync(request, policy, ct);
    }

    /// <summary>Records what time alone changed on a request (started, expired, timed out), with its audit events and notifications.</summary>
    public async Task SettleAsync(Caller caller, ActivationRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var version = request.Version;
        var actions = request.Settle(now);
        if (actions.Count == 0) return;
        await SaveAsync(request, version, ct);
        RoleSettings? policy = null; // resolved once, and only when a notification needs it
        foreach (var action in actions)
        {
            if (action is AuditActions.ActivationActivated or AuditActions.ActivationTimedOut)
                policy ??= (await settings.EffectiveAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
            if (action == AuditActions.ActivationActivated)
            {
                await ActivatedAsync(caller, request, policy!, now, ct);
                continue;
            }
            await audit.AppendAsync(AuditOf(caller, now, action, request), ct);
            if (action == AuditActions.ActivationTimedOut) await notifier.DecisionAsync(request, policy!, ct);
        }
    }
}
