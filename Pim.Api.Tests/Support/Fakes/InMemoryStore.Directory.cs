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
        Task.FromResult(Read(_principals.GetValueOrDefault((tenantId, principalId))));

    public Task<Principal?> FindGuestAsync(string tenantId, string homeTenantId, string homePrincipalId, CancellationToken ct) =>
        Task.FromResult(Read(_principals.Values.FirstOrDefault(p => p.TenantId == tenantId && p.HomeTenantId == homeTenantId && p.HomePrincipalId == homePrincipalId)));

    public Task<IReadOnlyList<GuestTenant>> ListGuestTenantsAsync(string homeTenantId, string homePrincipalId, int limit, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<GuestTenant>>(_principals.Values
            .Where(p => p.HomeTenantId == homeTenantId && p.HomePrincipalId == homePrincipalId && p.Enabled && _tenants.ContainsKey(p.TenantId))
            .OrderBy(p => p.TenantId, StringComparer.Ordinal).Take(limit).Select(p => new GuestTenant(p.TenantId, _tenants[p.TenantId].DisplayName, p.Id)).ToList());

    public Task<IReadOnlyList<Principal>> FindManyAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Principal>>(principalIds.Select(id => Read(_principals.GetValueOrDefault((tenantId, id)))).OfType<Principal>().ToList());

    public Task<IReadOnlyList<string>> ListGroupsWithinAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(_principals.Values
            .Where(p => p.TenantId == tenantId && p.Kind == PrincipalKind.Group && (groupIds.Contains(p.Id) || Reach(tenantId, p.Id).Keys.Any(groupIds.Contains)))
            .Select(p => p.Id).Order(StringComparer.Ordinal).ToList());

    /// <summary>A principal as the store reads it: with every group it is a member of, worked out from the direct memberships.</summary>
    private Principal? Read(Principal? principal) => principal is null ? null
        : principal with
        {
            TransitiveMemberOf = Reach(principal.TenantId, principal.Id).Keys.Order(StringComparer.Ordinal).ToList(),
            DirectoryMemberOf = Reach(principal.TenantId, principal.Id).Keys.Order(StringComparer.Ordinal).ToList(),
        };

    /// <summary>The groups a principal reaches through direct memberships, each at its shortest depth (at most one past the bound).</summary>
    private Dictionary<string, int> Reach(string tenantId, string principalId)
    {
        var reached = new Dictionary<string, int>();
        var frontier = new List<string> { principalId };
        for (var depth = 1; depth <= Principal.MaximumNestingDepth + 1 && frontier.Count > 0; depth++)
        {
            frontier = frontier.SelectMany(id => _principals.GetValueOrDefault((tenantId, id))?.MemberOf ?? [])
                .Where(g => g != principalId && reached.TryAdd(g, depth)).ToList();
        }
        return reached;
    }

    public Task<IReadOnlyList<string>> ListMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(_principals.Values
            .Where(p => p.TenantId == tenantId && p.Kind != PrincipalKind.Group && p.Enabled && Reach(tenantId, p.Id).Keys.Any(groupIds.Contains))
            .Select(p => p.Id).ToList());

    public Task<IReadOnlyList<GroupMember>> ListDirectMembersAsync(string tenantId, string groupId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<GroupMember>>(_principals.Values.Where(p => p.TenantId == tenantId && p.MemberOf.Contains(groupId))
            .OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => new GroupMember(p.Id, p.Kind, p.DisplayName)).ToList());

    public Task<IReadOnlyList<Membership>> ListMembershipsAsync(string tenantId, string principalId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Membership>>(Reach(tenantId, principalId).OrderBy(g => g.Value).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Membership(g.Key, _principals[(tenantId, g.Key)].DisplayName, g.Value, null)).ToList());

    public Task<IReadOnlyList<Principal>> ListAsync(string tenantId, PrincipalQuery query, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Principal>>(_principals.Values.Where(p => p.TenantId == tenantId && (query.Kinds?.Contains(p.Kind) ?? true)
                && (query.After is null || string.CompareOrdinal(p.Id, query.After) > 0))
            .OrderBy(p => p.Id, StringComparer.Ordinal).Skip(query.Offset).Take(query.Limit).Select(p => Read(p)!).ToList());

    public Task<int> CountAsync(string tenantId, PrincipalQuery query, CancellationToken ct) =>
        Task.FromResult(_principals.Values.Count(p => p.TenantId == tenantId && (query.Kinds?.Contains(p.Kind) ?? true)));

    public Task<IReadOnlyList<string>> FindTakenAsync(string tenantId, string exceptId, string? userName, string? externalId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(_principals.Values.Where(p => p.TenantId == tenantId && p.Id != exceptId)
            .SelectMany(p => new[]
            {
                userName is not null && p.Kind == PrincipalKind.User && string.Equals(p.UserName ?? p.Id, userName, StringComparison.OrdinalIgnoreCase) ? "userName" : null,
                externalId is not null && p.ExternalId == externalId ? "externalId" : null,
            }).OfType<string>().Distinct().ToList());

    public Task<bool> UpsertAsync(Principal principal, DateTimeOffset now, CancellationToken ct)
    {
        var before = _principals.GetValueOrDefault((principal.TenantId, principal.Id));
        // The principal itself: its direct memberships are written on their own (WriteMembershipsAsync).
        _principals[(principal.TenantId, principal.Id)] = principal with
        {
            MemberOf = before?.MemberOf ?? principal.MemberOf, Version = (before?.Version ?? 0) + 1,
            CreatedAt = before?.CreatedAt ?? now, UpdatedAt = now,
        };
        return Task.FromResult(before is null);
    }

    public Task TouchAsync(string tenantId, IReadOnlyCollection<string> principalIds, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var id in principalIds)
            if (_principals.TryGetValue((tenantId, id), out var p)) _principals[(tenantId, id)] = p with { Version = p.Version + 1, UpdatedAt = now };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, int>> CountMemberOfAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(principalIds.ToDictionary(id => id, id => _principals.GetValueOrDefault((tenantId, id))?.MemberOf.Count ?? 0));

    public Task<IReadOnlyDictionary<string, int>> CountMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(groupIds.ToDictionary(id => id,
            id => _principals.Values.Count(p => p.TenantId == tenantId && p.MemberOf.Contains(id))));

    public Task WriteMembershipsAsync(string tenantId, IReadOnlyCollection<(string Member, string Group)> added,
        IReadOnlyCollection<(string Member, string Group)> removed, CancellationToken ct)
    {
        foreach (var member in added.Concat(removed).Select(e => e.Member).Distinct())
        {
            var p = _principals[(tenantId, member)];
            _principals[(tenantId, member)] = p with
            {
                MemberOf = p.MemberOf.Except(removed.Where(e => e.Member == member).Select(e => e.Group))
                    .Union(added.Where(e => e.Member == member).Select(e => e.Group)).Order(StringComparer.Ordinal).ToList(),
            };
        }
        return Task.CompletedTask;
    }

    public Task<ClosureRebuild> RebuildClosureAsync(string tenantId, IReadOnlyCollection<string> roots, int depth, CancellationToken ct)
    {
        var affected = _principals.Values.Where(p => p.TenantId == tenantId && (roots.Contains(p.Id) || Reach(tenantId, p.Id).Keys.Any(roots.Contains)))
            .Select(p => p.Id).ToList();
        var reaches = affected.Select(id => Reach(tenantId, id)).ToList();
        return Task.FromResult(new ClosureRebuild(affected, reaches.Select(r => r.Count == 0 ? 0 : r.Values.Max()).DefaultIfEmpty().Max(),
            reaches.Select(r => r.Count).DefaultIfEmpty().Max()));
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
        // A group is a scope with no ancestor but itself.
        if (ScopePath.GroupOf(scope) is { } group) return _principals.GetValueOrDefault((tenantId, group))?.Kind == PrincipalKind.Group ? [scope] : [];
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
