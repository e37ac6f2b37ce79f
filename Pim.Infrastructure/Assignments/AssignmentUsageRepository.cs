using Dapper;
using Microsoft.Extensions.Hosting;
using Pim.Domain;

namespace Pim.Infrastructure;

public sealed class AssignmentUsageRepository(DbSession db, UsageRecorder recorder) : IAssignmentUsage
{
    private sealed class UseRow
    {
        public string ClientId { get; set; } = "";
        public string ClientKind { get; set; } = "";
        public DateTimeOffset FirstUsedAt { get; set; }
        public DateTimeOffset LastUsedAt { get; set; }
        public long Uses { get; set; }
    }

    public async Task<IReadOnlyList<AssignmentUse>> ListAsync(string tenantId, string assignmentId, CancellationToken ct)
    {
        // A principal that asked about itself is as interactive as its kind (a service principal is a script).
        const string sql = """
            SELECT u.client_id, CASE WHEN u.client_kind = 'service' THEN 'service' ELSE COALESCE(p.kind, 'user') END AS client_kind,
                   u.first_used_at, u.last_used_at, u.uses
            FROM assignment_usage u
            LEFT JOIN principals p ON p.tenant_id = u.tenant_id AND p.principal_id = u.client_id AND u.client_kind = 'principal'
            WHERE u.tenant_id = @tenantId AND u.assignment_id = @assignmentId
            """;
        const string kinds = "SELECT kind FROM principals WHERE tenant_id = @tenantId AND principal_id = @clientId";
        var connection = await db.ConnectionAsync(ct);
        var stored = (await connection.QueryAsync<UseRow>(db.Command(sql, new { tenantId, assignmentId }, ct)))
            .ToDictionary(r => r.ClientId, r => new AssignmentUse(r.ClientId, r.ClientKind, r.FirstUsedAt, r.LastUsedAt, r.Uses));
        foreach (var (key, entry) in recorder.Pending(tenantId, assignmentId))
        {
            var kind = entry.Service ? AssignmentUse.ServiceKind
                : await connection.QuerySingleOrDefaultAsync<string?>(db.Command(kinds, new { tenantId, clientId = key.ClientId }, ct)) ?? "user";
            stored[key.ClientId] = stored.TryGetValue(key.ClientId, out var known)
                ? known with { LastUsedAt = entry.LastUsedAt > known.LastUsedAt ? entry.LastUsedAt : known.LastUsedAt, Uses = known.Uses + entry.Uses }
                : new AssignmentUse(key.ClientId, kind, entry.FirstUsedAt, entry.LastUsedAt, entry.Uses);
        }
        return stored.Values.OrderByDescending(u => u.LastUsedAt).ToList();
    }

    public async Task WriteAsync(IReadOnlyList<KeyValuePair<UsageRecorder.Key, UsageRecorder.Entry>> uses, CancellationToken ct)
    {
        const string upsert = """
            ON CONFLICT (tenant_id, assignment_id, client_id) DO UPDATE SET
                last_used_at = CASE WHEN excluded.last_used_at > assignment_usage.last_used_at
                                    THEN excluded.last_used_at ELSE assignment_usage.last_used_at END,
                uses = assignment_usage.uses + excluded.uses
            """;
        const string columns = "INSERT INTO assignment_usage (tenant_id, assignment_id, client_id, client_kind, first_used_at, last_used_at, uses)";
        const string oneRow = columns + "\nVALUES (@TenantId, @AssignmentId, @ClientId, @ClientKind, @FirstUsedAt, @LastUsedAt, @Uses)\n" + upsert;
        // PostgreSQL: thousands of rows per statement, as arrays (one round trip instead of one per row: at a million
        // assignments a gateway's first uses in an hour are hundreds of thousands of pairs).
        const string manyRows = columns + """

            SELECT * FROM unnest(@TenantIds, @AssignmentIds, @ClientIds, @ClientKinds, @FirstUsedAts, @LastUsedAts, @Uses)

            """ + upsert;
        // One commit for the rows given (a flush gives a budget's worth at a time), in key order: two flushes that overlap
        // (the background flush and the governance sweep's, or another replica's) lock the rows they share in the same
        // order, and wait for each other instead of deadlocking — a deadlock would lose the uses of the one PostgreSQL
        // chose to abort.
        var rows = uses
            .OrderBy(u => u.Key.TenantId, StringComparer.Ordinal).ThenBy(u => u.Key.AssignmentId, StringComparer.Ordinal)
            .ThenBy(u => u.Key.ClientId, StringComparer.Ordinal).Select(u => new
            {
                u.Key.TenantId, u.Key.AssignmentId, u.Key.ClientId, ClientKind = u.Value.Service ? AssignmentUse.ServiceKind : AssignmentUse.PrincipalKind,
                u.Value.FirstUsedAt, u.Value.LastUsedAt, u.Value.Uses,
            }).ToArray();
        await db.WriteRowsAsync(oneRow, manyRows, rows, chunk => new
        {
            TenantIds = chunk.Select(r => r.TenantId).ToArray(), AssignmentIds = chunk.Select(r => r.AssignmentId).ToArray(),
            ClientIds = chunk.Select(r => r.ClientId).ToArray(), ClientKinds = chunk.Select(r => r.ClientKind).ToArray(),
            FirstUsedAts = chunk.Select(r => r.FirstUsedAt).ToArray(), LastUsedAts = chunk.Select(r => r.LastUsedAt).ToArray(),
            Uses = chunk.Select(r => r.Uses).ToArray(),
        }, ct);
    }
}
