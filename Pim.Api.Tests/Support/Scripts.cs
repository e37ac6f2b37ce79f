using System.Diagnostics;

namespace Pim.Api.Tests.Support;

/// <summary>The repository's shell scripts the tests drive (scripts/lib/*-cluster.sh): run, awaited, their output returned.</summary>
public static class Scripts
{
    /// <summary>Runs <paramref name="script"/> with bash; its standard output, trimmed, or its standard error in the exception.</summary>
    public static async Task<string> RunAsync(string script, TimeSpan timeout, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(script)} {string.Join(' ', arguments)} failed: {await errors}");
        return (await output).Trim();
    }
}
