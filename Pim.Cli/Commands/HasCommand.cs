using System.CommandLine;
using Pim.Client;

namespace Pim.Cli.Commands;

/// <summary>
/// <c>pim has PRINCIPAL ROLE [--scope S]</c>: whether the principal holds the role now — exit 0 when it does, 1 when it
/// does not — for scripts (the caller is the principal itself, an operator, or a service with <c>pim.evaluate</c>).
/// </summary>
public static class HasCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var principal = new Argument<string>("PRINCIPAL") { Description = "Who." };
        var role = new Argument<string>("ROLE") { Description = "Which role." };
        var scope = new Option<string?>("--scope") { Description = "Where (default: the tenant, '/')." };
        var command = new Command("has", "Whether a principal holds a role now (exit 0: yes, 1: no).") { principal, role, scope };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            var answer = await session.Pim.EvaluateAccessAsync(session.Tenant,
                new EvaluationRequest { PrincipalId = parse.GetValue(principal)!, RoleId = parse.GetValue(role)!, Scope = parse.GetValue(scope) }, ct);
            var held = answer.Decision == EvaluationDecision.Allow;
            if (session.Output.IsJson) session.Output.WriteJson(answer);
            else if (held) session.Output.Writer.WriteLine($"{answer.PrincipalId} holds {answer.RoleId} at {answer.Scope}{(answer.ValidUntil is { } until ? " until " + Output.Time(until) : "")}.");
            else session.Output.Writer.WriteLine($"{answer.PrincipalId} does not hold {answer.RoleId} at {answer.Scope}{(answer.Reason is { } reason ? $" ({Output.Wire(reason)})" : "")}.");
            return held ? ExitCodes.Ok : ExitCodes.Refused;
        });
        return command;
    }
}
