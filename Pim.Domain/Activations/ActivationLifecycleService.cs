namespace Pim.Domain;

/// <summary>
/// An activation's life after it was requested (DESIGN §5): extended or withdrawn by its requester, ended early, and
/// what time alone changes (scheduled starts, expiry, approval timeouts), recorded by the sweeper.
/// </summary>
public sealed class ActivationLifecycleService(ITenants tenants, IActivationRequests requests, RoleSettingsService settings, IUnitOfWork uow,
    AccessService access, ActivationRecorder recorder, GrantRevocation revocation, Notifier notifier, TimeProvider time)
{
    /// <summary>
    /// The requester lengthens an active activation, under the same policy; with approval required the extension waits
    /// for an approver (the activation stays active meanwhile).
    /// </summary>
    public async Task<ActivationSnapshot> ExtendAsync(Caller caller, string requestId, TimeSpan duration, string? justification, CancellationToken ct)
    {
        var now = time.Now();
        var (extended, refusal) = await uow.RunAsync(async () =>
        {
            var request = await requests.GetForAsync(tenants, caller, requestId, ct);
            if (!caller.Is(request.PrincipalId)) throw caller.Refusal("Only the requester may extend an activation.");
            if (await revocation.RevokeIfLostAsync(caller, request, now, ct) is { } lost) return ((ActivationSnapshot?)null, lost);
            var policy = (await settings.EffectiveAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
            var needsApproval = ActivationPolicy.EvaluateExtension(policy, request, duration, caller.Token, now, caller.IsGuest);
            var version = request.Version;
            if (needsApproval) request.RequestExtension(duration, justification, now, policy.Activation.ApprovalTimeout);
            else request.Extend(duration, now);
            await recorder.SaveAsync(request, version, ct);
            var action = needsApproval ? AuditActions.ActivationExtensionRequested : AuditActions.ActivationExtended;
            await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, action, request) with
            {
                Justification = justification ?? request.Justification,
                Details = $"{{\"duration\":\"{IsoDuration.Format(duration)}\"}}",
            }, ct);
            if (needsApproval) await notifier.ApprovalNeededAsync(request, policy, ct);
            return (new ActivationSnapshot(request, now), (PimException?)null);
        }, ct);
        return extended ?? throw refusal!;
    }

    /// <summary>The requester withdraws a request that is pending approval or scheduled.</summary>
    public Task<ActivationSnapshot> CancelAsync(Caller caller, string requestId, CancellationToken ct) =>
        TransitionAsync(caller, requestId, request => caller.Is(request.PrincipalId)
                ? Task.CompletedTask
                : throw caller.Refusal("Only the requester may cancel an activation request."),
            (request, now) => request.Cancel(now), AuditActions.ActivationCanceled, ct);

    /// <summary>Ends an active activation before its time: the requester, or a PIM administrator.</summary>
    public Task<ActivationSnapshot> DeactivateAsync(Caller caller, string requestId, CancellationToken ct) =>
        TransitionAsync(caller, requestId, request => caller.Is(request.PrincipalId)
                ? Task.CompletedTask
                : access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Deactivating another principal's role", ct),
            (request, now) => request.Deactivate(now), AuditActions.ActivationDeactivated, ct);

    private Task<ActivationSnapshot> TransitionAsync(Caller caller, string requestId, Func<ActivationRequest, Task> authorize,
        Action<ActivationRequest, DateTimeOffset> transition, string action, CancellationToken ct)
    {
        var now = time.Now();
        return uow.RunAsync(async () =>
        {
            var request = await requests.GetForAsync(tenants, caller, requestId, ct);
            await authorize(request);
            var version = request.Version;
            transition(request, now);
            await recorder.SaveAsync(request, version, ct);
            await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, action, request), ct);
            return new ActivationSnapshot(request, now);
        }, ct);
    }

    /// <summary>
    /// Records what time alone changes (scheduled activations that started, activations that expired, approvals that
    /// timed out) for a batch of requests in any tenant, once each even with several sweepers. Returns the requests it
    /// settled, as they now stand.
    /// </summary>
    public Task<IReadOnlyList<ActivationRequest>> SweepAsync(int limit, CancellationToken ct)
    {
        var now = time.Now();
        return uow.RunAsync(async () =>
        {
            var due = await requests.ClaimDueAsync(now, limit, ct);
            foreach (var request in due)
                await recorder.SettleAsync(Caller.System(request.TenantId), request, now, ct);
            return due;
        }, ct);
    }
}
