using System.Globalization;
using System.Text;
using Pim.Domain;

namespace Pim.Api.Features.Audit;

/// <summary>RFC 4180 CSV, safe to open in a spreadsheet in any locale: every cell quoted, formulas neutralised.</summary>
public static class AuditCsv
{
    public const string ContentType = "text/csv";

    /// <summary>The longest value of an audit event's field (<see cref="AuditEventResponse"/>), and so the longest export.</summary>
    public const int MaxCell = 2048;
    private const int MaxLine = 17 * (2 * (MaxCell + 1) + 3) + 2; // every cell quoted, its quotes doubled, a formula prefix
    public const int MaxLength = (AuditEndpoints.MaximumCsvRows + 1) * MaxLine;

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
