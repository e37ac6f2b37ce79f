using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Pim.Api.Tests.Support;

/// <summary>
/// The built Pim.Api.dll as its own process (Development, dev issuer on) on a store the test names: for what only a
/// real process shows — a crash (SIGKILL) and a restart on the same store.
/// </summary>
public sealed partial class PimProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private PimProcess(Process process, Uri baseAddress, StringBuilder output)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The operating system's id of the process (its change feed's application_name carries it).</summary>
    public int ProcessId => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>A store for processes: a fresh SQLite file or Postgres database, and how to drop it.</summary>
    public static async Task<(string Connection, Func<Task> Drop)> FreshStoreAsync(string provider, string directory)
    {
        if (provider == "sqlite") return ($"Data Source={Path.Combine(directory, "pim.db")}", () => Task.CompletedTask);
        var database = "pim_proc_" + Guid.NewGuid().ToString("N")[..10];
        await using (var connection = new NpgsqlConnection(PostgresApp.Maintenance))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", connection).ExecuteNonQueryAsync();
        }
        return (new NpgsqlConnectionStringBuilder(PostgresApp.Maintenance) { Database = database }.ToString(), async () =>
        {
            await using var connection = new NpgsqlConnection(PostgresApp.Maintenance);
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection).ExecuteNonQueryAsync();
        });
    }

    public static async Task<PimProcess> StartAsync(string provider, string connectionString, string dataDirectory,
        params (string Name, string Value)[] environment)
    {
        var apiDirectory = AppContext.BaseDirectory.Replace("Pim.Api.Tests", "Pim.Api", StringComparison.Ordinal);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(apiDirectory, "Pim.Api.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Pim__Store__Provider"] = provider;
        start.Environment["ConnectionStrings__Pim"] = connectionString;
        start.Environment["Pim__DataDirectory"] = dataDirectory;
        start.Environment["Pim__Email__PickupDirectory"] = Path.Combine(dataDirectory, "mail");
        start.Environment["Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in environment) start.Environment[name] = value;

        var process = new Process { StartInfo = start };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        void Read(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            if (ListeningOn().Match(line) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        }
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"Pim did not start:\n{output}");
        }
        var pim = new PimProcess(process, await listening.Task, output);
        using var http = pim.Http();
        for (var i = 0; i < 120 && !(await Ready(http)); i++) await Task.Delay(250);
        return pim;
    }

    private static async Task<bool> Ready(HttpClient http)
    {
        try { return (await http.GetAsync("/health/ready")).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
    }

    public HttpClient Http() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A client with a token from this process's development issuer.</summary>
    public async Task<HttpClient> ClientAsync(string subject, string? tenantId, bool mfa = true, params string[] scopes)
    {
        var http = Http();
        var token = await (await http.PostAsJsonAsync("/dev/token", new { subject, tenantId, mfa, scopes })).Content.ReadFromJsonAsync<TokenAnswer>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token!.AccessToken);
        return http;
    }

    private sealed record TokenAnswer(string AccessToken);

    /// <summary>SIGTERM, as an orchestrator stops a container: Pim shuts down gracefully.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: no shutdown, no flush, transactions in flight die with the process.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
