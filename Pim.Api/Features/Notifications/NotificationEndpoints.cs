using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Infrastructure;
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

public sealed class WebhookRequestValidator : AbstractValidator<WebhookRequest>
{
    public WebhookRequestValidator()
    {
        RuleFor(r => r.Url).NotEmpty().MaximumLength(2000).Must(u => Uri.TryCreate(u, UriKind.Absolute, out _)).WithMessage("'url' must be an absolute URL.");
        RuleFor(r => r.EventTypes).NotEmpty().Must(t => t is null || t.Count <= WebhookEventTypes.All.Count).WithMessage("Too many event types.");
        RuleForEach(r => r.EventTypes).Must(t => WebhookEventTypes.All.Contains(t))
            .WithMessage($"Event types are: {string.Join(", ", WebhookEventTypes.All)}.");
    }
}

/// <summary>Webhooks (signed CloudEvents for chat, SIEM, …) and the notifications outbox.</summary>
public static class NotificationEndpoints
{
    public static void MapNotifications(this RouteGroupBuilder tenant)
    {
        var webhooks = tenant.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("", Create).WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to events; the answer shows the signing secret (whsec_…) once.").Validate<WebhookRequest>().AnswerShowsSecret();
        webhooks.MapGet("", List).WithName("ListWebhooks").WithSummary("The tenant's webhooks (without secrets).");
        webhooks.MapGet("/{webhookId:id}", Get).WithName("GetWebhook").WithSummary("One webhook (without its secret).");
        webhooks.MapDelete("/{webhookId:id}", Delete).WithName("DeleteWebhook").WithSummary("Unsubscribe; undelivered messages to it fail.");

        var notifications = tenant.MapGroup("/notifications").WithTags("Notifications");
        notifications.MapGet("", ListNotifications).WithName("ListNotifications")
            .WithSummary("Emails and webhook deliveries of the outbox, newest first; filter status=pending|delivered|failed.");
        notifications.MapPost("/{notificationId:id}/retry", Retry).WithName("RetryNotification")
            .WithSummary("Put a failed notification back in line for delivery.");
    }

    public static async Task<Created<CreatedWebhookResponse>> Create(string tenantId, WebhookRequest body, Callers callers, WebhookService webhooks, CancellationToken ct)
    {
        var (w, secret) = await webhooks.CreateAsync(await callers.ResolveAsync(tenantId, ct), new Uri(body.Url), body.EventTypes, ct);
        return TypedResults.Created($"/v1/tenants/{tenantId}/webhooks/{w.Id}", new CreatedWebhookResponse(w.Id, w.Url, w.EventTypes, w.CreatedAt, w.CreatedBy, secret));
    }

    public static async Task<Ok<WebhookListResponse>> List(string tenantId, Callers callers, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(new WebhookListResponse((await webhooks.ListAsync(await callers.ResolveAsync(tenantId, ct), ct)).Select(WebhookResponse.From).ToList()));

    public static async Task<Ok<WebhookResponse>> Get(string tenantId, string webhookId, Callers callers, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(WebhookResponse.From(await webhooks.GetAsync(await callers.ResolveAsync(tenantId, ct), webhookId, ct)));

    public static async Task<NoContent> Delete(string tenantId, string webhookId, Callers callers, WebhookService webhooks, CancellationToken ct)
    {
        await webhooks.DeleteAsync(await callers.ResolveAsync(tenantId, ct), webhookId, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PageResponse<NotificationResponse>>> ListNotifications(string tenantId, string? status, int? pageSize, string? pageToken,
        Callers callers, NotificationService notifications, CancellationToken ct)
    {
        if (status is not null && !OutboxStatus.All.Contains(status))
            throw Errors.InvalidField("status", $"status must be one of: {string.Join(", ", OutboxStatus.All)}.", "Unknown status.");
        var page = await notifications.ListAsync(await callers.ResolveAsync(tenantId, ct), status, PageTokens.Decode(pageToken), PageTokens.Size(pageSize), ct);
        return TypedResults.Ok(page.Map(NotificationResponse.From));
    }

    public static async Task<Ok<NotificationResponse>> Retry(string tenantId, string notificationId, Callers callers, NotificationService notifications, CancellationToken ct) =>
        TypedResults.Ok(NotificationResponse.From(await notifications.RetryAsync(await callers.ResolveAsync(tenantId, ct), notificationId, ct)));
}
