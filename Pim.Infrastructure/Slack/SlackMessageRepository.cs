using Dapper;

namespace Pim.Infrastructure;

/// <summary>A copy of a request's approval message in Slack: where chat.postMessage put it.</summary>
public sealed record SlackCopy(string Channel, string Ts);

/// <summary>
/// The copies of each request's approval message that Slack accepted, so that every one is updated when the request
/// changes; and the interactions already answered, so that a replayed one is refused on every replica.
/// </summary>
public sealed class SlackMessageRepository(DbSession db)
{
    private sealed class CopyRow
    {
        public string Channel { get; set; } = "";
        public string Ts { get; set; } = "";
    }

    public async Task AddCopyAsync(string tenantId, string requestId, SlackCopy copy, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO slack_messages (tenant_id, request_id, channel, ts, posted_at) VALUES (@tenantId, @requestId, @Channel, @Ts, @now)
            ON CONFLICT DO NOTHING
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new { tenantId, requestId, copy.Channel, copy.Ts, now }, ct));
    }

    public async Task<IReadOnlyList<SlackCopy>> ListCopiesAsync(string tenantId, string requestId, CancellationToken ct)
    {
        const string sql = "SELECT channel, ts FROM slack_messages WHERE tenant_id = @tenantId AND request_id = @requestId ORDER BY posted_at, ts";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<CopyRow>(db.Command(sql, new { tenantId, requestId }, ct))).Select(r => new SlackCopy(r.Channel, r.Ts)).ToList();
    }

    /// <summary>
    /// Records an interaction by its signature until <paramref name="expiresAt"/>; false when it was recorded already (a
    /// replay). Interactions whose time has passed are forgotten on the way: their timestamps are refused anyway.
    /// </summary>
    public async Task<bool> RecordInteractionAsync(string signature, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct)
    {
        const string forget = "DELETE FROM slack_interactions WHERE expires_at < @now";
        const string record = "INSERT INTO slack_interactions (signature, expires_at) VALUES (@signature, @expiresAt) ON CONFLICT DO NOTHING";
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(forget, new { now }, ct));
        return await connection.ExecuteAsync(db.Command(record, new { signature, expiresAt }, ct)) == 1;
    }
}
