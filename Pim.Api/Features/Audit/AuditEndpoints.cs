using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Audit;

/// <summary>Reporting: who did what, when, where from and why. JSON, or CSV with Accept: text/csv.</summary>
public static class AuditEndpoints
{
    public const int MaximumCsvRows = Csv.MaximumRows;
    public const string NextPageTokenHeader = Csv.NextPageTokenHeader;

    public static void MapAudit(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/audit-events", List).WithTags("Audit").WithName("ListAuditEvents")
            .WithSummary($"The audit trail, oldest first. With Accept: text/csv, a CSV export of up to {MaximumCsvRows} rows per page (next page token in the {NextPageTokenHeader} header).")
            .Produces<PageResponse<AuditEventResponse>>(StatusCodes.Status200OK).AlsoAnswersWith(StatusCodes.Status200OK, Csv.ContentType, AuditCsv.MaxLength)
            .AnswersWithHeader(StatusCodes.Status200OK, NextPageTokenHeader, required: false).Validate<AuditListQuery>();
    }

    public static async Task<Results<Ok<PageResponse<AuditEventResponse>>, ContentHttpResult>> List([AsParameters] AuditListQuery query,
        HttpContext http, CurrentCaller caller, AuditService audit, CancellationToken ct)
    {
        var csv = Csv.IsAccepted(http.Request);
        var size = csv ? query.PageSize ?? MaximumCsvRows : PageTokens.Size(query.PageSize);
        var page = await audit.QueryAsync(caller, query.ToQuery(size), ct);
        var response = page.ToResponse(AuditEventResponse.From);
        if (!csv) return TypedResults.Ok(response);
        if (response.NextPageToken is { } next) http.Response.Headers[NextPageTokenHeader] = next.Text;
        return TypedResults.Text(AuditCsv.Write(page.Items), "text/csv; charset=utf-8");
    }
}
