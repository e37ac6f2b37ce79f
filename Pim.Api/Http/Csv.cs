using System.Globalization;
using System.Text;

namespace Pim.Api.Http;

/// <summary>
/// RFC 4180 CSV, safe to open in a spreadsheet in any locale: every cell quoted, formulas neutralised. Every export
/// (the audit trail, access review results) is written with it, and offered to a request that accepts text/csv.
/// </summary>
public static class Csv
{
    public const string ContentType = "text/csv";
    /// <summary>The most rows one page of an export holds; the next page's token is in <see cref="NextPageTokenHeader"/>.</summary>
    public const int MaximumRows = 10_000;
    public const string NextPageTokenHeader = "Pim-Next-Page-Token";

    /// <summary>Whether the request asks for CSV (Accept: text/csv).</summary>
    public static bool IsAccepted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase));

    /// <summary>The longest export of <paramref name="columns"/> cells of at most <paramref name="maxCell"/> characters: every cell quoted, its quotes doubled, a formula prefix.</summary>
    public static int MaxLength(int columns, int maxCell) => (MaximumRows + 1) * (columns * (2 * (maxCell + 1) + 3) + 2);

    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var csv = new StringBuilder();
        Line(csv, header);
        foreach (var row in rows) Line(csv, row);
        return csv.ToString();
    }

    /// <summary>An instant as exports write it: UTC, milliseconds.</summary>
    public static string? Instant(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

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
