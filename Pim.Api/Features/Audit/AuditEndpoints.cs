using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Pim.Api.Infrastructure;
using Pim.Domain;

namespace Pim.Api.Features.Audit;

public sealed record AuditEventResponse(string Id, DateTimeOffset OccurredAt, string ActorId, string ActorKind, string? ActorTenantId, string Action, string TargetType, string TargetId,
    string? PrincipalId, string? RoleId, string? Scope, string? Justification, string? TicketNumber, string? TicketSystem,
    string? ClientIp, string? UserAgent, string? CorrelationId, string? Details)
{
    public static AuditEventResponse From(AuditEvent e) => new(e.Id.ToString(CultureInfo.InvariantCulture), e.OccurredAt, e.ActorId, e.ActorKind, e.ActorTenantId, e.Action,
        e.TargetType, e.TargetId, e.PrincipalId, e.RoleId, e.Scope, e.Justification, e.TicketNumber, e.TicketSystem, e.ClientIp, e.UserAgent,
        e.CorrelationId, e.Details);
}

/// <summary>Reporting: who did what, when, where from and why. JSON, or CSV with Accept: text/csv.</summary>
public static class AuditEndpoints
{
    public const int MaximumCsvRows = 10_000;
    public const string NextPageTokenHeader = "Pim-Next-Page-Token";

    public static void MapAudit(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/audit-events", List).WithTags("Audit").WithName("ListAuditEvents")
            .WithSummary($"The audit trail, oldest first. With Accept: text/csv, a CSV export of up to {MaximumCsvRows} rows per page (next page token in the {NextPageTokenHeader} header).")
            .Produces(StatusCodes.Status200OK, typeof(string), "text/csv");
    }

    public static async Task<Results<Ok<PageResponse<AuditEventResponse>>, ContentHttpResult>> List(string tenantId, DateTimeOffset? from,
        DateTimeOffset? to, string? principalId, string? roleId, string? action, int? pageSize, string? pageToken, HttpContext http,
        Callers callers, AuditService audit, CancellationToken ct)
    {
        var csv = http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        var size = csv ? pageSize is null ? MaximumCsvRows : Math.Clamp(pageSize.Value, 1, MaximumCsvRows) : PageTokens.Size(pageSize);
        long? after = PageTokens.Decode(pageToken) is { } token
            ? long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
              : throw new PimException(ErrorCodes.InvalidPageToken, "pageToken is not a token this API gave out.")
            : null;
        var query = new AuditQuery(Clock.Accept(from, "from"), Clock.Accept(to, "to"), principalId, roleId, action, after, size);
        var page = await audit.QueryAsync(await callers.ResolveAsync(tenantId, ct), query, ct);
        var response = page.Map(AuditEventResponse.From);
        if (!csv) return TypedResults.Ok(response);
        if (response.NextPageToken is not null) http.Response.Headers[NextPageTokenHeader] = response.NextPageToken;
        return TypedResults.Text(AuditCsv.Write(page.Items), "text/csv; charset=utf-8");
    }
}

/// <summary>RFC 4180 CSV, safe to open in a spreadsheet in any locale: every cell quoted, formulas neutralised.</summary>
public static class AuditCsv
{
    private static readonly string[] Header =
    [
        "id", "occurredAt", "actorId", "actorKind", "actorTenantId", "action", "targetType", "targetId", "principalId", "roleId", "scope",
        "justification", "ticketNumber", "ticketSystem", "clientIp", "userAgent", "correlationId",
    ];

    public static string Write(IEnumerable<AuditEvent> events)
    {
        var csv = new StringBuilder();
        Line(csv, Header);
        foreach (var e in events)
            Line(csv, [e.Id.ToString(CultureInfo.InvariantCulture), e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                e.ActorId, e.ActorKind, e.ActorTenantId, e.Action, e.TargetType, e.TargetId, e.PrincipalId, e.RoleId, e.Scope, e.Justification, e.TicketNumber,
                e.TicketSystem, e.ClientIp, e.UserAgent, e.CorrelationId]);
        return csv.ToString();
    }

    private static void Line(StringBuilder csv, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) csv.Append(',');
            csv.Append(Cell(cells[i]));
        }
        csv.Append("\r\n");
    }

    /// <summary>
    /// Every cell is quoted, so that no list separator (',' or the ';' and tab of other locales) and no line break inside
    /// a value can start a new cell; a value a spreadsheet would run as a formula (it begins, after any blanks, with one of
    /// = + - @, their full-width forms, a tab or a line break) is prefixed with a quote.
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "\"\"";
        var first = value.TrimStart(' ', '\u00A0', '\u3000');
        if (first.Length > 0 && FormulaLeaders.Contains(first[0])) value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }

    private const string FormulaLeaders = "=+-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20";
}
