using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Access as the grant index knows it (<see cref="GrantIndex"/>) when it may answer for the tenant, else as the store
/// does (<see cref="AccessReader"/>). Inside a transaction the store always answers: only it sees the transaction's own
/// writes. When the store does not answer, the index's grace (<see cref="GrantIndex.Graced"/>) may.
/// </summary>
public sealed class IndexedAccessReader(AccessReader store, GrantIndex index, DbSession db) : IAccessReader
{
    private TenantGrants? Index(string tenantId) => db.InTransaction ? null : index.Find(tenantId);

    /// <summary>The store did not answer: the tenant's grants as last proven current, within the index's grace; else null (the outage is the answer).</summary>
    private TenantGrants? Graced(string tenantId, Exception e) => !db.InTransaction && Store.IsUnavailable(e) ? index.Graced(tenantId) : null;

    public ValueTask<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds, string? scope,
        DateTimeOffset now, CancellationToken ct) =>
        Index(tenantId) is { } grants
            ? new(grants.FindGrants(principalId, roleIds, scope, now))
            : FindGrantsInStoreAsync(tenantId, principalId, roleIds, scope, now, ct);

    private async ValueTask<IReadOnlyList<Grant>> FindGrantsInStoreAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds,
        string? scope, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            return await store.FindGrantsAsync(tenantId, principalId, roleIds, scope, now, ct);
        }
        catch (Exception e) when (Graced(tenantId, e) is { } graced)
        {
            return graced.FindGrants(principalId, roleIds, scope, now);
        }
    }

    public ValueTask<AccessStanding> StandingAsync(string tenantId, string principalId, string roleId, string scope, DateTimeOffset now,
        CancellationToken ct) =>
        Index(tenantId) is { } grants
            ? new(grants.Standing(principalId, roleId, scope, now))
            : StandingInStoreAsync(tenantId, principalId, roleId, scope, now, ct);

    private async ValueTask<AccessStanding> StandingInStoreAsync(string tenantId, string principalId, string roleId, string scope, DateTimeOffset now,
        CancellationToken ct)
    {
        try
        {
            return await store.StandingAsync(tenantId, principalId, roleId, scope, now, ct);
        }
        catch (Exception e) when (Graced(tenantId, e) is { } graced)
        {
            return graced.Standing(principalId, roleId, scope, now);
        }
    }

    public Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct) =>
        store.ListHoldersAsync(tenantId, roleIds, now, ct);
}
