using System.Collections.Concurrent;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// When principals were last seen, kept in memory (the latest instant per principal) and written in batches by
/// <see cref="UsageFlushService"/> with the assignment usage: a request costs one dictionary write, never a store write.
/// A crash loses at most one flush interval of sightings.
/// </summary>
public sealed class PrincipalSightingRecorder : IPrincipalSightings
{
    private ConcurrentDictionary<(string TenantId, string PrincipalId), DateTimeOffset> _pending = new();

    public void Record(string tenantId, string principalId, DateTimeOffset at) =>
        _pending.AddOrUpdate((tenantId, principalId), at, (_, known) => at > known ? at : known);

    /// <summary>Takes everything recorded so far, for writing.</summary>
    public IReadOnlyList<KeyValuePair<(string TenantId, string PrincipalId), DateTimeOffset>> Drain() => Interlocked.Exchange(ref _pending, new()).ToList();
}

public sealed class PrincipalSightingRepository(DbSession db)
{
    public async Task WriteAsync(IReadOnlyList<KeyValuePair<(string TenantId, string PrincipalId), DateTimeOffset>> sightings, CancellationToken ct)
    {
        const string upsert = """
            ON CONFLICT (tenant_id, principal_id) DO UPDATE SET last_seen_at =
                CASE WHEN excluded.last_seen_at > principal_sightings.last_seen_at THEN excluded.last_seen_at ELSE principal_sightings.last_seen_at END
            """;
        const string oneRow = "INSERT INTO principal_sightings (tenant_id, principal_id, last_seen_at) VALUES (@TenantId, @PrincipalId, @At)\n" + upsert;
        // PostgreSQL: the rows as arrays, thousands per statement (one round trip, not one per principal).
        const string manyRows = "INSERT INTO principal_sightings (tenant_id, principal_id, last_seen_at)\n" +
            "SELECT * FROM unnest(@TenantIds, @PrincipalIds, @Ats)\n" + upsert;
        // One commit for the whole flush, in key order: overlapping flushes wait for each other instead of deadlocking.
        var rows = sightings.OrderBy(s => s.Key.TenantId, StringComparer.Ordinal).ThenBy(s => s.Key.PrincipalId, StringComparer.Ordinal)
            .Select(s => new { s.Key.TenantId, s.Key.PrincipalId, At = s.Value }).ToArray();
        await db.WriteRowsAsync(oneRow, manyRows, rows, chunk => new
        {
            TenantIds = chunk.Select(r => r.TenantId).ToArray(), PrincipalIds = chunk.Select(r => r.PrincipalId).ToArray(),
            Ats = chunk.Select(r => r.At).ToArray(),
        }, ct);
    }
}
