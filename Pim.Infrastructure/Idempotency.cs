using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>A stored first response to an Idempotency-Key (null status: the first request is still running).</summary>
public sealed record IdempotentResponse(string RequestHash, int? StatusCode, string? ContentType, string? Location, string? Body, DateTimeOffset CreatedAt);

/// <summary>Idempotency keys per tenant and caller, on their own short transactions (outside the request's unit of work).</summary>
public sealed class IdempotencyStore(Store store)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private sealed class Row
    {
        public string RequestHash { get; set; } = "";
        public int? StatusCode { get; set; }
        public string? ContentType { get; set; }
        public string? Location { get; set; }
        public string? Body { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }

    public async Task<IdempotentResponse?> FindAsync(string tenantId, string caller, string key, CancellationToken ct)
    {
        const string sql = """
            SELECT request_hash, status_code, content_type, location, body, created_at FROM idempotency_keys
            WHERE tenant_id = @tenantId AND caller = @caller AND idempotency_key = @key
            """;
        await using var connection = await store.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { tenantId, caller, key }, cancellationToken: ct));
        return row is null ? null : new IdempotentResponse(row.RequestHash, row.StatusCode, row.ContentType, row.Location, row.Body, row.CreatedAt);
    }

    /// <summary>Claims the key for a first request; false when another request holds it.</summary>
    public async Task<bool> TryReserveAsync(string tenantId, string caller, string key, string requestHash, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO idempotency_keys (tenant_id, caller, idempotency_key, request_hash, created_at)
            VALUES (@tenantId, @caller, @key, @requestHash, @now)
            ON CONFLICT (tenant_id, caller, idempotency_key) DO NOTHING
            """;
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { tenantId, caller, key, requestHash, now }, cancellationToken: ct)) == 1;
    }

    public async Task CompleteAsync(string tenantId, string caller, string key, int statusCode, string? contentType, string? location, string body, CancellationToken ct)
    {
        const string sql = """
            UPDATE idempotency_keys SET status_code = @statusCode, content_type = @contentType, location = @location, body = @body
            WHERE tenant_id = @tenantId AND caller = @caller AND idempotency_key = @key
            """;
        await using var connection = await store.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { tenantId, caller, key, statusCode, contentType, location, body }, cancellationToken: ct));
    }

    public async Task ForgetAsync(string tenantId, string caller, string key, CancellationToken ct)
    {
        const string sql = "DELETE FROM idempotency_keys WHERE tenant_id = @tenantId AND caller = @caller AND idempotency_key = @key";
        await using var connection = await store.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { tenantId, caller, key }, cancellationToken: ct));
    }

    /// <summary>Keys are kept 24 hours.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM idempotency_keys WHERE created_at < @cutoff",
            new { cutoff = now - Retention }, cancellationToken: ct));
    }
}
