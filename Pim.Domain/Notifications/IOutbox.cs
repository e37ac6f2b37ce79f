namespace Pim.Domain;

/// <summary>A message waiting in (or gone through) the transactional outbox.</summary>
public sealed record OutboxMessage(string TenantId, string Id, string Kind, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, string? LastError, string Summary);

public static class OutboxStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public static readonly string[] All = [Pending, Delivered, Failed];
}

/// <summary>The transactional outbox: messages are written in the transaction of the change that causes them.</summary>
public interface IOutbox
{
    Task EnqueueEmailAsync(string tenantId, EmailMessage email, CancellationToken ct);
    /// <summary>How many emails of the topic were enqueued in the tenant since <paramref name="since"/>.</summary>
    Task<int> CountTopicAsync(string tenantId, string topic, DateTimeOffset since, CancellationToken ct);
    Task<IReadOnlyList<OutboxMessage>> ListAsync(string tenantId, string? status, string? after, int pageSize, CancellationToken ct);
    /// <summary>Puts a failed message back in line; null when there is no such failed message.</summary>
    Task<OutboxMessage?> RetryAsync(string tenantId, string messageId, DateTimeOffset now, CancellationToken ct);
}
