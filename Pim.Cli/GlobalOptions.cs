using System.CommandLine;

namespace Pim.Cli;

/// <summary>The options every command takes (recursive on the root): which profile, which Pim, which tenant, which token, which output.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Profile { get; } = new("--profile") { Description = "The profile to use (default: $PIM_PROFILE, else 'default').", Recursive = true };
    public Option<string?> Url { get; } = new("--url") { Description = "Pim's base URL (default: $PIM_URL, else the profile's).", Recursive = true };
    public Option<string?> Tenant { get; } = new("--tenant") { Description = "The tenant (default: $PIM_TENANT, else the profile's).", Recursive = true };
    public Option<FileInfo?> TokenFile { get; } = new("--token-file") { Description = "Read the access token from this file (pipelines); default: $PIM_TOKEN, else the profile's.", Recursive = true };
    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "table (for people, the default) or json (for scripts).", Recursive = true, DefaultValueFactory = _ => "table",
    };

    public GlobalOptions() => Output.AcceptOnlyFromAmong("table", "json");

    public void AddTo(RootCommand root)
    {
        root.Add(Profile);
        root.Add(Url);
        root.Add(Tenant);
        root.Add(TokenFile);
        root.Add(Output);
    }
}
