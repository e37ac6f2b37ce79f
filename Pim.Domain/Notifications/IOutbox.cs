namespace Pim.Domain;

/// <summary>A message waiting in (or gone through) the transactional outbox.</summary>
public sealed record OutboxMessage(string TenantId, string Id, string Kind, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, string? LastError, string Summary)
{
    /// <summary>What the outbox keeps of a summary and of a delivery's last error; the most attempts it may be configured to make.</summary>
    public const int MaxSummaryLength = 500;
    public const int MaxErrorLength = 1000;
    public const int MaximumAttempts = 100;

    public static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

public static class NotificationKinds
{
    public const string Email = "email";
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public static readonly string[] All = [Email, Webhook, Slack];
}

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
