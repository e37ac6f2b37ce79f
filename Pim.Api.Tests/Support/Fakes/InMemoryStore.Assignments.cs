using Pim.Domain;

namespace Pim.Api.Tests.Support.Fakes;

/// <summary>Role assignments, role settings, and access as the store evaluates it (the rules of TenantGrants, which the store path and the grant index ask).</summary>
public sealed partial class InMemoryStore : IRoleAssignments, IRoleSettingsStore, IAccessReader
{
    Task<RoleAssignment?> IRoleAssignments.FindAsync(string tenantId, string assignmentId, CancellationToken ct) =>
        Task.FromResult(_assignments.TryGetValue((tenantId, assignmentId), out var a) ? Copy(a) : null);

    public Task InsertAsync(RoleAssignment assignment, CancellationToken ct)
    {
        if (_assignments.Values.Any(a => a.TenantId == assignment.TenantId && a.PrincipalId == assignment.PrincipalId && a.RoleId == assignment.RoleId
                                         && a.Scope == assignment.Scope))
            throw new PimException(ErrorCodes.AssignmentExists, "The principal already has this role at this scope.");
        _assignments[(assignment.TenantId, assignment.Id)] = Copy(assignment);
        return Task.CompletedTask;
    }

    public Task<bool> UpdateTypeAsync(RoleAssignment assignment, int expectedVersion, CancellationToken ct)
    {
        if (!_assignments.TryGetValue((assignment.TenantId, assignment.Id), out var stored) || stored.Version != expectedVersion) return Task.FromResult(false);
        _assignments[(assignment.TenantId, assignment.Id)] = Copy(assignment);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<RoleAssignment>> ListAwaitingExpiryWarningAsync(string tenantId, string roleId, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RoleAssignment>>(_assignments.Values
            .Where(a => a.TenantId == tenantId && a.RoleId == roleId && a.EndsAt > now && a.ExpiryWarnedAt is null).Select(Copy).ToList());

    public Task SaveExpiryWarningsAsync(IReadOnlyList<RoleAssignment> assignments, CancellationToken ct)
    {
        foreach (var a in assignments.Where(a => _assignments.ContainsKey((a.TenantId, a.Id)))) _assignments[(a.TenantId, a.Id)] = Copy(a);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RoleAssignment>> ClaimExpiryWarningsDueAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RoleAssignment>>(_assignments.Values.Where(a => a.ExpiryWarningAt <= now).Take(limit).Select(Copy).ToList());

    Task<bool> IRoleAssignments.DeleteAsync(string tenantId, string assignmentId, CancellationToken ct) =>
        Task.FromResult(_assignments.Remove((tenantId, assignmentId)));

    public Task<IReadOnlyList<RoleAssignment>> ListAsync(string tenantId, AssignmentFilter filter, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RoleAssignment>>(_assignments.Values
            .Where(a => a.TenantId == tenantId && (filter.PrincipalId is null || a.PrincipalId == filter.PrincipalId)
                        && (filter.RoleId is null || a.RoleId == filter.RoleId) && (filter.Type is null || a.Type == filter.Type)
                        && (filter.After is null || string.CompareOrdinal(a.Id, filter.After) > 0))
            .OrderBy(a => a.Id, StringComparer.Ordinal).Take(filter.PageSize).Select(Copy).ToList());

    public Task<IReadOnlyList<RoleAssignment>> ListForPrincipalAsync(string tenantId, string principalId, CancellationToken ct)
    {
        var groups = Reach(tenantId, principalId).Keys;
        return Task.FromResult<IReadOnlyList<RoleAssignment>>(_assignments.Values
            .Where(a => a.TenantId == tenantId && (a.PrincipalId == principalId || groups.Contains(a.PrincipalId))).Select(Copy).ToList());
    }

    public Task<IReadOnlyList<RoleAssignment>> ListHeldByAsync(string tenantId, string principalId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RoleAssignment>>(_assignments.Values.Where(a => a.TenantId == tenantId && a.PrincipalId == principalId)
            .Select(Copy).ToList());

    public Task<IReadOnlyList<GoverningRole>> ListConferredAsync(string tenantId, string groupId, DateTimeOffset now, CancellationToken ct)
    {
        var holders = new HashSet<string>(Reach(tenantId, groupId).Keys) { groupId };
        return Task.FromResult<IReadOnlyList<GoverningRole>>(_assignments.Values
            .Where(a => a.TenantId == tenantId && holders.Contains(a.PrincipalId) && a.RoleId != RoleCatalog.Member && !AccessRules.Ended(a.EndsAt, now))
            .Select(a => new GoverningRole(a.RoleId, a.Scope, a.PrincipalId)).Distinct()
            .OrderBy(g => g.RoleId, StringComparer.Ordinal).ThenBy(g => g.Scope, StringComparer.Ordinal).ToList());
    }

    public Task<IReadOnlyList<RoleAssignment>> ListGroupEligibilitiesForMembershipAsync(string tenantId, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RoleAssignment>>(_assignments.Values
            .Where(a => a.TenantId == tenantId && a.RoleId == RoleCatalog.Member && a.Type == AssignmentType.Eligible && !AccessRules.Ended(a.EndsAt, now)
                        && _principals.GetValueOrDefault((tenantId, a.PrincipalId))?.Kind == PrincipalKind.Group)
            .Select(Copy).ToList());

    public Task<IReadOnlyList<RoleAssignment>> ListAtScopeAsync(string tenantId, string scope, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RoleAssignment>>(_assignments.Values.Where(a => a.TenantId == tenantId && a.Scope == scope).Select(Copy).ToList());

    public Task<StoredRoleSettings?> FindNearestAsync(string tenantId, string roleId, IReadOnlyList<string> ancestors, CancellationToken ct) =>
        Task.FromResult(ancestors.Select(scope => _settings.GetValueOrDefault((tenantId, roleId, scope))).FirstOrDefault(s => s is not null));

    public Task<bool> SaveAsync(string tenantId, RoleSettings settings, string scope, int expectedVersion, DateTimeOffset now, string updatedBy,
        CancellationToken ct)
    {
        var version = _settings.GetValueOrDefault((tenantId, settings.RoleId, scope))?.Version ?? 0;
        if (version != expectedVersion) return Task.FromResult(false);
        _settings[(tenantId, settings.RoleId, scope)] = new StoredRoleSettings(settings, version + 1, scope);
        return Task.FromResult(true);
    }

    public ValueTask<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds, string? scope,
        DateTimeOffset now, CancellationToken ct)
    {
        if (Read(_principals.GetValueOrDefault((tenantId, principalId))) is not { Enabled: true } holder) return ValueTask.FromResult<IReadOnlyList<Grant>>([]);
        var at = scope is null ? null : scope == ScopePath.Root ? [ScopePath.Root] : Ancestors(tenantId, scope);
        bool Wanted(string roleId, string grantScope) => (roleIds is null || roleIds.Contains(roleId)) && (at is null || at.Contains(grantScope));
        var standing = _assignments.Values
            .Where(a => a.TenantId == tenantId && (a.PrincipalId == principalId || holder.IsMemberOf(a.PrincipalId))
                        && a.Type == AssignmentType.Active && a.IsInForceAt(now) && Wanted(a.RoleId, a.Scope))
            .Select(a => new Grant(a.RoleId, a.Scope, a.EndsAt, a.Id, null, a.PrincipalId));
        var activated = _requests.Values
            .Where(r => r.TenantId == tenantId && r.PrincipalId == principalId && r.StatusAt(now) == ActivationStatus.Active && Wanted(r.RoleId, r.Scope)
                        && GrantBasis.Lost(r, holder, _assignments.GetValueOrDefault((tenantId, r.AssignmentId)), Ancestors(tenantId, r.Scope)) is null)
            .Select(r => new Grant(r.RoleId, r.Scope, r.EndsAt, r.AssignmentId, r.Id, r.PrincipalId));
        return ValueTask.FromResult<IReadOnlyList<Grant>>(standing.Concat(activated).ToList());
    }

    public ValueTask<AccessStanding> StandingAsync(string tenantId, string principalId, string roleId, string scope, DateTimeOffset now, CancellationToken ct)
    {
        var principal = Read(_principals.GetValueOrDefault((tenantId, principalId)));
        var at = scope == ScopePath.Root ? [ScopePath.Root] : Ancestors(tenantId, scope);
        var holders = new HashSet<string>(principal?.TransitiveMemberOf ?? []) { principalId };
        var assignments = _assignments.Values.Where(a => a.TenantId == tenantId && holders.Contains(a.PrincipalId) && a.RoleId == roleId && at.Contains(a.Scope)).ToList();
        var expired = assignments.Any(a => AccessRules.Ended(a.EndsAt, now))
            || _requests.Values.Any(r => r.TenantId == tenantId && r.PrincipalId == principalId && r.RoleId == roleId && at.Contains(r.Scope)
                                         && r.StatusAt(now) == ActivationStatus.Expired);
        return ValueTask.FromResult(new AccessStanding(_tenants.ContainsKey(tenantId), at.Count > 0, principal?.Kind, principal?.Enabled ?? true,
            assignments.Any(a => a.Type == AssignmentType.Eligible && a.IsInForceAt(now)), expired));
    }

    public async Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct)
    {
        var holders = new List<string>();
        foreach (var principal in _principals.Values.Where(p => p.TenantId == tenantId))
            if ((await FindGrantsAsync(tenantId, principal.Id, roleIds, ScopePath.Root, now, ct)).Count > 0) holders.Add(principal.Id);
        return holders;
    }
}
