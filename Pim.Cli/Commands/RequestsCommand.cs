using System.CommandLine;
using Pim.Client;

namespace Pim.Cli.Commands;

/// <summary><c>pim requests</c>: my activation requests, newest first (every request, for security administrators and auditors).</summary>
public static class RequestsCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var status = new Option<string?>("--status") { Description = "Only requests in this status (pendingApproval, active, …)." };
        var command = new Command("requests", "My activation requests.") { status };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            ActivationStatus? filter = parse.GetValue(status) is { } s
                ? Enum.GetValues<ActivationStatus>().FirstOrDefault(v => Output.Wire(v) == s) is var v && Output.Wire(v) == s ? v
                    : throw CliException.Usage($"pim: '{s}' is not a status ({string.Join(", ", Enum.GetValues<ActivationStatus>().Select(Output.Wire))}).")
                : null;
            var items = new List<ActivationRequestResponse>();
            string? token = null;
            do
            {
                var page = await session.Pim.ListActivationRequestsAsync(session.Tenant, filter, pageSize: 100, pageToken: token, cancellationToken: ct);
                items.AddRange(page.Items);
                token = page.NextPageToken;
            } while (token is not null);
            session.Output.Table(items, null, [.. Requests.Columns()]);
            return ExitCodes.Ok;
        });
        return command;
    }
}
