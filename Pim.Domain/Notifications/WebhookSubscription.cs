namespace Pim.Domain;

/// <summary>A tenant's webhook: where to POST which events (CloudEvents, signed per Standard Webhooks).</summary>
public sealed record WebhookSubscription(string TenantId, string Id, string Url, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt, string CreatedBy);

public interface IWebhooks
{
    Task InsertAsync(WebhookSubscription webhook, string secret, CancellationToken ct);
    Task<IReadOnlyList<WebhookSubscription>> ListAsync(string tenantId, CancellationToken ct);
    Task<WebhookSubscription?> FindAsync(string tenantId, string webhookId, CancellationToken ct);
    Task<bool> DeleteAsync(string tenantId, string webhookId, CancellationToken ct);
}

/// <summary>Where webhooks may point: https, and (in production) no loopback, link-local or private address.</summary>
public interface IWebhookUrlPolicy
{
    /// <summary>Why the URL is refused, or null when it is allowed.</summary>
    Task<string?> RefusalAsync(Uri url, CancellationToken ct);
}
