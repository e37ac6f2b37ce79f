namespace Pim.Domain;

/// <summary>
/// Deciding activation requests and their extensions (DESIGN §5): what waits for whom, approve, deny. Approvers are the
/// role settings' users and groups (a group's members directly or through nested groups); when none are named, whoever
/// holds an active Privileged Role or Security Administrator role at decision time. Nobody decides their own request,
/// and a disabled principal decides none.
/// </summary>
public sealed class ApprovalService(ITenants tenants, IPrincipals principals, IActivationRequests requests, RoleSettingsService settings,
    IUnitOfWork uow, AccessService access, ActivationRecorder recorder, GrantRevocation revocation, Notifier notifier, TimeProvider time)
{
    /// <summary>
    /// Requests waiting for the caller's decision, oldest first, a page at a time over every waiting request: the roles
    /// and scopes the caller decides are worked out first, then one indexed query reads the page.
    /// </summary>
    public async Task<Page<ActivationSnapshot>> PendingApprovalsAsync(Caller caller, string? after, int pageSize, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        tenant.EnsureConsented();
        var now = time.Now();
        var decided = new List<(string RoleId, string Scope)>();
        foreach (var (roleId, scope) in await requests.ListAwaitingDecisionRolesAsync(tenant.Id, now, ct))
            if (await IsApproverAsync(caller, roleId, scope, ct)) decided.Add((roleId, scope));
        var rows = await requests.ListAwaitingDecisionAsync(tenant.Id, decided, principalId, after, pageSize + 1, now, ct);
        return Paging.Of(rows, pageSize, r => r.Id).Map(r => new ActivationSnapshot(r, now));
    }

    public Task<ActivationSnapshot> ApproveAsync(Caller caller, string requestId, string? justification, CancellationToken ct) =>
        DecideAsync(caller, requestId, approve: true, justification, ct);

    public Task<ActivationSnapshot> DenyAsync(Caller caller, string requestId, string? justification, CancellationToken ct) =>
        DecideAsync(caller, requestId, approve: false, justification, ct);

    /// <summary>Whether the caller may decide requests for the role at the scope.</summary>
    public async Task<bool> IsApproverAsync(Caller caller, string roleId, string scope, CancellationToken ct) =>
        await IsApproverAsync(caller, (await settings.EffectiveAtAsync(caller.TenantId, roleId, scope, ct)).Settings, ct);

    private async Task<bool> IsApproverAsync(Caller caller, RoleSettings policy, CancellationToken ct)
    {
        if (caller.PrincipalId is not { } principalId) return false;
        var approvers = policy.Activation.Approvers;
        if (approvers.Count == 0) return await access.HoldsAnyAsync(caller, RoleCatalog.DefaultApprovers, ct);
        var principal = await principals.FindAsync(caller.TenantId, principalId, ct);
        return principal is { Enabled: true } && (approvers.Contains(principalId) || principal.TransitiveMemberOf.Any(approvers.Contains));
    }

    private async Task<ActivationSnapshot> DecideAsync(Caller caller, string requestId, bool approve, string? justification, CancellationToken ct)
    {
        var now = time.Now();
        var (decided, refusal) = await uow.RunAsync(async () =>
        {
            var request = await requests.GetForAsync(tenants, caller, requestId, ct);
            var approverId = caller.RequirePrincipal();
            request.EnsureMayBeDecidedBy(approverId);
            var policy = (await settings.EffectiveAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
            if (!await IsApproverAsync(caller, policy, ct)) throw Errors.Forbidden($"You are not an approver of '{request.RoleId}'.");
            if (await revocation.RevokeIfLostAsync(caller, request, now, ct) is { } lost) return ((ActivationSnapshot?)null, lost);

            var version = request.Version;
            if (request.HasPendingExtensionAt(now))
            {
                if (approve) request.ApproveExtension(approverId, now);
                else request.DenyExtension(approverId, now);
                await recorder.SaveAsync(request, version, ct);
                var answer = approve ? AuditActions.ActivationExtensionApproved : AuditActions.ActivationExtensionDenied;
                await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, answer, request) with { Justification = justification }, ct);
                if (approve) await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, AuditActions.ActivationExtended, request), ct);
                return (new ActivationSnapshot(request, now), null);
            }
            if (approve) request.Approve(approverId, justification, now);
            else request.Deny(approverId, justification, now);
            await recorder.SaveAsync(request, version, ct);
            var decision = approve ? AuditActions.ActivationApproved : AuditActions.ActivationDenied;
            await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, decision, request) with { Justification = justification }, ct);
            await notifier.DecisionAsync(request, policy, ct);
            if (request.Status == ActivationStatus.Active) await recorder.ActivatedAsync(caller, request, policy, now, ct);
            return (new ActivationSnapshot(request, now), (PimException?)null);
        }, ct);
        return decided ?? throw refusal!;
    }
}
