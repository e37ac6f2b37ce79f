using System.CommandLine;
using Pim.Client;

namespace Pim.Cli.Commands;

/// <summary><c>pim extend ID|ROLE --duration …</c>: lengthens my active activation (with approval required, the extension waits for an approver).</summary>
public static class ExtendCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var request = new Argument<string>("REQUEST") { Description = "The activation request's id, or the role of your active activation." };
        var duration = new Option<string>("--duration") { Description = "How much longer: 30m, 1h, or PT1H.", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why." };
        var command = new Command("extend", "Lengthen an active activation.") { request, duration, reason };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            var id = await Requests.ResolveAsync(session, parse.GetValue(request)!, ct);
            var extended = await session.Pim.ExtendActivationRequestAsync(session.Tenant, id,
                new ExtendRequest { Duration = Values.Duration(parse.GetValue(duration)!), Justification = parse.GetValue(reason) }, Guid.NewGuid().ToString(), ct);
            if (session.Output.IsJson) session.Output.WriteJson(extended);
            else if (extended.Extension is { } extension)
                session.Output.Writer.WriteLine($"Request {extended.Id}: extension of {extension.Duration} waits for approval (until {Output.Time(extension.Deadline)}); access valid until {Output.Time(extended.EndsAt)}.");
            else session.Output.Writer.WriteLine($"Access valid until {Output.Time(extended.EndsAt)} (request {extended.Id}).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
