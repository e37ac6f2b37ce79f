using System.Text.Json;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>The tenants' Slack connections; the bot token column holds Data Protection ciphertext, read only by <see cref="FindTokenAsync"/>.</summary>
public sealed class SlackConnectionRepository(DbSession db) : ISlackConnections
{
    private sealed class ConnectionRow
    {
        public string TenantId { get; set; } = "";
        public string TeamId { get; set; } = "";
        public string Channel { get; set; } = "";
        public string Routes { get; set; } = "";
        public DateTimeOffset ConnectedAt { get; set; }
        public string ConnectedBy { get; set; } = "";

        public SlackConnection ToDomain() => new(TenantId, TeamId, Channel,
            JsonSerializer.Deserialize<List<SlackRoute>>(Routes, DocumentJson.Options) ?? [], ConnectedAt, ConnectedBy);
    }

    public async Task<SlackConnection?> FindAsync(string tenantId, CancellationToken ct)
    {
        const string sql = "SELECT tenant_id, team_id, channel, routes, connected_at, connected_by FROM slack_connections WHERE tenant_id = @tenantId";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<ConnectionRow>(db.Command(sql, new { tenantId }, ct)))?.ToDomain();
    }

    /// <summary>The tenant's bot token as stored (ciphertext); null when the tenant is not connected.</summary>
    public async Task<string?> FindTokenAsync(string tenantId, CancellationToken ct)
    {
        const string sql = "SELECT bot_token FROM slack_connections WHERE tenant_id = @tenantId";
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(db.Command(sql, new { tenantId }, ct));
    }

    public async Task<bool> UpsertAsync(SlackConnection c, string protectedToken, CancellationToken ct)
    {
        const string delete = "DELETE FROM slack_connections WHERE tenant_id = @TenantId";
        const string insert = """
            INSERT INTO slack_connections (tenant_id, team_id, channel, routes, bot_token, connected_at, connected_by)
            VALUES (@TenantId, @TeamId, @Channel, @routes, @protectedToken, @ConnectedAt, @ConnectedBy)
            """;
        var connection = await db.ConnectionAsync(ct);
        var replaced = await connection.ExecuteAsync(db.Command(delete, new { c.TenantId }, ct)) > 0;
        await connection.ExecuteAsync(db.Command(insert, new
        {
            c.TenantId, c.TeamId, c.Channel, routes = JsonSerializer.Serialize(c.Routes, DocumentJson.Options), protectedToken, c.ConnectedAt, c.ConnectedBy,
        }, ct));
        return !replaced;
    }

    public async Task<bool> DeleteAsync(string tenantId, CancellationToken ct)
    {
        const string sql = "DELETE FROM slack_connections WHERE tenant_id = @tenantId";
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new { tenantId }, ct)) == 1;
    }
}
