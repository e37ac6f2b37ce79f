using Pim.Api.Features.Audit;
using Pim.Domain;

namespace Pim.Api.Tests.Domain;

public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Cells_are_quoted_per_RFC_4180_and_formulas_neutralised(string? value, string expected) =>
        Assert.Equal(expected, AuditCsv.Cell(value));

    [Fact]
    public void The_export_has_a_header_row_and_CRLF_lines()
    {
        var csv = AuditCsv.Write([new AuditEvent
        {
            Id = 7, TenantId = "t", OccurredAt = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), ActorId = "bob",
            Action = "activation.requested", TargetType = "activationRequest", TargetId = "r1", Justification = "=1+1",
            TicketNumber = "CHG-1", TicketSystem = "SN", ClientIp = "203.0.113.9",
        }]);
        var lines = csv.Split("\r\n");
        Assert.StartsWith("id,occurredAt,actorId,action,", lines[0]);
        Assert.Equal("7,2026-11-26T09:00:00.000Z,bob,activation.requested,activationRequest,r1,,,,'=1+1,CHG-1,SN,203.0.113.9,,", lines[1]);
        Assert.Equal("", lines[2]);
    }
}
