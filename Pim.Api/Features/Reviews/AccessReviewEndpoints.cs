using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Reviews;

/// <summary>Access reviews: definitions, their instances, reviewers' items and decisions, results (JSON or CSV), and applying them.</summary>
public static class AccessReviewEndpoints
{
    public static void MapAccessReviews(this RouteGroupBuilder tenant)
    {
        var reviews = tenant.MapGroup("/access-reviews").WithTags("Access reviews");
        reviews.MapPost("", Create).WithName("CreateAccessReview")
            .WithSummary("Define an access review of role assignments at a scope; its first instance starts at the next sweep, later ones on its recurrence.")
            .Validate<AccessReviewRequest>();
        reviews.MapGet("", List).WithName("ListAccessReviews").WithSummary("The tenant's access reviews.");
        reviews.MapGet("/{reviewId:id}", Get).WithName("GetAccessReview").WithSummary("One access review.");
        reviews.MapGet("/{reviewId:id}/instances", ListInstances).WithName("ListAccessReviewInstances")
            .WithSummary("A review's instances, newest first, each with where it stands and how far its items are.");
        reviews.MapGet("/{reviewId:id}/instances/{instanceId:id}", GetInstance).WithName("GetAccessReviewInstance").WithSummary("One instance.");
        reviews.MapGet("/{reviewId:id}/instances/{instanceId:id}/items", ListItems).WithName("ListAccessReviewItems")
            .WithSummary("The items the caller reviews in the instance (never its own assignments, unless it is a self-review), each with Pim's recommendation and why.");
        reviews.MapPost("/{reviewId:id}/instances/{instanceId:id}/items/{itemId:id}/decision", Decide).WithName("DecideAccessReviewItem")
            .WithSummary("Keep or remove: a reviewer decides an item once, while the instance is in progress.").Validate<AccessReviewDecisionRequest>();
        reviews.MapGet("/{reviewId:id}/instances/{instanceId:id}/results", Results).WithName("ListAccessReviewResults")
            .WithSummary($"Every item of the instance with its decision. With Accept: text/csv, a CSV export of up to {Csv.MaximumRows} rows per page " +
                         $"(next page token in the {Csv.NextPageTokenHeader} header).")
            .Produces<PageResponse<AccessReviewItemResponse>>(StatusCodes.Status200OK)
            .AlsoAnswersWith(StatusCodes.Status200OK, Csv.ContentType, AccessReviewCsv.MaxLength)
            .AnswersWithHeader(StatusCodes.Status200OK, Csv.NextPageTokenHeader, required: false);
        reviews.MapPost("/{reviewId:id}/instances/{instanceId:id}/apply", Apply).WithName("ApplyAccessReviewInstance")
            .WithSummary("Apply an ended instance's results: undecided items take the default, and each removal goes through the normal removal path.");
        reviews.MapPost("/{reviewId:id}/instances/{instanceId:id}/stop", Stop).WithName("StopAccessReviewInstance")
            .WithSummary("Stop an instance in progress before its end: reviewers can decide no more, undecided items take the default, and the results are " +
                         "applied as after a normal end (at once with autoApply). An ended instance cannot be stopped (409).");
    }

    public static async Task<Created<AccessReviewResponse>> Create(AccessReviewRequest body, CurrentCaller caller, AccessReviewService reviews,
        CancellationToken ct)
    {
        var review = await reviews.CreateAsync(caller, body.ToDomain(), ct);
        return TypedResults.Created($"/v1/tenants/{review.TenantId}/access-reviews/{review.Id}", AccessReviewResponse.From(review));
    }

    public static async Task<Ok<PageResponse<AccessReviewResponse>>> List([AsParameters] PageQuery page, CurrentCaller caller, AccessReviewService reviews,
        CancellationToken ct) =>
        TypedResults.Ok((await reviews.ListAsync(caller, page.After, page.Size, ct)).ToResponse(AccessReviewResponse.From));

    public static async Task<Ok<AccessReviewResponse>> Get(string reviewId, CurrentCaller caller, AccessReviewService reviews, CancellationToken ct) =>
        TypedResults.Ok(AccessReviewResponse.From(await reviews.GetAsync(caller, reviewId, ct)));

    public static async Task<Ok<PageResponse<AccessReviewInstanceResponse>>> ListInstances(string reviewId, [AsParameters] PageQuery page, CurrentCaller caller,
        AccessReviewService reviews, CancellationToken ct) =>
        TypedResults.Ok((await reviews.ListInstancesAsync(caller, reviewId, page.After, page.Size, ct)).ToResponse(AccessReviewInstanceResponse.From));

    public static async Task<Ok<AccessReviewInstanceResponse>> GetInstance(string reviewId, string instanceId, CurrentCaller caller, AccessReviewService reviews,
        CancellationToken ct) =>
        TypedResults.Ok(AccessReviewInstanceResponse.From(await reviews.GetInstanceAsync(caller, reviewId, instanceId, ct)));

    public static async Task<Ok<PageResponse<AccessReviewItemResponse>>> ListItems(string reviewId, string instanceId, [AsParameters] PageQuery page,
        CurrentCaller caller, AccessReviewService reviews, CancellationToken ct) =>
        TypedResults.Ok((await reviews.ReviewerItemsAsync(caller, reviewId, instanceId, page.After, page.Size, ct)).ToResponse(AccessReviewItemResponse.From));

    public static async Task<Ok<AccessReviewItemResponse>> Decide(string reviewId, string instanceId, string itemId, AccessReviewDecisionRequest body,
        CurrentCaller caller, AccessReviewService reviews, CancellationToken ct) =>
        TypedResults.Ok(AccessReviewItemResponse.From(await reviews.DecideAsync(caller, reviewId, instanceId, itemId,
            AccessReviewDecisions.ParseDecision(body.Decision)!.Value, body.Justification?.Text, ct)));

    public static async Task<Results<Ok<PageResponse<AccessReviewItemResponse>>, ContentHttpResult>> Results(string reviewId, string instanceId,
        [AsParameters] AccessReviewResultsQuery query, HttpContext http, CurrentCaller caller, AccessReviewService reviews, CancellationToken ct)
    {
        var csv = Csv.IsAccepted(http.Request);
        var size = csv ? query.PageSize ?? Csv.MaximumRows : PageTokens.Size(query.PageSize);
        var page = (await reviews.ResultsAsync(caller, reviewId, instanceId, PageTokens.Decode(query.PageToken), size, ct)).ToResponse(AccessReviewItemResponse.From);
        if (!csv) return TypedResults.Ok(page);
        if (page.NextPageToken is { } next) http.Response.Headers[Csv.NextPageTokenHeader] = next.Text;
        return TypedResults.Text(AccessReviewCsv.Write(page.Items), "text/csv; charset=utf-8");
    }

    public static async Task<Ok<AccessReviewInstanceResponse>> Apply(string reviewId, string instanceId, CurrentCaller caller, AccessReviewService reviews,
        CancellationToken ct) =>
        TypedResults.Ok(AccessReviewInstanceResponse.From(await reviews.ApplyAsync(caller, reviewId, instanceId, ct)));

    public static async Task<Ok<AccessReviewInstanceResponse>> Stop(string reviewId, string instanceId, CurrentCaller caller, AccessReviewService reviews,
        CancellationToken ct) =>
        TypedResults.Ok(AccessReviewInstanceResponse.From(await reviews.StopAsync(caller, reviewId, instanceId, ct)));
}
