using Pim.Domain;

namespace Pim.Api.Tests.Support.Fakes;

/// <summary>Tenants, principals and the scope tree.</summary>
public sealed partial class InMemoryStore : ITenants, IPrincipals, IScopes
{
    Task<Tenant?> ITenants.FindAsync(string tenantId, CancellationToken ct) =>
        Task.FromResult(_tenants.TryGetValue(tenantId, out var t) ? Copy(t) : null);

    Task<Tenant?> ITenants.FindForUpdateAsync(string tenantId, CancellationToken ct) => ((ITenants)this).FindAsync(tenantId, ct);

    public Task<bool> UpsertAsync(Tenant tenant, DateTimeOffset now, CancellationToken ct)
    {
        var created = !_tenants.ContainsKey(tenant.Id);
        _tenants[tenant.Id] = Copy(tenant);
        return Task.FromResult(created);
    }

    public Task<bool> RecordConsentAsync(Tenant tenant, CancellationToken ct)
    {
        if (_tenants[tenant.Id].HasConsented) return Task.FromResult(false);
        _tenants[tenant.Id] = Copy(tenant);
        return Task.FromResult(true);
    }

    public Task<bool> AddSignUpAsync(string tenantId, SignUp signUp, CancellationToken ct)
    {
        var t = _tenants[tenantId];
        if (t.SignUps.Any(s => s.Area == signUp.Area && s.Scope == signUp.Scope)) return Task.FromResult(false);
        _tenants[tenantId] = Tenant.Rehydrate(t.Id, t.DisplayName, t.ConsentedAt, t.ConsentedBy, [.. t.SignUps, signUp]);
        return Task.FromResult(true);
    }

    Task<Principal?> IPrincipals.FindAsync(string tenantId, string principalId, CancellationToken ct) =>
        Task.FromResult(_principals.GetValueOrDefault((tenantId, principalId)));

    public Task<Principal?> FindGuestAsync(string tenantId, string homeTenantId, string homePrincipalId, CancellationToken ct) =>
        Task.FromResult(_principals.Values.FirstOrDefault(p => p.TenantId == tenantId && p.HomeTenantId == homeTenantId && p.HomePrincipalId == homePrincipalId));

    public Task<IReadOnlyList<Principal>> FindManyAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Principal>>(principalIds.Select(id => _principals.GetValueOrDefault((tenantId, id))).OfType<Principal>().ToList());

    public Task<IReadOnlyList<string>> ListMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(_principals.Values.Where(p => p.TenantId == tenantId && p.MemberOf.Any(groupIds.Contains))
            .Select(p => p.Id).ToList());

    public Task<bool> UpsertAsync(Principal principal, DateTimeOffset now, CancellationToken ct)
    {
        var created = !_principals.ContainsKey((principal.TenantId, principal.Id));
        _principals[(principal.TenantId, principal.Id)] = principal;
        return Task.FromResult(created);
    }

    Task IPrincipals.DeleteAsync(string tenantId, string principalId, CancellationToken ct)
    {
        _principals.Remove((tenantId, principalId));
        foreach (var member in _principals.Values.Where(p => p.TenantId == tenantId && p.MemberOf.Contains(principalId)).ToList())
            _principals[(tenantId, member.Id)] = member with { MemberOf = member.MemberOf.Where(g => g != principalId).ToList() };
        return Task.CompletedTask;
    }

    Task<ScopeNode?> IScopes.FindAsync(string tenantId, string scope, CancellationToken ct) =>
        Task.FromResult(_scopes.GetValueOrDefault((tenantId, scope)));

    public Task<IReadOnlyList<string>> AncestorsAsync(string tenantId, string scope, CancellationToken ct) =>
        Task.FromResult(Ancestors(tenantId, scope));

    /// <summary>The scope and its ancestors, nearest first, ending with '/'; empty for a scope that is not registered.</summary>
    private IReadOnlyList<string> Ancestors(string tenantId, string scope)
    {
        if (scope != ScopePath.Root && !_scopes.ContainsKey((tenantId, scope))) return [];
        var chain = new List<string>();
        for (var s = scope; s != ScopePath.Root; s = _scopes[(tenantId, s)].ParentScope) chain.Add(s);
        chain.Add(ScopePath.Root);
        return chain;
    }

    public Task<IReadOnlyList<string>> SubtreeAsync(string tenantId, string scope, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(_scopes.Values.Where(n => n.TenantId == tenantId && Ancestors(tenantId, n.Scope).Contains(scope))
            .Select(n => n.Scope).ToList());

    public Task<IReadOnlyList<ScopeNode>> ListAsync(string tenantId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ScopeNode>>(_scopes.Values.Where(n => n.TenantId == tenantId).OrderBy(n => n.Scope, StringComparer.Ordinal).ToList());

    public Task<int> CountAsync(string tenantId, CancellationToken ct) => Task.FromResult(_scopes.Keys.Count(k => k.Item1 == tenantId));

    public Task<bool> UpsertAsync(ScopeNode node, CancellationToken ct)
    {
        var created = !_scopes.ContainsKey((node.TenantId, node.Scope));
        _scopes[(node.TenantId, node.Scope)] = node;
        return Task.FromResult(created);
    }
}
