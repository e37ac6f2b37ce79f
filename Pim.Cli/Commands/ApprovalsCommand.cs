using System.CommandLine;

namespace Pim.Cli.Commands;

/// <summary><c>pim approvals</c>: the requests waiting for my decision.</summary>
public static class ApprovalsCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var command = new Command("approvals", "Requests waiting for your approval.");
        command.SetSessionAction(host, options, async (session, _, ct) =>
        {
            var page = await session.Pim.ListApprovalsAsync(session.Tenant, pageSize: 100, cancellationToken: ct);
            session.Output.Table(page.Items, page,
                ("ID", r => r.Id), ("REQUESTER", r => r.PrincipalId), ("ROLE", r => r.RoleId), ("SCOPE", r => r.Scope), ("DURATION", r => r.Duration),
                ("JUSTIFICATION", r => r.Justification), ("TICKET", r => r.Ticket is { } t ? (t.System is { } s ? $"{s}:{t.Number}" : t.Number) : null),
                ("STAGE", r => r.Approval?.CurrentStage is { } stage ? $"{stage}/{r.Approval.Stages.Count}" : null),
                ("DEADLINE", r => Output.Time(r.ApprovalDeadline)));
            return ExitCodes.Ok;
        });
        return command;
    }
}
