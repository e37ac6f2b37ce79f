namespace Pim.Domain;

/// <summary>An evaluation's answer: the longest-lasting grant when granted, else why not (<see cref="DenyReasons"/>).</summary>
public sealed record AccessDecision(bool Granted, Grant? Grant, string? Reason);

/// <summary>
/// Who holds which role right now: the hot path other services call, and the check every other use case
/// authorises with (PIM protects its own administrators: only roles Pim evaluates as active count).
/// </summary>
public sealed class AccessService(IAccessReader access, IPrincipals principals, ITenants tenants, IUsageRecorder usage, ICustomRoles roles, TimeProvider time)
{
    /// <summary>Maps a token to the principal it acts as in <paramref name="tenantId"/>: itself, or the guest of its home identity.</summary>
    public ValueTask<Caller> ResolveCallerAsync(string tenantId, TokenFacts token, RequestOrigin origin, CancellationToken ct) =>
        token.TenantId == tenantId ? ValueTask.FromResult(new Caller(tenantId, token.Subject, token, origin))
        : token.TenantId is null ? ValueTask.FromResult(new Caller(tenantId, null, token, origin))
        : ResolveGuestAsync(tenantId, token, origin, ct);

    private async ValueTask<Caller> ResolveGuestAsync(string tenantId, TokenFacts token, RequestOrigin origin, CancellationToken ct)
    {
        var guest = await principals.FindGuestAsync(tenantId, token.TenantId!, token.Subject, ct);
        return new Caller(tenantId, guest?.Id, token, origin);
    }

    /// <summary>The most tenants <see cref="GuestTenantsAsync"/> lists.</summary>
    public const int MaximumGuestTenants = 100;

    /// <summary>
    /// Where a person's token would act as a guest (<see cref="ResolveCallerAsync"/>'s guest mapping, read the other way):
    /// the tenants where its home identity is an enabled guest. A token without a tenant, a service's (scoped) or the
    /// platform's is nobody's guest. What it tells is what the token learns by opening each tenant, and nothing more.
    /// </summary>
    public async Task<IReadOnlyList<GuestTenant>> GuestTenantsAsync(TokenFacts token, CancellationToken ct) =>
        token is { TenantId: { } home, Scopes.Count: 0, Platform: false }
            ? (await principals.ListGuestTenantsAsync(home, token.Subject, MaximumGuestTenants, ct)).Where(t => t.TenantId != home).ToList()
            : [];

    public Task<bool> HoldsAnyAsync(Caller caller, IReadOnlyCollection<string> roleIds, CancellationToken ct) =>
        HoldsAnyAtAsync(caller, roleIds, ScopePath.Root, ct);

    /// <summary>
    /// Whether the caller holds one of the roles at the scope, directly or inherited from an ancestor scope. Pim relying on
    /// a standing assignment to authorize its holder is a use of it, recorded like an evaluation's (unused-role alerts and
    /// access review recommendations read it).
    /// </summary>
    public async Task<bool> HoldsAnyAtAsync(Caller caller, IReadOnlyCollection<string> roleIds, string scope, CancellationToken ct)
    {
        if (caller.PrincipalId is not { } principalId) return false;
        var now = time.Now();
        var grants = await access.FindGrantsAsync(caller.TenantId, principalId, roleIds, scope, now, ct);
        foreach (var grant in grants)
            if (grant.ActivationRequestId is null) usage.Record(caller.TenantId, grant.AssignmentId, principalId, now, service: false);
        return grants.Count > 0;
    }

    /// <summary>
    /// Who administers PIM for a role at a scope: the directory's PIM administrators everywhere, for resource roles also
    /// the active Owners and User Access Administrators of the scope (or above it), and for a group's roles its active owners.
    /// </summary>
    public async Task EnsureAdministersAsync(Caller caller, RoleDefinition role, string scope, string what, CancellationToken ct)
    {
        if (await HoldsAnyAsync(caller, RoleCatalog.PimAdministrators, ct)) return;
        if (!role.Directory && scope != ScopePath.Root && await HoldsAnyAtAsync(caller, RoleCatalog.ResourceAdministrators, scope, ct)) return;
        throw caller.Refusal(role.Directory || scope == ScopePath.Root
            ? $"{what} requires an active Global Administrator or Privileged Role Administrator role."
            : ScopePath.GroupOf(scope) is not null
                ? $"{what} requires an active Global or Privileged Role Administrator, or an active owner of the group '{scope}'."
                : $"{what} requires an active Global or Privileged Role Administrator, or an active Owner or User Access Administrator of '{scope}'.");
    }

    /// <summary>Refuses (<see cref="Caller.Refusal"/>) unless the caller holds one of <paramref name="roleIds"/> now, or is the operator when allowed.</summary>
    public async Task EnsureHoldsAnyAsync(Caller caller, IReadOnlyCollection<string> roleIds, string what, CancellationToken ct, bool operatorAllowed = false)
    {
        if (operatorAllowed && caller.IsOperator) return;
        if (!await HoldsAnyAsync(caller, roleIds, ct))
            throw caller.Refusal($"{what} requires an active {string.Join(" or ", roleIds.Select(r => RoleCatalog.Get(r).DisplayName))} role.");
    }

    /// <summary>Only the operator, services with the evaluate scope, and the principal itself may ask about a principal.</summary>
    public static void EnsureMayEvaluate(Caller caller, string principalId)
    {
        if (caller.IsOperator || caller.IsEvaluator || caller.Is(principalId)) return;
        throw caller.Refusal("Only the principal itself, the operator or a service with the 'pim.evaluate' scope may evaluate a principal's access.");
    }

    /// <param name="kind">When given, the principal must be of this kind (AuthZEN's <c>subject.type</c>), else it is unknown.</param>
    public async ValueTask<AccessDecision> EvaluateAsync(Caller caller, string principalId, string roleId, string? scope, CancellationToken ct,
        PrincipalKind? kind = null)
    {
        EnsureMayEvaluate(caller, principalId);
        // A built-in role is known without asking; a tenant's own role is looked up only when nothing grants it (a grant of
        // it means it exists), and an id that could be neither is unknown at once.
        var builtIn = BuiltInAlone.GetValueOrDefault(roleId);
        if (builtIn is null && !RoleDefinition.IsCustomId(roleId)) throw UnknownRole(roleId);
        scope ??= ScopePath.Root;
        var now = time.Now();
        // One lookup: grants at the scope or any of its ancestors (closure table).
        var grants = await access.FindGrantsAsync(caller.TenantId, principalId, builtIn ?? [roleId], scope, now, ct);
        if (grants.Count == 0 || kind is not null)
        {
            // Only on the deny path (or when the kind must be checked): an unknown tenant or scope answers 404.
            var standing = await access.StandingAsync(caller.TenantId, principalId, roleId, scope, now, ct);
            if (!standing.TenantKnown) throw Errors.NotFound($"Tenant '{caller.TenantId}'");
            if (!standing.ScopeKnown) throw Errors.NotFound($"Scope '{scope}'");
            if (grants.Count == 0 && builtIn is null && await roles.FindAsync(caller.TenantId, roleId, ct) is null) throw UnknownRole(roleId);
            if (grants.Count == 0 || standing.Kind != kind) return new AccessDecision(false, null, AccessRules.WhyNot(standing, kind));
        }
        // Which client relied on a standing assignment, so that "make eligible" can tell what it will break. (Index
        // loops, here and in Longest: a foreach over the interface boxes an enumerator per evaluation.)
        for (var i = 0; i < grants.Count; i++)
            if (grants[i].ActivationRequestId is null)
                usage.Record(caller.TenantId, grants[i].AssignmentId, caller.PrincipalId ?? caller.Token.Subject, now, service: caller.PrincipalId is null);
        return new AccessDecision(true, Longest(grants), null);
    }

    /// <summary>Each built-in role's id as the one role an evaluation asks about (made once, not per evaluation).</summary>
    private static readonly Dictionary<string, string[]> BuiltInAlone = RoleCatalog.All.ToDictionary(r => r.Id, r => new[] { r.Id }, StringComparer.Ordinal);

    private static PimException UnknownRole(string roleId) =>
        Errors.InvalidField("roleId", $"'roleId' must name a role of the tenant (GET …/roles): '{roleId}' is none.");

    /// <summary>Whether the tenant knows the role: built-in, or one of its own.</summary>
    public async Task<bool> IsKnownRoleAsync(string tenantId, string roleId, CancellationToken ct) =>
        await roles.FindRoleAsync(tenantId, roleId, ct) is not null;

    /// <summary>The roles the principal holds now, one entry per role and scope, with the longest-lasting grant.</summary>
    public async Task<IReadOnlyList<Grant>> ActiveRolesAsync(Caller caller, string principalId, CancellationToken ct)
    {
        EnsureMayEvaluate(caller, principalId);
        await tenants.GetAsync(caller.TenantId, ct);
        var grants = await access.FindGrantsAsync(caller.TenantId, principalId, null, null, time.Now(), ct);
        return grants.GroupBy(g => (g.RoleId, g.Scope)).Select(g => Longest(g.ToList())).OrderBy(g => g.RoleId, StringComparer.Ordinal).ThenBy(g => g.Scope).ToList();
    }

    /// <summary>The grant that lasts longest: one without an end, else the latest end (the first of equals). A loop, not a
    /// sort: every evaluation asks it.</summary>
    private static Grant Longest(IReadOnlyList<Grant> grants)
    {
        Grant? longest = null;
        for (var i = 0; i < grants.Count; i++)
            if (longest is null || Outlasts(grants[i], longest)) longest = grants[i];
        return longest ?? throw new InvalidOperationException("No grant to choose from.");
    }

    private static bool Outlasts(Grant grant, Grant other) =>
        other.ValidUntil is { } otherEnd && (grant.ValidUntil is not { } end || end > otherEnd);
}
