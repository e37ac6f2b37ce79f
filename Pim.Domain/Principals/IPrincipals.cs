namespace Pim.Domain;

/// <summary>What a rebuild of the closure of memberships found (<see cref="IPrincipals.RebuildClosureAsync"/>).</summary>
/// <param name="Affected">The principals whose groups were worked out again: the roots and everyone who is a member of one of them.</param>
/// <param name="Deepest">The longest chain of memberships found (up to one past the depth asked for: deeper than allowed).</param>
/// <param name="Widest">The most groups one principal is a member of, directly and through nested groups.</param>
public sealed record ClosureRebuild(IReadOnlyList<string> Affected, int Deepest, int Widest);

public interface IPrincipals
{
    /// <summary>The principal with its direct groups and every group it is a member of (<see cref="Principal.TransitiveMemberOf"/>).</summary>
    Task<Principal?> FindAsync(string tenantId, string principalId, CancellationToken ct);
    Task<Principal?> FindGuestAsync(string tenantId, string homeTenantId, string homePrincipalId, CancellationToken ct);
    /// <summary>The tenants where the home identity is an enabled guest (the mirror of <see cref="FindGuestAsync"/>), in tenant id order.</summary>
    Task<IReadOnlyList<GuestTenant>> ListGuestTenantsAsync(string homeTenantId, string homePrincipalId, int limit, CancellationToken ct);
    /// <summary>Of <paramref name="principalIds"/>, those that exist in the tenant.</summary>
    Task<IReadOnlyList<Principal>> FindManyAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct);
    /// <summary>The enabled users, guests and service principals that are members of the groups, directly or through nested groups.</summary>
    Task<IReadOnlyList<string>> ListMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct);
    /// <summary>Of <paramref name="groupIds"/>, the groups of the tenant, with every group nested in them (directly or through nested groups), as the directory says.</summary>
    Task<IReadOnlyList<string>> ListGroupsWithinAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct);
    /// <summary>The direct members of a group, in id order.</summary>
    Task<IReadOnlyList<GroupMember>> ListDirectMembersAsync(string tenantId, string groupId, CancellationToken ct);
    /// <summary>The groups of a principal, direct and inherited, nearest first.</summary>
    Task<IReadOnlyList<Membership>> ListMembershipsAsync(string tenantId, string principalId, CancellationToken ct);
    /// <summary>A page of the directory (<see cref="PrincipalQuery"/>).</summary>
    Task<IReadOnlyList<Principal>> ListAsync(string tenantId, PrincipalQuery query, CancellationToken ct);
    /// <summary>How many principals the query matches, paging aside.</summary>
    Task<int> CountAsync(string tenantId, PrincipalQuery query, CancellationToken ct);
    /// <summary>
    /// Which of a user's userName (compared without case, against other users' userNames, or their ids when they have
    /// none) and a principal's externalId another principal than <paramref name="exceptId"/> already has: "userName", "externalId".
    /// </summary>
    Task<IReadOnlyList<string>> FindTakenAsync(string tenantId, string exceptId, string? userName, string? externalId, CancellationToken ct);
    /// <summary>Creates or replaces the principal itself (not its memberships), counting a new version; returns true when created.</summary>
    Task<bool> UpsertAsync(Principal principal, DateTimeOffset now, CancellationToken ct);
    /// <summary>Counts a new version of each principal (its members or its groups changed).</summary>
    Task TouchAsync(string tenantId, IReadOnlyCollection<string> principalIds, DateTimeOffset now, CancellationToken ct);
    /// <summary>How many direct groups each of the principals has.</summary>
    Task<IReadOnlyDictionary<string, int>> CountMemberOfAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct);
    /// <summary>How many direct members each of the groups has.</summary>
    Task<IReadOnlyDictionary<string, int>> CountMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct);
    /// <summary>Adds and removes direct memberships (member, group).</summary>
    Task WriteMembershipsAsync(string tenantId, IReadOnlyCollection<(string Member, string Group)> added,
        IReadOnlyCollection<(string Member, string Group)> removed, CancellationToken ct);
    /// <summary>
    /// Works out again, from the direct memberships, every group that the roots and their members (directly or through
    /// nested groups) are members of, following at most <paramref name="depth"/> + 1 memberships in a row, so that a
    /// deeper chain (or a cycle) shows in <see cref="ClosureRebuild.Deepest"/>.
    /// </summary>
    Task<ClosureRebuild> RebuildClosureAsync(string tenantId, IReadOnlyCollection<string> roots, int depth, CancellationToken ct);
    /// <summary>Deletes the principal with its memberships (and, for a group, its members' memberships of it); its assignments must be gone.</summary>
    Task DeleteAsync(string tenantId, string principalId, CancellationToken ct);
}
