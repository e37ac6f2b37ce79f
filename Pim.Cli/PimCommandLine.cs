using System.CommandLine;
using Pim.Cli.Commands;
using Pim.Cli.Policy;
using Pim.Client;

namespace Pim.Cli;

/// <summary>
/// The <c>pim</c> command tree, one command per file under <c>Commands/</c> and <c>Policy/</c>. <see cref="RunAsync"/> is
/// the whole program: the process's <c>Main</c> calls it with the real console, tests with their own <see cref="CliHost"/>.
/// </summary>
public static class PimCommandLine
{
    public static RootCommand Build(CliHost host)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("pim: just-in-time privileged access from the terminal, and access policy as code.");
        options.AddTo(root);
        root.Add(LoginCommand.Create(host, options));
        root.Add(LogoutCommand.Create(host, options));
        root.Add(RolesCommand.Create(host, options));
        root.Add(ActivateCommand.Create(host, options));
        root.Add(ExtendCommand.Create(host, options));
        root.Add(DeactivateCommand.Create(host, options));
        root.Add(RequestsCommand.Create(host, options));
        root.Add(ApprovalsCommand.Create(host, options));
        root.Add(DecideCommand.Create(host, options, approve: true));
        root.Add(DecideCommand.Create(host, options, approve: false));
        root.Add(HasCommand.Create(host, options));
        root.Add(AuditCommand.Create(host, options));
        root.Add(PolicyCommand.Create(host, options));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken ct = default)
    {
        var parse = Build(host).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) host.Error.WriteLine($"pim: {error.Message}");
            host.Error.WriteLine("pim: see `pim --help`.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error }, ct);
    }

    /// <summary>Runs a command's body, turning what goes wrong into a message and its exit code.</summary>
    public static async Task<int> GuardAsync(CliHost host, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliException e)
        {
            host.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
        catch (ApiException e)
        {
            return Refusals.Print(host, e);
        }
        catch (HttpRequestException e)
        {
            host.Error.WriteLine($"pim: cannot reach {e.Message}");
            return ExitCodes.Refused;
        }
    }

    /// <summary>Sets a command's action to run with a <see cref="Session"/> (Pim, tenant, token) under <see cref="GuardAsync"/>.</summary>
    public static void SetSessionAction(this Command command, CliHost host, GlobalOptions options, Func<Session, ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, ct) => GuardAsync(host, async () =>
        {
            using var session = Session.Open(host, options, parse);
            return await action(session, parse, ct);
        }));
}
