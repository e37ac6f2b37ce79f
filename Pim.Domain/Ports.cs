namespace Pim.Domain;

/// <summary>One database transaction per request: a change, its audit events and its outbox messages commit together.</summary>
public interface IUnitOfWork
{
    Task<ITransaction> BeginAsync(CancellationToken ct);
}

public interface ITransaction : IAsyncDisposable
{
    Task CommitAsync(CancellationToken ct);
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);

public interface ITenants
{
    Task<Tenant?> FindAsync(string tenantId, CancellationToken ct);
    /// <summary>Creates or renames; returns true when the tenant was created.</summary>
    Task<bool> UpsertAsync(Tenant tenant, DateTimeOffset now, CancellationToken ct);
    /// <summary>Records consent unless some other request recorded it first; returns false then.</summary>
    Task<bool> RecordConsentAsync(Tenant tenant, CancellationToken ct);
    /// <summary>Records a sign-up unless the area is already signed up; returns false then.</summary>
    Task<bool> AddSignUpAsync(string tenantId, SignUp signUp, CancellationToken ct);
}

public interface IPrincipals
{
    Task<Principal?> FindAsync(string tenantId, string principalId, CancellationToken ct);
    Task<Principal?> FindGuestAsync(string tenantId, string homeTenantId, string homePrincipalId, CancellationToken ct);
    /// <summary>Of <paramref name="principalIds"/>, those that exist in the tenant.</summary>
    Task<IReadOnlyList<Principal>> FindManyAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct);
    /// <summary>The members of the given groups.</summary>
    Task<IReadOnlyList<string>> ListMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct);
    /// <summary>Creates or replaces (including group memberships); returns true when created.</summary>
    Task<bool> UpsertAsync(Principal principal, DateTimeOffset now, CancellationToken ct);
    /// <summary>Deletes the principal with its memberships (and, for a group, its members' memberships of it); its assignments must be gone.</summary>
    Task DeleteAsync(string tenantId, string principalId, CancellationToken ct);
}

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
    /// <summary>Assignments held by the principal directly or through the groups it is a member of.</summary>
    Task<IReadOnlyList<RoleAssignment>> ListForPrincipalAsync(string tenantId, string principalId, CancellationToken ct);
    /// <summary>The assignments held by the principal itself (not through groups).</summary>
    Task<IReadOnlyList<RoleAssignment>> ListHeldByAsync(string tenantId, string principalId, CancellationToken ct);
}

public sealed record StoredRoleSettings(RoleSettings Settings, int Version, string Scope);

public interface IRoleSettingsStore
{
    /// <summary>The settings saved at the nearest of <paramref name="ancestors"/> (nearest first), if any.</summary>
    Task<StoredRoleSettings?> FindNearestAsync(string tenantId, string roleId, IReadOnlyList<string> ancestors, CancellationToken ct);
    /// <summary>Inserts (expectedVersion 0) or replaces the version read at the scope; false when someone else saved first.</summary>
    Task<bool> SaveAsync(string tenantId, RoleSettings settings, string scope, int expectedVersion, DateTimeOffset now, string updatedBy, CancellationToken ct);
}

public sealed record ActivationFilter(string? PrincipalId, string? RoleId, ActivationStatus? Status, string? After, int PageSize);

public interface IActivationRequests
{
    Task<ActivationRequest?> FindAsync(string tenantId, string requestId, CancellationToken ct);
    /// <summary>The request recorded as open (pending, scheduled, active) for the principal, role and scope, if any.</summary>
    Task<ActivationRequest?> FindRecordedOpenAsync(string tenantId, string principalId, string roleId, string scope, CancellationToken ct);
    /// <summary>Requests recorded as open that were made through the assignment.</summary>
    Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenByAssignmentAsync(string tenantId, string assignmentId, CancellationToken ct);
    /// <summary>Requests recorded as open at any of the scopes.</summary>
    Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenInScopesAsync(string tenantId, IReadOnlyCollection<string> scopes, CancellationToken ct);
    /// <summary>Requests recorded as open for the principal.</summary>
    Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenByPrincipalAsync(string tenantId, string principalId, CancellationToken ct);
    /// <summary>The roles and scopes that have requests waiting for a decision at <paramref name="now"/> (approval or extension).</summary>
    Task<IReadOnlyList<(string RoleId, string Scope)>> ListAwaitingDecisionRolesAsync(string tenantId, DateTimeOffset now, CancellationToken ct);
    /// <summary>
    /// Requests waiting for a decision at <paramref name="now"/> for one of <paramref name="roles"/>, not made by
    /// <paramref name="exceptPrincipalId"/>, oldest first, after the key <paramref name="after"/>: one indexed page.
    /// </summary>
    Task<IReadOnlyList<ActivationRequest>> ListAwaitingDecisionAsync(string tenantId, IReadOnlyList<(string RoleId, string Scope)> roles,
        string exceptPrincipalId, string? after, int limit, DateTimeOffset now, CancellationToken ct);
    Task<IReadOnlyList<ActivationRequest>> ListAsync(string tenantId, ActivationFilter filter, DateTimeOffset now, CancellationToken ct);
    /// <summary>Throws <see cref="ErrorCodes.ActivationAlreadyOpen"/> when another open request holds the slot.</summary>
    Task InsertAsync(ActivationRequest request, CancellationToken ct);
    /// <summary>Writes the request if nobody changed it since it was read; false otherwise.</summary>
    Task<bool> UpdateAsync(ActivationRequest request, int expectedVersion, CancellationToken ct);
    /// <summary>
    /// Claims (locks, skipping rows other sweepers hold) requests, in any tenant, whose recorded status time alone has
    /// moved on: expired, timed out, or scheduled and started.
    /// </summary>
    Task<IReadOnlyList<ActivationRequest>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken ct);
}

public interface IAuditLog
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken ct);
    Task<IReadOnlyList<AuditEvent>> QueryAsync(string tenantId, AuditQuery query, CancellationToken ct);
}

/// <summary>Where a principal's right to a role comes from right now.</summary>
public sealed record Grant(string RoleId, string Scope, DateTimeOffset? ValidUntil, string AssignmentId, string? ActivationRequestId, string ViaPrincipalId);

public interface IAccessReader
{
    /// <summary>
    /// Every grant of the given roles the principal holds at <paramref name="now"/>: active assignments (its own or its
    /// groups') in force, and activations in force. One indexed query.
    /// </summary>
    Task<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds, string? scope,
        DateTimeOffset now, CancellationToken ct);

    /// <summary>Who holds any of the roles at <paramref name="now"/> (at the root scope), directly, through a group or an activation.</summary>
    Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct);
}
