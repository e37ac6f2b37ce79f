using System.Net;
using System.Text;
using Pim.Api.Features.Audit;
using Pim.Api.Http;
using Pim.Api.Tests.Support;
using Pim.Domain;

namespace Pim.Api.Tests.Security;

/// <summary>
/// Trust boundary: exports are injection-safe in every locale. Whatever a requester writes into a justification or a
/// ticket, the audit CSV opens in a spreadsheet as text — with ',' (English), ';' (most of Europe) or tab as the list
/// separator — never as a formula and never split into more cells.
/// </summary>
public sealed class CsvInjectionTests
{
    public static readonly string[] Hostile =
    [
        "patching;=cmd|' /C calc'!A0;@SUM(1+1)",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1", "\n=1+1", "  =1+1", "\u00A0=1+1",
        "\uFF1D1+1", "\uFF0B1", "\uFF0D1", "\uFF20SUM(1)", "ServiceNow\t=1+1", "a,b", "say \"hi\"", "two\nlines", "x;y",
    ];

    public static TheoryData<string> HostileValues => new(Hostile);

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void A_hostile_value_is_one_quoted_text_cell(string value)
    {
        var cell = Csv.Cell(value);
        Assert.StartsWith("\"", cell);
        Assert.EndsWith("\"", cell);
        var text = Unquote(cell);
        Assert.False(StartsAsFormula(text), $"{value} → {cell}");
        Assert.EndsWith(value, text); // nothing lost but the neutralising quote
    }

    [Fact]
    public void Empty_cells_are_quoted_too() => Assert.Equal("\"\"", Csv.Cell(null));

    [Fact]
    public void An_exported_line_stays_one_row_of_text_cells_in_every_locale()
    {
        var events = Hostile.Select((value, i) => new AuditEvent
        {
            Id = i, TenantId = "t", OccurredAt = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), ActorId = value,
            Action = "activation.requested", TargetType = "activationRequest", TargetId = "r1", Justification = value,
            TicketNumber = value, TicketSystem = value, UserAgent = value,
        });
        var csv = AuditCsv.Write(events);
        var rows = Parse(csv, ',');
        Assert.Equal(Hostile.Length + 1, rows.Count);
        Assert.All(rows, row => Assert.Equal(rows[0].Count, row.Count));
        Assert.All(rows.Skip(1).SelectMany(r => r), cell => Assert.False(StartsAsFormula(cell), cell));
        // With ';' or tab as the list separator, no separator appears outside a quoted cell: nothing splits.
        foreach (var separator in new[] { ';', '\t' })
            Assert.All(Parse(csv, separator), row => Assert.Single(row));
    }

    public static bool StartsAsFormula(string cell)
    {
        var first = cell.TrimStart(' ', '\u00A0');
        return first.Length > 0 && "=+-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20".Contains(first[0]);
    }

    private static string Unquote(string cell) => cell[1..^1].Replace("\"\"", "\"");

    /// <summary>An RFC 4180 reader with a chosen separator, as a spreadsheet of that locale reads the file.</summary>
    public static List<List<string>> Parse(string csv, char separator)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == separator) { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add(row); row = []; i++; }
            else cell.Append(c);
        }
        return rows;
    }
}

[Collection(SqliteCollection.Second)]
public sealed class CsvExportTests(SqliteApp app)
{
    [Fact]
    public async Task A_justification_and_ticket_written_to_inject_are_exported_as_text()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        const string justification = "patching;=cmd|' /C calc'!A0;@SUM(1+1)";
        await s.ActivateAsync(s.Bob, justification: justification, ticket: new { number = "CHG-1", system = "ServiceNow\t=1+1" })
            .ExpectAsync(HttpStatusCode.Created);
        using var export = await s.Alice.SendAsync(new HttpRequestMessage(HttpMethod.Get, s.Path("/audit-events?action=activation.requested"))
        {
            Headers = { { "Accept", "text/csv" } },
        });
        var csv = await export.Content.ReadAsStringAsync();
        Assert.Contains("\"patching;=cmd|' /C calc'!A0;@SUM(1+1)\"", csv);
        Assert.Contains("\"ServiceNow\t=1+1\"", csv);
        Assert.DoesNotContain(",patching", csv);
    }
}
