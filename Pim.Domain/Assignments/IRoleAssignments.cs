namespace Pim.Domain;

public sealed record AssignmentFilter(string? PrincipalId, string? RoleId, AssignmentType? Type, string? After, int PageSize);

public interface IRoleAssignments
{
    Task<RoleAssignment?> FindAsync(string tenantId, string assignmentId, CancellationToken ct);
    /// <summary>Throws <see cref="ErrorCodes.AssignmentExists"/> when the principal already has the role at the scope.</summary>
    Task InsertAsync(RoleAssignment assignment, CancellationToken ct);
    /// <summary>Writes the new type if nobody changed the assignment since it was read; false otherwise.</summary>
    Task<bool> UpdateTypeAsync(RoleAssignment assignment, int expectedVersion, CancellationToken ct);
    Task<bool> DeleteAsync(string tenantId, string assignmentId, CancellationToken ct);
    Task<IReadOnlyList<RoleAssignment>> ListAsync(string tenantId, AssignmentFilter filter, CancellationToken ct);
    /// <summary>Assignments held by the principal itself or by the groups it is a member of (directly or through nested groups).</summary>
    Task<IReadOnlyList<RoleAssignment>> ListForPrincipalAsync(string tenantId, string principalId, CancellationToken ct);
    /// <summary>The assignments held by the principal itself (not through groups).</summary>
    Task<IReadOnlyList<RoleAssignment>> ListHeldByAsync(string tenantId, string principalId, CancellationToken ct);
    /// <summary>
    /// What a group confers (<see cref="GoverningPolicy"/>): each role and scope held, eligibly or actively and not ended at
    /// <paramref name="now"/>, by the group or by a group it is nested in (as the directory says), but membership of
    /// another group (<see cref="RoleCatalog.Member"/>: a membership held through PIM is one level deep), with the group that holds it.
    /// </summary>
    Task<IReadOnlyList<GoverningRole>> ListConferredAsync(string tenantId, string groupId, DateTimeOffset now, CancellationToken ct);
    /// <summary>The eligible assignments of <see cref="RoleCatalog.Member"/> held by groups (not ended at <paramref name="now"/>): which group's members may activate which group's membership.</summary>
    Task<IReadOnlyList<RoleAssignment>> ListGroupEligibilitiesForMembershipAsync(string tenantId, DateTimeOffset now, CancellationToken ct);
    /// <summary>The assignments made at exactly this scope (a group's: its members and owners).</summary>
    Task<IReadOnlyList<RoleAssignment>> ListAtScopeAsync(string tenantId, string scope, CancellationToken ct);
    /// <summary>The role's assignments that end after <paramref name="now"/> and have not been warned of it yet.</summary>
    Task<IReadOnlyList<RoleAssignment>> ListAwaitingExpiryWarningAsync(string tenantId, string roleId, DateTimeOffset now, CancellationToken ct);
    /// <summary>Writes the assignments' expiry warning (due, sent).</summary>
    Task SaveExpiryWarningsAsync(IReadOnlyList<RoleAssignment> assignments, CancellationToken ct);
    /// <summary>Claims (locks, skipping rows other sweepers hold) assignments, in any tenant, whose expiry warning is due.</summary>
    Task<IReadOnlyList<RoleAssignment>> ClaimExpiryWarningsDueAsync(DateTimeOffset now, int limit, CancellationToken ct);
}
