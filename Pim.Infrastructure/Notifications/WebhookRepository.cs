using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

public sealed class WebhookRepository(DbSession db) : IWebhooks
{
    private sealed class WebhookRow
    {
        public string TenantId { get; set; } = "";
        public string WebhookId { get; set; } = "";
        public string Url { get; set; } = "";
        public string EventTypes { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";

        public WebhookSubscription ToDomain() => new(TenantId, WebhookId, Url, EventTypes.Split(',', StringSplitOptions.RemoveEmptyEntries), CreatedAt, CreatedBy);
    }

    private const string Select = "SELECT tenant_id, webhook_id, url, event_types, created_at, created_by FROM webhook_subscriptions";

    public async Task InsertAsync(WebhookSubscription w, string secret, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO webhook_subscriptions (tenant_id, webhook_id, url, event_types, secret, created_at, created_by)
            VALUES (@TenantId, @Id, @Url, @types, @secret, @CreatedAt, @CreatedBy)
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new { w.TenantId, w.Id, w.Url, types = "," + string.Join(',', w.EventTypes) + ",", secret, w.CreatedAt, w.CreatedBy }, ct));
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string tenantId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<WebhookRow>(db.Command(Select + " WHERE tenant_id = @tenantId ORDER BY webhook_id", new { tenantId }, ct)))
            .Select(r => r.ToDomain()).ToList();
    }

    public async Task<WebhookSubscription?> FindAsync(string tenantId, string webhookId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<WebhookRow>(db.Command(Select + " WHERE tenant_id = @tenantId AND webhook_id = @webhookId",
            new { tenantId, webhookId }, ct)))?.ToDomain();
    }

    public async Task<bool> DeleteAsync(string tenantId, string webhookId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command("DELETE FROM webhook_subscriptions WHERE tenant_id = @tenantId AND webhook_id = @webhookId",
            new { tenantId, webhookId }, ct)) == 1;
    }

    public async Task<string?> FindSecretAsync(string tenantId, string webhookId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(db.Command(
            "SELECT secret FROM webhook_subscriptions WHERE tenant_id = @tenantId AND webhook_id = @webhookId", new { tenantId, webhookId }, ct));
    }
}
