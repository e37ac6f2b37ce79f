using System.CommandLine;
using Pim.Client;

namespace Pim.Cli.Commands;

/// <summary><c>pim approve ID --reason …</c> and <c>pim deny ID --reason …</c>: an approver's decision, with its justification.</summary>
public static class DecideCommand
{
    public static Command Create(CliHost host, GlobalOptions options, bool approve)
    {
        var request = new Argument<string>("ID") { Description = "The activation request's id (see `pim approvals`)." };
        var reason = new Option<string>("--reason") { Description = "The justification of your decision.", Required = true };
        var command = new Command(approve ? "approve" : "deny", approve ? "Approve a request waiting for you." : "Deny a request waiting for you.") { request, reason };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            var body = new DecisionRequest { Justification = parse.GetValue(reason)! };
            var id = parse.GetValue(request)!;
            var decided = approve
                ? await session.Pim.ApproveActivationRequestAsync(session.Tenant, id, body, Guid.NewGuid().ToString(), ct)
                : await session.Pim.DenyActivationRequestAsync(session.Tenant, id, body, Guid.NewGuid().ToString(), ct);
            if (session.Output.IsJson) session.Output.WriteJson(decided);
            else session.Output.Writer.WriteLine($"Request {decided.Id} ({decided.PrincipalId}, {decided.RoleId} at {decided.Scope}): {ActivateCommand.Describe(decided)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
