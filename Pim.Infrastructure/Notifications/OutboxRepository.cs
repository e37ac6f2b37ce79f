using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Pim.Domain;

namespace Pim.Infrastructure;

public sealed record EmailPayload(IReadOnlyList<string> To, string Subject, string Body);

public sealed record WebhookPayload(string WebhookId, string Url, string EventType, string Body);

/// <summary>A message a dispatcher has claimed (leased) for delivery; <paramref name="TraceParent"/> is the W3C trace context of the
/// request that wrote it.</summary>
public sealed record ClaimedMessage(string TenantId, string MessageId, string Kind, string Payload, int Attempts, string? TraceParent = null);

/// <summary>
/// The transactional outbox in SQL: messages are inserted on the request's transaction; dispatchers claim due messages
/// with a lease (<c>FOR UPDATE SKIP LOCKED</c> on Postgres), so replicas never deliver the same message at once, and a
/// message whose dispatcher died is claimed again once its lease ends (at least once).
/// </summary>
public sealed class OutboxRepository(DbSession db, TimeProvider time, ILogger<OutboxRepository> logger) : IOutbox, IChatOutbox
{
    /// <summary>A Slack notice, for a tenant that has connected its workspace (none otherwise).</summary>
    public async Task EnqueueAsync(ChatNotice notice, CancellationToken ct)
    {
        const string sql = "SELECT COUNT(*) FROM slack_connections WHERE tenant_id = @TenantId";
        var connection = await db.ConnectionAsync(ct);
        if (await connection.ExecuteScalarAsync<long>(db.Command(sql, new { notice.TenantId }, ct)) == 0) return;
        await InsertAsync(notice.TenantId, NewId.Next(), NotificationKinds.Slack, JsonSerializer.Serialize(notice, Json),
            $"Slack {notice.Kind} of request {notice.RequestId}", ct);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task EnqueueEmailAsync(string tenantId, EmailMessage email, CancellationToken ct)
    {
        if (email.SkippedRecipients.Count > 0)
            logger.RecipientsSkipped(email.Subject, email.SkippedRecipients);
        if (email.To.Count == 0) return Task.CompletedTask;
        var summary = $"{email.Subject} → {string.Join(", ", email.To)}";
        return InsertAsync(tenantId, NewId.Next(), NotificationKinds.Email, JsonSerializer.Serialize(new EmailPayload(email.To, email.Subject, email.Body), Json), summary, ct,
            email.Topic);
    }

    public async Task<int> CountTopicAsync(string tenantId, string topic, DateTimeOffset since, CancellationToken ct)
    {
        const string sql = "SELECT COUNT(*) FROM outbox_messages WHERE tenant_id = @tenantId AND topic = @topic AND created_at >= @since";
        var connection = await db.ConnectionAsync(ct);
        return (int)await connection.ExecuteScalarAsync<long>(db.Command(sql, new { tenantId, topic, since }, ct));
    }

    /// <summary>Enqueues a webhook delivery; <paramref name="messageId"/> is its webhook-id (and the CloudEvent's id).</summary>
    public Task EnqueueWebhookAsync(string tenantId, string messageId, WebhookPayload payload, CancellationToken ct) =>
        InsertAsync(tenantId, messageId, NotificationKinds.Webhook, JsonSerializer.Serialize(payload, Json), $"{payload.EventType} → {payload.Url}", ct);

    private async Task InsertAsync(string tenantId, string id, string kind, string payload, string summary, CancellationToken ct, string? topic = null)
    {
        const string sql = """
            INSERT INTO outbox_messages (tenant_id, message_id, kind, payload, summary, status, attempts, next_attempt_at, created_at, topic, trace_parent)
            VALUES (@tenantId, @id, @kind, @payload, @summary, 'pending', 0, @now, @now, @topic, @traceParent)
            """;
        var connection = await db.ConnectionAsync(ct);
        var now = time.Now();
        // The request's trace context (an Activity's W3C id is 55 hex digits and dashes, whatever the client sent).
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } request ? request.Id : null;
        await connection.ExecuteAsync(db.Command(sql, new
        {
            tenantId, id, kind, payload, summary = OutboxMessage.Cut(summary, OutboxMessage.MaxSummaryLength), now, topic, traceParent,
        }, ct));
    }

    private sealed class MessageRow
    {
        public string TenantId { get; set; } = "";
        public string MessageId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public string? LastError { get; set; }
        public string Summary { get; set; } = "";
        public string Payload { get; set; } = "";
        public string? TraceParent { get; set; }

        public OutboxMessage ToDomain() => new(TenantId, MessageId, Kind, Status, Attempts, CreatedAt, NextAttemptAt, DeliveredAt, LastError, Summary);
    }

    private const string Select = """
        SELECT tenant_id, message_id, kind, status, attempts, created_at, next_attempt_at, delivered_at, last_error, summary, payload
        FROM outbox_messages
        """;

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(string tenantId, string? status, string? after, int pageSize, CancellationToken ct)
    {
        const string sql = Select + """
             WHERE tenant_id = @tenantId AND (@status IS NULL OR status = @status) AND (@after IS NULL OR message_id < @after)
            ORDER BY message_id DESC LIMIT @pageSize
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<MessageRow>(db.Command(sql, new { tenantId, status, after, pageSize }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<OutboxMessage?> RetryAsync(string tenantId, string messageId, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            UPDATE outbox_messages SET status = 'pending', attempts = 0, next_attempt_at = @now, locked_until = NULL
            WHERE tenant_id = @tenantId AND message_id = @messageId AND status = 'failed'
            """;
        var connection = await db.ConnectionAsync(ct);
        if (await connection.ExecuteAsync(db.Command(sql, new { tenantId, messageId, now }, ct)) == 0) return null;
        return (await connection.QuerySingleAsync<MessageRow>(db.Command(Select + " WHERE tenant_id = @tenantId AND message_id = @messageId",
            new { tenantId, messageId }, ct))).ToDomain();
    }

    /// <summary>Claims up to <paramref name="limit"/> due messages for <paramref name="lease"/>, counting the attempt.</summary>
    public async Task<IReadOnlyList<ClaimedMessage>> ClaimAsync(int limit, TimeSpan lease, CancellationToken ct)
    {
        var sql = $"""
            UPDATE outbox_messages SET locked_until = @lockedUntil, attempts = attempts + 1
            WHERE (tenant_id, message_id) IN (
                SELECT tenant_id, message_id FROM outbox_messages
                WHERE status = 'pending' AND next_attempt_at <= @now AND (locked_until IS NULL OR locked_until <= @now)
                ORDER BY next_attempt_at
                LIMIT @limit{db.Store.SkipLocked})
            RETURNING tenant_id, message_id, kind, payload, attempts, trace_parent
            """;
        var now = time.Now();
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<MessageRow>(db.Command(sql, new { now, lockedUntil = now + lease, limit }, ct));
        return rows.Select(r => new ClaimedMessage(r.TenantId, r.MessageId, r.Kind, r.Payload, r.Attempts, r.TraceParent)).ToList();
    }

    private sealed class KindCount
    {
        public string Kind { get; set; } = "";
        public long Count { get; set; }
    }

    /// <summary>How many messages wait for delivery (due or backing off), by kind: one read of the partial index of pending messages.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountPendingAsync(CancellationToken ct)
    {
        const string sql = "SELECT kind, COUNT(*) AS count FROM outbox_messages WHERE status = 'pending' GROUP BY kind";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<KindCount>(db.Command(sql, null, ct))).ToDictionary(k => k.Kind, k => k.Count);
    }

    public Task MarkDeliveredAsync(ClaimedMessage m, CancellationToken ct) => UpdateAsync("""
        UPDATE outbox_messages SET status = 'delivered', delivered_at = @now, locked_until = NULL, last_error = NULL
        WHERE tenant_id = @TenantId AND message_id = @MessageId
        """, m, null, null, ct);

    public Task RescheduleAsync(ClaimedMessage m, DateTimeOffset nextAttemptAt, string error, CancellationToken ct) => UpdateAsync("""
        UPDATE outbox_messages SET next_attempt_at = @next, locked_until = NULL, last_error = @error
        WHERE tenant_id = @TenantId AND message_id = @MessageId
        """, m, nextAttemptAt, error, ct);

    public Task MarkFailedAsync(ClaimedMessage m, string error, CancellationToken ct) => UpdateAsync("""
        UPDATE outbox_messages SET status = 'failed', locked_until = NULL, last_error = @error
        WHERE tenant_id = @TenantId AND message_id = @MessageId
        """, m, null, error, ct);

    /// <summary>Gives a claimed message back undelivered (shutdown): the attempt does not count.</summary>
    public Task ReleaseAsync(ClaimedMessage m, CancellationToken ct) => UpdateAsync("""
        UPDATE outbox_messages SET locked_until = NULL, attempts = attempts - 1
        WHERE tenant_id = @TenantId AND message_id = @MessageId
        """, m, null, null, ct);

    private async Task UpdateAsync(string sql, ClaimedMessage m, DateTimeOffset? next, string? error, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new
        {
            m.TenantId, m.MessageId, now = time.Now(), next, error = error is null ? null : OutboxMessage.Cut(error, OutboxMessage.MaxErrorLength),
        }, ct));
    }
}
