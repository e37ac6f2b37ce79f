using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Notifications;

public sealed record WebhookRequest([Wire<Bounds.WebhookUrl>] string Url, [Wire<Vocabulary.WebhookEventTypes>] IReadOnlyList<string> EventTypes);

public sealed record WebhookResponse([Wire<Bounds.EntityId>] string Id, [Wire<Bounds.WebhookUrl>] string Url,
    [Wire<Vocabulary.WebhookEventTypes>] IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt, [Wire<Bounds.Subject>] string CreatedBy)
{
    public static WebhookResponse From(WebhookSubscription w) => new(w.Id, w.Url, w.EventTypes, w.CreatedAt, w.CreatedBy);
}

/// <summary>The creation answer: the only time the signing secret is shown.</summary>
public sealed record CreatedWebhookResponse([Wire<Bounds.EntityId>] string Id, [Wire<Bounds.WebhookUrl>] string Url,
    [Wire<Vocabulary.WebhookEventTypes>] IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt, [Wire<Bounds.Subject>] string CreatedBy,
    [Wire<Bounds.WebhookSecret>] string Secret);

public sealed record WebhookListResponse([MaxItems(WebhookService.MaximumPerTenant)] IReadOnlyList<WebhookResponse> Items);

public sealed record NotificationResponse([Wire<Bounds.EntityId>] string Id, [Wire<Vocabulary.NotificationKind>] string Kind,
    [Wire<Vocabulary.NotificationStatus>] string Status, [Between(0, OutboxMessage.MaximumAttempts)] int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt, [Text(OutboxMessage.MaxErrorLength)] string? LastError, [Text(OutboxMessage.MaxSummaryLength)] string Summary)
{
    public static NotificationResponse From(OutboxMessage m) =>
        new(m.Id, m.Kind, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt, m.DeliveredAt, m.LastError, m.Summary);
}

/// <summary>The filter and paging of <c>GET …/notifications</c>.</summary>
public sealed record NotificationListQuery([Wire<Vocabulary.NotificationStatus>] string? Status, [Between(1, Paging.MaximumPageSize)] int? PageSize,
    [Wire<Bounds.PageTokenSent>] string? PageToken);
