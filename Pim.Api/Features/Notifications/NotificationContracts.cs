using Pim.Domain;

namespace Pim.Api.Features.Notifications;

public sealed record WebhookRequest(string Url, IReadOnlyList<string> EventTypes);

public sealed record WebhookResponse(string Id, string Url, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt, string CreatedBy)
{
    public static WebhookResponse From(WebhookSubscription w) => new(w.Id, w.Url, w.EventTypes, w.CreatedAt, w.CreatedBy);
}

/// <summary>The creation answer: the only time the signing secret is shown.</summary>
public sealed record CreatedWebhookResponse(string Id, string Url, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt, string CreatedBy, string Secret);

public sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Items);

public sealed record NotificationResponse(string Id, string Kind, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt, string? LastError, string Summary)
{
    public static NotificationResponse From(OutboxMessage m) =>
        new(m.Id, m.Kind, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt, m.DeliveredAt, m.LastError, m.Summary);
}

/// <summary>The filter and paging of <c>GET …/notifications</c>.</summary>
public sealed record NotificationListQuery(string? Status, int? PageSize, string? PageToken);
