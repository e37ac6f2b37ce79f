namespace Pim.Cli;

/// <summary>
/// Everything <c>pim</c> takes from the world it runs in — its output streams, its environment, the network, the clock
/// and how it waits — so that a test runs the same commands in-process against a real Pim with writers, variables and a
/// configuration directory of its own.
/// </summary>
public sealed class CliHost
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }

    /// <summary>An environment variable (<c>PIM_URL</c>, <c>PIM_TENANT</c>, <c>PIM_TOKEN</c>, <c>PIM_PROFILE</c>, <c>XDG_CONFIG_HOME</c>, <c>HOME</c>).</summary>
    public required Func<string, string?> Variable { get; init; }

    /// <summary>The handler every request goes through (to Pim and to the identity provider).</summary>
    public Func<HttpMessageHandler> Handler { get; init; } = () => new SocketsHttpHandler();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How the device sign-in waits between polls of the identity provider.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = (wait, ct) => Task.Delay(wait, ct);

    /// <summary>Where profiles and their tokens are kept: <c>$XDG_CONFIG_HOME/pim</c>, else <c>~/.config/pim</c>.</summary>
    public string ConfigDirectory => Variable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
        ? Path.Combine(xdg, "pim")
        : Path.Combine(Variable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "pim");

    public static CliHost FromProcess() => new() { Out = Console.Out, Error = Console.Error, Variable = Environment.GetEnvironmentVariable };

    public HttpClient Http(Uri? baseAddress = null)
    {
        var http = new HttpClient(Handler(), disposeHandler: true) { Timeout = TimeSpan.FromMinutes(6) };
        if (baseAddress is not null) http.BaseAddress = baseAddress;
        http.DefaultRequestHeaders.UserAgent.ParseAdd("pim-cli/1.0");
        return http;
    }
}
