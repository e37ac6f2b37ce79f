using Dapper;

namespace Pim.Infrastructure;

/// <summary>The answer recorded for an Idempotency-Key. <see cref="Withheld"/>: it carried a one-time secret, so only its status and Location were kept.</summary>
public sealed record IdempotentAnswer(string RequestHash, int? StatusCode, string? ContentType, string? Location, string? Body, bool Withheld);

/// <summary>
/// Idempotency keys per tenant and caller, written on the request's own transaction: the key is claimed, the change is
/// made and the answer recorded in one commit, so a crash leaves either all of it or none of it, and a second request
/// with the same key waits for the first one's commit (the database serialises them on the key's row).
/// </summary>
public sealed class IdempotencyStore(DbSession db)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private sealed class Row
    {
        public string RequestHash { get; set; } = "";
        public int? StatusCode { get; set; }
        public string? ContentType { get; set; }
        public string? Location { get; set; }
        public string? Body { get; set; }
        public int AnswerWithheld { get; set; }
    }

    private sealed class CountRow
    {
        public long Held { get; set; }
        public DateTimeOffset? Oldest { get; set; }
    }

    /// <summary>How many live keys the caller holds in the tenant, and when the oldest of them was claimed.</summary>
    public async Task<(int Held, DateTimeOffset Oldest)> CountAsync(string tenantId, string caller, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            SELECT COUNT(*) AS held, MIN(created_at) AS oldest FROM idempotency_keys
            WHERE tenant_id = @tenantId AND caller = @caller AND created_at >= @cutoff
            """;
        var connection = await db.ConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<CountRow>(db.Command(sql, new { tenantId, caller, cutoff = now - Retention }, ct));
        return ((int)row.Held, row.Oldest ?? now);
    }

    /// <summary>
    /// Claims the key for this request (a key older than the retention is claimed afresh). False when a live answer is
    /// recorded under it; a claim by a request still running makes this one wait for it.
    /// </summary>
    public async Task<bool> TryClaimAsync(string tenantId, string caller, string key, string requestHash, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO idempotency_keys (tenant_id, caller, idempotency_key, request_hash, created_at, answer_withheld)
            VALUES (@tenantId, @caller, @key, @requestHash, @now, 0)
            ON CONFLICT (tenant_id, caller, idempotency_key) DO UPDATE SET
                request_hash = excluded.request_hash, created_at = excluded.created_at, status_code = NULL, content_type = NULL,
                location = NULL, body = NULL, answer_withheld = 0
            WHERE idempotency_keys.created_at < @cutoff
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new { tenantId, caller, key, requestHash, now, cutoff = now - Retention }, ct)) == 1;
    }

    public async Task<IdempotentAnswer> FindAsync(string tenantId, string caller, string key, CancellationToken ct)
    {
        const string sql = """
            SELECT request_hash, status_code, content_type, location, body, answer_withheld FROM idempotency_keys
            WHERE tenant_id = @tenantId AND caller = @caller AND idempotency_key = @key
            """;
        var connection = await db.ConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<Row>(db.Command(sql, new { tenantId, caller, key }, ct));
        return new IdempotentAnswer(row.RequestHash, row.StatusCode, row.ContentType, row.Location, row.Body, row.AnswerWithheld != 0);
    }

    public async Task RecordAsync(string tenantId, string caller, string key, int statusCode, string? contentType, string? location, string? body,
        bool withheld, CancellationToken ct)
    {
        const string sql = """
            UPDATE idempotency_keys SET status_code = @statusCode, content_type = @contentType, location = @location, body = @body,
                answer_withheld = @withheldFlag
            WHERE tenant_id = @tenantId AND caller = @caller AND idempotency_key = @key
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql,
            new { tenantId, caller, key, statusCode, contentType, location, body, withheldFlag = withheld ? 1 : 0 }, ct));
    }

    /// <summary>Keys are kept 24 hours (the sweeper's own connection).</summary>
    public static async Task<int> PurgeAsync(Store store, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM idempotency_keys WHERE created_at < @cutoff",
            new { cutoff = now - Retention }, cancellationToken: ct));
    }
}
