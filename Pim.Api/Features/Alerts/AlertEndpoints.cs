using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Alerts;

/// <summary>Security alerts: the open incidents and what they affect, dismissal, and each alert's settings (ETag / If-Match).</summary>
public static class AlertEndpoints
{
    public static void MapAlerts(this RouteGroupBuilder tenant)
    {
        var alerts = tenant.MapGroup("/alerts").WithTags("Alerts");
        alerts.MapGet("", List).WithName("ListAlerts")
            .WithSummary("Security alerts, newest first: open incidents (status=dismissed or resolved for the others), each with what it affects now " +
                         $"(at most {AlertService.MaximumItemsShown} items, affectedCount says how many) and the recommended action.");
        alerts.MapGet("/{alertId:id}", Get).WithName("GetAlert").WithSummary("One incident, with what it affects now.");
        alerts.MapPost("/{alertId:id}/dismiss", Dismiss).WithName("DismissAlert")
            .WithSummary("Dismiss an open incident, with a justification (audited): it is not raised again until its condition clears.")
            .Validate<DismissAlertRequest>();

        var settings = tenant.MapGroup("/alert-settings").WithTags("Alerts");
        settings.MapGet("/{alertType:id}", GetSettings).WithName("GetAlertSettings")
            .WithSummary("An alert's settings in this tenant (the defaults until they are changed): enabled, and its thresholds. ETag for If-Match.")
            .AnswersWithHeader(StatusCodes.Status200OK, OpenApiSetup.ETag);
        settings.MapPut("/{alertType:id}", PutSettings).WithName("PutAlertSettings")
            .WithSummary("Replace an alert's settings; requires If-Match with the ETag read. The tenant's alerts are evaluated again at the next sweep.")
            .Validate<AlertSettingsRequest>().ProducesProblem(412).ProducesProblem(428)
            .AnswersWithHeader(StatusCodes.Status200OK, OpenApiSetup.ETag);
    }

    public static async Task<Ok<PageResponse<AlertResponse>>> List([AsParameters] AlertListQuery query, CurrentCaller caller, AlertService alerts,
        CancellationToken ct) =>
        TypedResults.Ok((await alerts.ListAsync(caller, AlertStatuses.Parse(query.Status), query.AlertType, PageTokens.Decode(query.PageToken),
            PageTokens.Size(query.PageSize), ct)).ToResponse(AlertResponse.From));

    public static async Task<Ok<AlertResponse>> Get(string alertId, CurrentCaller caller, AlertService alerts, CancellationToken ct) =>
        TypedResults.Ok(AlertResponse.From(await alerts.GetAsync(caller, alertId, ct)));

    public static async Task<Ok<AlertResponse>> Dismiss(string alertId, DismissAlertRequest body, CurrentCaller caller, AlertService alerts,
        CancellationToken ct) =>
        TypedResults.Ok(AlertResponse.From(await alerts.DismissAsync(caller, alertId, body.Justification.Text, ct)));

    public static async Task<Ok<AlertSettingsResponse>> GetSettings([Wire<Vocabulary.AlertType>] string alertType, HttpContext http, CurrentCaller caller, AlertService alerts,
        CancellationToken ct)
    {
        var settings = await alerts.GetSettingsAsync(caller, alertType, ct);
        http.Response.Headers.ETag = ETags.Of(settings.Version);
        return TypedResults.Ok(AlertSettingsResponse.From(settings));
    }

    public static async Task<Ok<AlertSettingsResponse>> PutSettings([Wire<Vocabulary.AlertType>] string alertType, AlertSettingsRequest body,
        [FromHeader(Name = "If-Match"), Wire<Bounds.IfMatch>] string? ifMatch,
        HttpContext http, CurrentCaller caller, AlertService alerts, CancellationToken ct)
    {
        ReadOnlyFields.Check(("alertType", body.AlertType, alertType), ("displayName", body.DisplayName, AlertCatalog.Get(alertType).DisplayName));
        var updated = await alerts.UpdateSettingsAsync(caller, alertType, body.Enabled, body.MaximumCount,
            body.Period?.ToTimeSpan(), ETags.VersionOf(ifMatch), ct);
        http.Response.Headers.ETag = ETags.Of(updated.Version);
        return TypedResults.Ok(AlertSettingsResponse.From(updated));
    }
}
