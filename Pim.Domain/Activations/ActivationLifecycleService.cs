namespace Pim.Domain;

/// <summary>
/// An activation's life after it was requested (DESIGN §5): extended or withdrawn by its requester, ended early by it or
/// revoked by an administrator, a break-glass activation acknowledged, and what time alone changes (scheduled starts,
/// expiry, approval timeouts, reminders, escalations, expiry warnings, overdue follow-ups), recorded by the sweeper.
/// </summary>
public sealed class ActivationLifecycleService(ITenants tenants, IPrincipals principals, IActivationRequests requests, RoleSettingsService settings,
    IUnitOfWork uow, AccessService access, ActivationRecorder recorder, GrantRevocation revocation, Notifier notifier, ICustomRoles roles,
    TimeProvider time)
{
    /// <summary>
    /// The requester lengthens an active activation, under the same policy; with approval required the extension goes
    /// through the role's stages (the activation stays active meanwhile), unless an auto-approval rule admits it.
    /// </summary>
    public async Task<ActivationSnapshot> ExtendAsync(Caller caller, string requestId, TimeSpan duration, string? justification, CancellationToken ct)
    {
        var now = time.Now();
        var (extended, refusal) = await uow.RunAsync(async () =>
        {
            var request = await requests.GetForAsync(tenants, caller, requestId, ct);
            if (!caller.Is(request.PrincipalId)) throw caller.Refusal("Only the requester may extend an activation.");
            if (await revocation.RevokeIfLostAsync(caller, request, now, ct) is { } lost) return ((ActivationSnapshot?)null, lost);
            var governing = await settings.PolicyAtAsync(request.TenantId, request.RoleId, request.Scope, ct);
            var policy = governing.Settings;
            var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
            var verdict = governing.Decide(request.RoleId, request.Scope,
                () => ActivationPolicy.EvaluateExtension(policy, request, duration, caller.Token, now, Requester.Of(requester, caller)));
            var version = request.Version;
            if (verdict.NeedsApproval)
                request.RequestExtension(duration, justification, now,
                    ApprovalProgress.Start(policy.Activation.Stages, policy.Notifications.OnApprovalNeeded.RemindBefore, now));
            else request.Extend(duration, now);
            await recorder.SaveAsync(request, version, ct);
            if (verdict.AutoApprovedBy is { } rule) await recorder.AutoApprovedAsync(caller, request, rule, now, ct, extension: true);
            var action = verdict.NeedsApproval ? AuditActions.ActivationExtensionRequested : AuditActions.ActivationExtended;
            await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, action, request) with
            {
                Justification = justification ?? request.Justification,
                Details = $"{{\"duration\":\"{IsoDuration.Format(duration)}\"}}",
            }, ct);
            if (verdict.NeedsApproval) await notifier.ApprovalNeededAsync(request, request.Extension!.Approval!, policy, ct);
            return (new ActivationSnapshot(request, now), (PimException?)null);
        }, ct);
        return extended ?? throw refusal!;
    }

    /// <summary>The requester withdraws a request that is pending approval or scheduled.</summary>
    public Task<ActivationSnapshot> CancelAsync(Caller caller, string requestId, CancellationToken ct) =>
        TransitionAsync(caller, requestId, request => caller.Is(request.PrincipalId)
                ? Task.CompletedTask
                : throw caller.Refusal("Only the requester may cancel an activation request."),
            (request, now) => request.Cancel(now), AuditActions.ActivationCanceled, ct,
            async (request, _) => { await notifier.RequestChangedAsync(request, ct); return 0; });

    /// <summary>Ends an active activation before its time: the requester, or a PIM administrator.</summary>
    public Task<ActivationSnapshot> DeactivateAsync(Caller caller, string requestId, CancellationToken ct) =>
        TransitionAsync(caller, requestId, request => caller.Is(request.PrincipalId)
                ? Task.CompletedTask
                : access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Deactivating another principal's role", ct),
            (request, now) => request.Deactivate(now), AuditActions.ActivationDeactivated, ct,
            // A group membership deactivated ends at once, and with it what its member activated through it.
            (request, now) => revocation.EndDependentsAsync(caller, request.PrincipalId, request.RoleId, request.Scope, now, ct));

    /// <summary>
    /// A PIM administrator of the role at its scope ends someone's open request (active, scheduled or waiting) now, with a
    /// reason: audited, and the holder and the role administrators told.
    /// </summary>
    public async Task<ActivationSnapshot> RevokeAsync(Caller caller, string requestId, string reason, CancellationToken ct)
    {
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            await tenants.GetForUpdateAsync(caller.TenantId, ct);
            var request = await requests.GetForAsync(tenants, caller, requestId, ct);
            await access.EnsureAdministersAsync(caller, await roles.GetRoleAsync(request.TenantId, request.RoleId, ct), request.Scope, "Revoking an activation", ct);
            await revocation.RevokeAsync(caller, request, RevocationReasons.RevokedByAdministrator, now, ct, comment: reason);
            return new ActivationSnapshot(request, now);
        }, ct);
    }

    /// <summary>
    /// An active Privileged Role or Security Administrator — never the one who broke the glass — acknowledges a break-glass
    /// activation, with a justification, closing its follow-up.
    /// </summary>
    public async Task<ActivationSnapshot> AcknowledgeAsync(Caller caller, string requestId, string justification, CancellationToken ct)
    {
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var request = await requests.GetForAsync(tenants, caller, requestId, ct);
            if (!caller.Is(request.PrincipalId))
                await access.EnsureHoldsAnyAsync(caller, RoleCatalog.DefaultApprovers, "Acknowledging a break-glass activation", ct);
            var version = request.Version;
            request.Acknowledge(caller.RequirePrincipal(), justification, now);
            await recorder.SaveAsync(request, version, ct);
            await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, AuditActions.ActivationBreakGlassAcknowledged, request) with
            {
                Justification = justification,
            }, ct);
            return new ActivationSnapshot(request, now);
        }, ct);
    }

    private Task<ActivationSnapshot> TransitionAsync(Caller caller, string requestId, Func<ActivationRequest, Task> authorize,
        Action<ActivationRequest, DateTimeOffset> transition, string action, CancellationToken ct,
        Func<ActivationRequest, DateTimeOffset, Task<int>>? then = null)
    {
        var now = time.Now();
        return uow.RunAsync(async () =>
        {
            await tenants.GetForUpdateAsync(caller.TenantId, ct); // an ended membership and an activation through it do not interleave
            var request = await requests.GetForAsync(tenants, caller, requestId, ct);
            await authorize(request);
            var version = request.Version;
            transition(request, now);
            await recorder.SaveAsync(request, version, ct);
            await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, action, request), ct);
            if (then is not null) await then(request, now);
            return new ActivationSnapshot(request, now);
        }, ct);
    }

    /// <summary>
    /// Records what time alone changes (scheduled activations that started, activations that expired, approvals that
    /// timed out) and sends the notices it makes due (reminders, escalations, expiry warnings, overdue follow-ups) for a
    /// batch of requests in any tenant, once each even with several sweepers. Returns the requests it settled, as they
    /// now stand.
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
