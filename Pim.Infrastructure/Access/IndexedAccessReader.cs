using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Access as the grant index knows it (<see cref="GrantIndex"/>) when it may answer for the tenant, else as the store
/// does (<see cref="AccessReader"/>). Inside a transaction the store always answers: only it sees the transaction's own
/// writes.
/// </summary>
public sealed class IndexedAccessReader(AccessReader store, GrantIndex index, DbSession db) : IAccessReader
{
    private TenantGrants? Index(string tenantId) => db.InTransaction ? null : index.Find(tenantId);

    public Task<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds, string? scope,
        DateTimeOffset now, CancellationToken ct) =>
        Index(tenantId) is { } grants
            ? Task.FromResult(grants.FindGrants(principalId, roleIds, scope, now))
            : store.FindGrantsAsync(tenantId, principalId, roleIds, scope, now, ct);

    public Task<AccessStanding> StandingAsync(string tenantId, string principalId, string roleId, string scope, DateTimeOffset now,
        CancellationToken ct) =>
        Index(tenantId) is { } grants
            ? Task.FromResult(grants.Standing(principalId, roleId, scope, now))
            : store.StandingAsync(tenantId, principalId, roleId, scope, now, ct);

    public Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct) =>
        store.ListHoldersAsync(tenantId, roleIds, now, ct);
}
