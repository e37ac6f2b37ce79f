using System.CommandLine;
using Pim.Client;

namespace Pim.Cli.Commands;

/// <summary><c>pim roles</c>: my eligible and active roles by scope, their status and what activating each requires.</summary>
public static class RolesCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var command = new Command("roles", "My eligible and active roles, their status and what activating each requires.");
        command.SetSessionAction(host, options, async (session, _, ct) =>
        {
            var roles = await session.Pim.ListMyRolesAsync(session.Tenant, ct);
            session.Output.Table(roles.Items, roles,
                ("ROLE", r => r.RoleId), ("SCOPE", r => r.Scope), ("ASSIGNMENT", r => Output.Wire(r.AssignmentType) + (r.ViaGroupId is { } g ? $" via {g}" : "")),
                ("STATUS", r => Output.Wire(r.Status)), ("VALID UNTIL", r => Output.Time(r.ValidUntil)), ("REQUIRES", r => Requirements(r.Requirements)));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What activating asks for: MFA, justification, ticket, approval, and the longest it may last.</summary>
    public static string Requirements(ActivationSettings settings)
    {
        var needs = new List<string>();
        if (settings.RequireMfa) needs.Add("MFA");
        if (settings.RequireJustification) needs.Add("justification");
        if (settings.RequireTicket) needs.Add("ticket");
        if (settings.RequireApproval == true || settings.Approval?.Stages is { Count: > 0 }) needs.Add("approval");
        needs.Add("max " + settings.MaximumDuration);
        return string.Join(", ", needs);
    }
}
