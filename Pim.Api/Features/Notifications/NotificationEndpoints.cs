using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Notifications;

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

    public static async Task<Created<CreatedWebhookResponse>> Create(WebhookRequest body, CurrentCaller caller, WebhookService webhooks, CancellationToken ct)
    {
        var (w, secret) = await webhooks.CreateAsync(caller, new Uri(body.Url), body.EventTypes, ct);
        return TypedResults.Created($"/v1/tenants/{w.TenantId}/webhooks/{w.Id}", new CreatedWebhookResponse(w.Id, w.Url, w.EventTypes, w.CreatedAt, w.CreatedBy, secret));
    }

    public static async Task<Ok<WebhookListResponse>> List(CurrentCaller caller, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(new WebhookListResponse((await webhooks.ListAsync(caller, ct)).Select(WebhookResponse.From).ToList()));

    public static async Task<Ok<WebhookResponse>> Get(string webhookId, CurrentCaller caller, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(WebhookResponse.From(await webhooks.GetAsync(caller, webhookId, ct)));

    public static async Task<NoContent> Delete(string webhookId, CurrentCaller caller, WebhookService webhooks, CancellationToken ct)
    {
        await webhooks.DeleteAsync(caller, webhookId, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PageResponse<NotificationResponse>>> ListNotifications([AsParameters] NotificationListQuery query, CurrentCaller caller,
        NotificationService notifications, CancellationToken ct) =>
        TypedResults.Ok((await notifications.ListAsync(caller, query.Status, PageTokens.Decode(query.PageToken), PageTokens.Size(query.PageSize), ct))
            .ToResponse(NotificationResponse.From));

    public static async Task<Ok<NotificationResponse>> Retry(string notificationId, CurrentCaller caller, NotificationService notifications, CancellationToken ct) =>
        TypedResults.Ok(NotificationResponse.From(await notifications.RetryAsync(caller, notificationId, ct)));
}
