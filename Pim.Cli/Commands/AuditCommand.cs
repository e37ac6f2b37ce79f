using System.CommandLine;
using Pim.Client;

namespace Pim.Cli.Commands;

/// <summary>
/// <c>pim audit --since 24h [--csv]</c>: the audit trail since then — a table, <c>-o json</c>, or Pim's own CSV export
/// (injection-safe cells, every page of it).
/// </summary>
public static class AuditCommand
{
    public const string NextPageTokenHeader = "Pim-Next-Page-Token";

    public static Command Create(CliHost host, GlobalOptions options)
    {
        var since = new Option<string>("--since") { Description = "From when: an age (24h, 7d) or a time (ISO 8601).", Required = true };
        var principal = new Option<string?>("--principal") { Description = "Only events about this principal." };
        var role = new Option<string?>("--role") { Description = "Only events about this role." };
        var csv = new Option<bool>("--csv") { Description = "Pim's CSV export instead of a table." };
        var command = new Command("audit", "The audit trail: who did what, when, where from and why.") { since, principal, role, csv };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            var from = Values.Time(parse.GetValue(since)!, host.Time.GetUtcNow());
            if (parse.GetValue(csv)) return await CsvAsync(session, from, parse.GetValue(principal), parse.GetValue(role), ct);
            var events = new List<AuditEventResponse>();
            string? token = null;
            do
            {
                var page = await session.Pim.ListAuditEventsAsync(session.Tenant, from, principalId: parse.GetValue(principal), roleId: parse.GetValue(role),
                    pageSize: 100, pageToken: token, cancellationToken: ct);
                events.AddRange(page.Items);
                token = page.NextPageToken;
            } while (token is not null);
            session.Output.Table(events, null,
                ("TIME", e => Output.Time(e.OccurredAt)), ("ACTOR", e => e.ActorId), ("ACTION", e => Output.Wire(e.Action)), ("PRINCIPAL", e => e.PrincipalId),
                ("ROLE", e => e.RoleId), ("SCOPE", e => e.Scope), ("JUSTIFICATION", e => e.Justification),
                ("TICKET", e => e.TicketNumber is { } n ? (e.TicketSystem is { } s ? $"{s}:{n}" : n) : null), ("CLIENT IP", e => e.ClientIp));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> CsvAsync(Session session, DateTimeOffset from, string? principal, string? role, CancellationToken ct)
    {
        string? token = null;
        var first = true;
        do
        {
            var query = $"v1/tenants/{Uri.EscapeDataString(session.Tenant)}/audit-events?from={Uri.EscapeDataString(Output.Iso(from))}" +
                (principal is null ? "" : "&principalId=" + Uri.EscapeDataString(principal)) + (role is null ? "" : "&roleId=" + Uri.EscapeDataString(role)) +
                (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token));
            using var request = new HttpRequestMessage(HttpMethod.Get, query);
            request.Headers.Accept.ParseAdd("text/csv");
            using var response = await session.Http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new ApiException("The audit export was refused.", (int)response.StatusCode, text, new Dictionary<string, IEnumerable<string>>(), null);
            // Every page starts with the header row: print it once.
            session.Output.Writer.Write(first ? text : text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..]);
            first = false;
            token = response.Headers.TryGetValues(NextPageTokenHeader, out var values) ? values.FirstOrDefault() : null;
        } while (!string.IsNullOrEmpty(token));
        return ExitCodes.Ok;
    }
}
