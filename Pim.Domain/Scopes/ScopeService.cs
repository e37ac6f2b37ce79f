namespace Pim.Domain;

/// <summary>The protected-resource tree: directory sync by the operator, and the questions the other use cases ask of it.</summary>
public sealed class ScopeService(ITenants tenants, IScopes scopes, IActivationRequests requests, GrantRevocation revocation, IAuditLog audit,
    IUnitOfWork uow, TimeProvider time)
{
    public Task<(ScopeNode Node, bool Created)> UpsertManagementGroupAsync(Caller caller, string id, string displayName, string? parentId, CancellationToken ct) =>
        UpsertAsync(caller, new ScopeNode(caller.TenantId, ScopePath.ManagementGroup(id), ScopeKind.ManagementGroup, id, displayName,
            parentId is null ? ScopePath.Root : ScopePath.ManagementGroup(parentId)), ScopeKind.ManagementGroup, ct);

    public Task<(ScopeNode Node, bool Created)> UpsertSubscriptionAsync(Caller caller, string id, string displayName, string? managementGroupId, CancellationToken ct) =>
        UpsertAsync(caller, new ScopeNode(caller.TenantId, ScopePath.Subscription(id), ScopeKind.Subscription, id, displayName,
            managementGroupId is null ? ScopePath.Root : ScopePath.ManagementGroup(managementGroupId)), ScopeKind.ManagementGroup, ct);

    public Task<(ScopeNode Node, bool Created)> UpsertResourceGroupAsync(Caller caller, string subscriptionId, string name, string? displayName, CancellationToken ct) =>
        UpsertAsync(caller, new ScopeNode(caller.TenantId, ScopePath.ResourceGroup(subscriptionId, name), ScopeKind.ResourceGroup, name, displayName ?? name,
            ScopePath.Subscription(subscriptionId)), ScopeKind.Subscription, ct);

    public async Task<ScopeNode> GetAsync(Caller caller, string scope, CancellationToken ct) =>
        await FindAsync(caller, scope, ct) ?? throw Errors.NotFound($"Scope '{scope}'");

    /// <summary>The node, or null when it is not registered.</summary>
    public async Task<ScopeNode?> FindAsync(Caller caller, string scope, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        await tenants.GetAsync(caller.TenantId, ct);
        return await scopes.FindAsync(caller.TenantId, scope, ct);
    }

    public async Task<IReadOnlyList<ScopeNode>> TreeAsync(Caller caller, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        await tenants.GetAsync(caller.TenantId, ct);
        return await scopes.ListAsync(caller.TenantId, ct);
    }

    /// <summary>
    /// Registers, renames or moves a node. A move changes inherited access at once (ancestors are read at every
    /// evaluation), and open activations in the moved subtree whose eligibility no longer covers them are revoked.
    /// </summary>
    private async Task<(ScopeNode Node, bool Created)> UpsertAsync(Caller caller, ScopeNode node, string parentKind, CancellationToken ct)
    {
        caller.RequireOperator();
        if (!ScopePath.IsValid(node.Scope)) throw new PimException(ErrorCodes.InvalidScope, $"'{node.Scope}' is not a valid scope.");
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            await tenants.GetForUpdateAsync(caller.TenantId, ct);
            if (node.ParentScope != ScopePath.Root)
            {
                var parent = await scopes.FindAsync(caller.TenantId, node.ParentScope, ct);
                if (parent is null || parent.Kind != parentKind)
                    throw new PimException(ErrorCodes.InvalidScope, $"The parent '{node.ParentScope}' is not a registered {parentKind}; register it first.");
                if ((await scopes.AncestorsAsync(caller.TenantId, node.ParentScope, ct)).Contains(node.Scope))
                    throw new PimException(ErrorCodes.InvalidScope, $"'{node.Scope}' cannot move under its own descendant '{node.ParentScope}'.");
            }
            var before = await scopes.FindAsync(caller.TenantId, node.Scope, ct);
            if (before is null && await scopes.CountAsync(caller.TenantId, ct) >= ScopeNode.MaximumPerTenant)
                throw new PimException(ErrorCodes.LimitReached, $"A tenant has at most {ScopeNode.MaximumPerTenant} management groups, subscriptions and resource groups.");
            var created = await scopes.UpsertAsync(node, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.ScopeUpserted, node.Kind, node.Scope) with
            {
                Scope = node.Scope,
                Details = before is not null && before.ParentScope != node.ParentScope
                    ? $"{{\"movedFrom\":\"{before.ParentScope}\",\"movedTo\":\"{node.ParentScope}\"}}" : null,
            }, ct);
            if (before is not null && before.ParentScope != node.ParentScope)
                await revocation.RevokeLostAsync(caller, await requests.ListRecordedOpenInScopesAsync(caller.TenantId, await scopes.SubtreeAsync(caller.TenantId, node.Scope, ct), ct), now, ct);
            return (node, created);
        }, ct);
    }
}
