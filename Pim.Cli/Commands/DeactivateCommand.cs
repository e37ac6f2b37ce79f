using System.CommandLine;

namespace Pim.Cli.Commands;

/// <summary><c>pim deactivate ID|ROLE</c>: ends my activation now (or cancels a request still waiting).</summary>
public static class DeactivateCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var request = new Argument<string>("REQUEST") { Description = "The activation request's id, or the role of your active activation." };
        var command = new Command("deactivate", "End an activation now.") { request };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            var id = await Requests.ResolveAsync(session, parse.GetValue(request)!, ct);
            var ended = await session.Pim.DeactivateActivationRequestAsync(session.Tenant, id, Guid.NewGuid().ToString(), ct);
            if (session.Output.IsJson) session.Output.WriteJson(ended);
            else session.Output.Writer.WriteLine($"Request {ended.Id}: {ActivateCommand.Describe(ended)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
