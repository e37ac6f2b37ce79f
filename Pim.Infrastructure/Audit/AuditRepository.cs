using System.Text.Json;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>The append-only audit trail; every event is also published to the tenant's webhooks that want it.</summary>
public sealed class AuditRepository(DbSession db, OutboxRepository outbox) : IAuditLog
{
    private static readonly JsonSerializerOptions CloudEventJson = new(JsonSerializerDefaults.Web);

    public async Task AppendAsync(AuditEvent e, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO audit_events (tenant_id, occurred_at, actor_id, actor_kind, actor_tenant_id, action, target_type, target_id, principal_id, role_id, scope,
                                      justification, ticket_number, ticket_system, client_ip, user_agent, correlation_id, details)
            VALUES (@TenantId, @OccurredAt, @ActorId, @ActorKind, @ActorTenantId, @Action, @TargetType, @TargetId, @PrincipalId, @RoleId, @Scope,
                    @Justification, @TicketNumber, @TicketSystem, @ClientIp, @UserAgent, @CorrelationId, @Details)
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, e, ct));
        await PublishAsync(e, ct);
    }

    private sealed class SubscriberRow
    {
        public string WebhookId { get; set; } = "";
        public string Url { get; set; } = "";
    }

    /// <summary>One outbox message per subscribed webhook, carrying the event as a CloudEvents 1.0 JSON document.</summary>
    private async Task PublishAsync(AuditEvent e, CancellationToken ct)
    {
        const string sql = """
            SELECT webhook_id, url FROM webhook_subscriptions
            WHERE tenant_id = @TenantId AND event_types LIKE '%,' || @type || ',%'
            """;
        var type = WebhookEventTypes.Of(e.Action);
        var connection = await db.ConnectionAsync(ct);
        foreach (var subscriber in await connection.QueryAsync<SubscriberRow>(db.Command(sql, new { e.TenantId, type }, ct)))
        {
            var id = NewId.Next();
            var cloudEvent = JsonSerializer.Serialize(new
            {
                specversion = "1.0",
                id,
                source = $"/v1/tenants/{e.TenantId}",
                type,
                subject = $"{e.TargetType}/{e.TargetId}",
                time = e.OccurredAt,
                datacontenttype = "application/json",
                data = new
                {
                    e.TenantId, e.Action, e.ActorId, e.ActorKind, e.ActorTenantId, e.TargetType, e.TargetId, e.PrincipalId, e.RoleId, e.Scope, e.Justification,
                    e.TicketNumber, e.TicketSystem, e.ClientIp, e.CorrelationId, e.OccurredAt,
                },
            }, CloudEventJson);
            await outbox.EnqueueWebhookAsync(e.TenantId, id, new WebhookPayload(subscriber.WebhookId, subscriber.Url, type, cloudEvent), ct);
        }
    }

    private sealed class AuditRow
    {
        public string TenantId { get; set; } = "";
        public long EventId { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public string ActorId { get; set; } = "";
        public string ActorKind { get; set; } = "";
        public string? ActorTenantId { get; set; }
        public string Action { get; set; } = "";
        public string TargetType { get; set; } = "";
        public string TargetId { get; set; } = "";
        public string? PrincipalId { get; set; }
        public string? RoleId { get; set; }
        public string? Scope { get; set; }
        public string? Justification { get; set; }
        public string? TicketNumber { get; set; }
        public string? TicketSystem { get; set; }
        public string? ClientIp { get; set; }
        public string? UserAgent { get; set; }
        public string? CorrelationId { get; set; }
        public string? Details { get; set; }
    }

    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(string tenantId, AuditQuery query, CancellationToken ct)
    {
        // principalId matches the actor or the principal acted on.
        const string sql = """
            SELECT tenant_id, event_id, occurred_at, actor_id, actor_kind, actor_tenant_id, action, target_type, target_id, principal_id, role_id, scope,
                   justification, ticket_number, ticket_system, client_ip, user_agent, correlation_id, details
            FROM audit_events
            WHERE tenant_id = @tenantId
              AND (@From IS NULL OR occurred_at >= @From)
              AND (@To IS NULL OR occurred_at < @To)
              AND (@PrincipalId IS NULL OR principal_id = @PrincipalId OR actor_id = @PrincipalId)
              AND (@RoleId IS NULL OR role_id = @RoleId)
              AND (@Action IS NULL OR action = @Action)
              AND (@After IS NULL OR event_id > @After)
            ORDER BY event_id
            LIMIT @PageSize
            """;
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<AuditRow>(db.Command(sql, new
        {
            tenantId, query.From, query.To, query.PrincipalId, query.RoleId, query.Action, query.After, query.PageSize,
        }, ct));
        return rows.Select(r => new AuditEvent
        {
            Id = r.EventId, TenantId = r.TenantId, OccurredAt = r.OccurredAt, ActorId = r.ActorId, ActorKind = r.ActorKind,
            ActorTenantId = r.ActorTenantId, Action = r.Action,
            TargetType = r.TargetType, TargetId = r.TargetId, PrincipalId = r.PrincipalId, RoleId = r.RoleId, Scope = r.Scope,
            Justification = r.Justification, TicketNumber = r.TicketNumber, TicketSystem = r.TicketSystem, ClientIp = r.ClientIp,
            UserAgent = r.UserAgent, CorrelationId = r.CorrelationId, Details = r.Details,
        }).ToList();
    }
}
