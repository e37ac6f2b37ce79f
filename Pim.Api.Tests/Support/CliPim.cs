using Microsoft.AspNetCore.Hosting;
using Pim.Cli;

namespace Pim.Api.Tests.Support;

/// <summary>
/// Pim on Kestrel on a loopback port (Development, the development issuer on, the fake clock), for the <c>pim</c> command
/// line's tests: one per store, shared by the tests of its collection, each test in a tenant of its own. <see cref="Run"/>
/// runs <c>pim</c> in-process against it, as its <c>Main</c> would, with a configuration directory of the test's own.
/// </summary>
public abstract class CliPim(string provider) : IAsyncLifetime
{
    public PimApp App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What this fixture adds to the test host (nothing: Development, as the other HTTP tests).</summary>
    protected virtual void Configure(IWebHostBuilder builder) { }

    public virtual Task InitializeAsync()
    {
        var kestrel = new KestrelHosting(KestrelHosting.FreePort(), Configure);
        BaseAddress = kestrel.BaseAddress;
        App = PimApp.OnKestrel(provider, kestrel);
        App.StartServer();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>A terminal of its own: a fresh configuration directory (profiles), PIM_URL set to this Pim.</summary>
    public CliSession Terminal() => new(App, BaseAddress);
}

/// <summary>One user's terminal: its environment variables and configuration directory, and the commands it ran.</summary>
public sealed class CliSession(PimApp app, Uri url) : IDisposable
{
    public string ConfigHome { get; } = Directory.CreateTempSubdirectory("pim-cli-").FullName;
    public Dictionary<string, string?> Variables { get; } = new() { ["PIM_URL"] = url.ToString() };

    /// <summary>How the device sign-in waits between polls (the test plays the user there); by default it does not wait.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (_, _) => Task.CompletedTask;

    public string ProfilePath(string name = "default") => Path.Combine(ConfigHome, "pim", "profiles", name + ".json");

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(new StringWriter(), args);

    /// <summary>Runs <c>pim</c> with <paramref name="args"/>, its standard output going to <paramref name="output"/>.</summary>
    public async Task<CliResult> RunAsync(StringWriter output, params string[] args)
    {
        var error = new StringWriter();
        var host = new CliHost
        {
            Out = TextWriter.Synchronized(output), Error = error, Time = app.Time, Delay = Delay,
            Variable = name => name == "XDG_CONFIG_HOME" ? ConfigHome : Variables.GetValueOrDefault(name),
        };
        var exit = await PimCommandLine.RunAsync(args, host);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(ConfigHome, recursive: true); } catch (IOException) { }
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>A writer that tells when a line containing some text has been written (a command that waits has got that far).</summary>
public sealed class WatchedWriter(string awaited) : StringWriter
{
    private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> Seen => _seen.Task;

    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        if (value is not null && value.Contains(awaited, StringComparison.Ordinal)) _seen.TrySetResult(value);
    }
}

/// <summary>
/// Pim as deployed (outside Development, no development issuer), trusting the tests' OpenID Provider
/// (<see cref="OidcProvider"/>, Pim:Auth:Authority), which the command line's device sign-in finds through Pim.
/// </summary>
public abstract class DeviceSignInPim(string provider) : CliPim(provider)
{
    public OidcProvider Provider { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Provider = await OidcProvider.StartAsync();
        await base.InitializeAsync();
        Provider.Now = App.Time.GetUtcNow;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Staging");
        builder.UseSetting("Pim:Auth:DevIssuer:Enabled", "false");
        builder.UseSetting("Pim:Auth:Authority", Provider.Issuer.ToString());
        builder.UseSetting("Pim:Auth:RequireHttpsMetadata", "false");
    }
}

public sealed class SqliteDeviceSignInPim() : DeviceSignInPim("sqlite");

public sealed class PostgresDeviceSignInPim() : DeviceSignInPim("postgres");

[CollectionDefinition(Name)]
public sealed class SqliteDeviceSignInCollection : ICollectionFixture<SqliteDeviceSignInPim>
{
    public const string Name = "cli-device-sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresDeviceSignInCollection : ICollectionFixture<PostgresDeviceSignInPim>
{
    public const string Name = "cli-device-postgres";
}

public sealed class SqliteCliPim() : CliPim("sqlite");

public sealed class PostgresCliPim() : CliPim("postgres");

[CollectionDefinition(Name)]
public sealed class SqliteCliCollection : ICollectionFixture<SqliteCliPim>
{
    public const string Name = "cli-sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresCliCollection : ICollectionFixture<PostgresCliPim>
{
    public const string Name = "cli-postgres";
}

/// <summary>The built <c>pim</c> (<c>dotnet Pim.Cli.dll</c>, the dotnet tool's entry point) as a process of its own.</summary>
public static class PimToolProcess
{
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var directory = AppContext.BaseDirectory.Replace("Pim.Api.Tests", "Pim.Cli", StringComparison.Ordinal);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(directory, "Pim.Cli.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var name in new[] { "PIM_URL", "PIM_TENANT", "PIM_TOKEN", "PIM_PROFILE" }) start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }
}
