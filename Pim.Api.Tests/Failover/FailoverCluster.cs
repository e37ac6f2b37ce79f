using System.Diagnostics;
using Npgsql;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Failover;

/// <summary>
/// The failover drill's pg_auto_failover formation (scripts/lib/failover-cluster.sh): a monitor and two data nodes, node1
/// and node2, with synchronous replication on loopback ports, run as the postgres user. Destroyed (every process killed,
/// its directory deleted) when disposed.
/// </summary>
public sealed class FailoverCluster : IAsyncDisposable
{
    private static readonly string Script = Path.Combine(Http.ContractTests.RepositoryRoot(), "scripts", "lib", "failover-cluster.sh");

    private FailoverCluster(string directory, int[] ports) => (Directory, Ports) = (directory, ports);

    public string Directory { get; }

    /// <summary>The ports of node1 and node2, in that order.</summary>
    public int[] Ports { get; }

    /// <summary>What Pim is given: both nodes, and only the primary will do (README, "Running highly available").</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1:{Ports[0]},127.0.0.1:{Ports[1]};Username=postgres;Database=postgres;Target Session Attributes=primary";

    /// <summary>A connection to one node (1 or 2) alone, outside any pool: the drill's own view of it.</summary>
    public string Node(int node) =>
        $"Host=127.0.0.1;Port={Ports[node - 1]};Username=postgres;Database=postgres;Pooling=false;Timeout=10;Command Timeout=30";

    /// <summary>Starts the monitor and node1, a single primary (node2 joins with <see cref="AddStandbyAsync"/>).</summary>
    public static async Task<FailoverCluster> StartAsync()
    {
        var answer = (await RunAsync("start")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new FailoverCluster(answer[0], [int.Parse(answer[2], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(answer[3], System.Globalization.CultureInfo.InvariantCulture)]);
    }

    /// <summary>node2 joins as node1's synchronous standby.</summary>
    public Task AddStandbyAsync() => RunAsync("standby", Directory);

    /// <summary>SIGKILL of the node's keeper and postmaster (and the postmaster's children), all at once.</summary>
    public Task KillAsync(int node) => RunAsync("kill", Directory, $"node{node}");

    /// <summary>Runs the node's keeper again: it rejoins as a standby of the current primary (pg_rewind if need be).</summary>
    public Task RejoinAsync(int node) => RunAsync("rejoin", Directory, $"node{node}");

    /// <summary>Waits until the monitor says <paramref name="primary"/> is the primary and the other node its secondary.</summary>
    public async Task WaitForPrimaryAsync(int primary, TimeSpan within)
    {
        var wanted = primary == 1 ? "node1 primary primary|node2 secondary secondary" : "node1 secondary secondary|node2 primary primary";
        var clock = Stopwatch.StartNew();
        var states = "";
        while (clock.Elapsed < within)
        {
            states = string.Join('|', (await RunAsync("state", Directory)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ')).Select(f => $"{f[0]} {f[2]} {f[3]}"));
            if (states == wanted) return;
            await Task.Delay(250);
        }
        throw new InvalidOperationException($"The formation did not reach '{wanted}' within {within}: it is '{states}'.");
    }

    /// <summary>Runs SQL on one node directly (not through Pim), for the drill's checks.</summary>
    public async Task<T> OnNodeAsync<T>(int node, Func<NpgsqlConnection, Task<T>> work)
    {
        await using var connection = new NpgsqlConnection(Node(node));
        await connection.OpenAsync();
        return await work(connection);
    }

    public async ValueTask DisposeAsync() => await RunAsync("destroy", Directory);

    private static Task<string> RunAsync(params string[] arguments) => Scripts.RunAsync(Script, TimeSpan.FromSeconds(180), arguments);
}
