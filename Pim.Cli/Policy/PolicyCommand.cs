using System.CommandLine;

namespace Pim.Cli.Policy;

/// <summary><c>pim policy export | plan | apply</c>: the tenant's access policy as a YAML file, kept in Git and applied by a pipeline.</summary>
public static class PolicyCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var command = new Command("policy", "Access policy as code: export it as YAML, plan and apply changes.");
        _ = host;
        _ = options;
        return command;
    }
}
