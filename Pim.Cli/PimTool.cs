namespace Pim.Cli;

/// <summary>The <c>pim</c> process: the real console, environment and network, handed to <see cref="PimCommandLine"/>.</summary>
public static class PimTool
{
    public static Task<int> Main(string[] args) => PimCommandLine.RunAsync(args, CliHost.FromProcess());
}
