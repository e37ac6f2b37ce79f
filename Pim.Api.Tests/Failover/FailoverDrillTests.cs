using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;
using Pim.Api.Tests.Support;
using Xunit.Abstractions;

namespace Pim.Api.Tests.Failover;

/// <summary>The failover drill runs alone, after the parallel collections: it measures seconds, and loads the machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FailoverCollection
{
    public const string Name = "failover";
}

/// <summary>
/// Highly available on PostgreSQL, drilled: a pg_auto_failover formation (a monitor, node1 and node2 with synchronous
/// replication, failovers tuned to seconds), two Pim replicas on one multi-host connection string — A without the grace,
/// B with <c>Pim:Access:Cache:Grace</c> — keyed writes and evaluations on both, and the primary killed with SIGKILL (its
/// keeper and postmaster); then the old primary rejoins as a standby and the new one is killed in turn. After each
/// failover: no acknowledged write is lost; every refused write, resent with its key, applies exactly once; Pim accepted a
/// write within a second of the new primary accepting one; each replica's change feed follows the new primary (a
/// revocation through one is seen by the other within a second). At the end: every notification was sent exactly once
/// (webhooks to a receiver, emails to each replica's pickup directory), and the sweeper, alert and review schedules ran
/// once across replicas. The numbers are printed, and written to PIM_FAILOVER_REPORT when scripts/test.sh sets it.
/// </summary>
[Collection(FailoverCollection.Name)]
[Trait("Category", "Failover")]
public sealed partial class FailoverDrillTests(ITestOutputHelper output)
{
    /// <summary>The tenant the load writes to, and whose schedules run across the failovers.</summary>
    public const string Tenant = "drill";

    /// <summary>
    /// The tenant the load's evaluations ask about, which nothing writes to meanwhile: a replica forgets a tenant it was
    /// writing to when the store went away (whether its write committed is unknown), so the grace would not serve it.
    /// </summary>
    public const string Quiet = "quiet";

    /// <summary>The principal every evaluation of the load asks about: a standing Security Reader of <see cref="Quiet"/>, never changed.</summary>
    public const string Watched = "watch";

    /// <summary>Pim's own share of an outage: from the new primary accepting writes to Pim's first accepted write.</summary>
    public static readonly TimeSpan PimShare = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private const int Principals = 40;

    /// <summary>Writes accepted and evaluations answered by each replica before the primary is killed.</summary>
    private const int LoadBeforeKill = 5;
    private const int Scheduled = 5;

    /// <summary>What the writes grant, each principal each of these once: directory roles, and resource roles at four management groups.</summary>
    private static readonly (string Role, string Scope)[] Grants =
    [
        .. new[]
        {
            "exchange-administrator", "sharepoint-administrator", "teams-administrator", "intune-administrator", "user-administrator",
            "billing-administrator", "compliance-administrator", "global-reader", "security-reader", "helpdesk-administrator",
        }.Select(role => (role, "/")),
        .. from n in Enumerable.Range(0, 4) from role in new[] { "reader", "contributor" } select (role, $"/managementGroups/mg{n}"),
    ];

    private readonly Stopwatch _drill = Stopwatch.StartNew();
    private readonly List<string> _reviews = [];
    private readonly List<string> _activations = [];
    private readonly List<FailoverReport> _failovers = [];
    private int _scheduledUsed;
    private long _rejoinedFrom;
    private TimeSpan? _rejoined;

    public static string Path(string rest = "", string tenant = Tenant) => $"/v1/tenants/{tenant}{rest}";

    /// <summary>What one failover showed.</summary>
    private sealed record FailoverReport(string Name, double KillAt, double PromotedAt, double[] FirstAccepted, int Acknowledged, int Refused,
        int ResentReplayed, int ResentApplied, (int Answered, int Refused)[] Evaluations, TimeSpan[] RevocationSeen)
    {
        public double Outage => PromotedAt - KillAt;
        /// <summary>
        /// Per replica, from the new primary's first write (the drill's probe) to the answer of the replica's first accepted
        /// write. At or below zero when both waited for the same moment (the promoted node lifting its read-only mode) and
        /// the replica's answer arrived first: reported as measured.
        /// </summary>
        public double[] Shares => FirstAccepted.Select(f => f - PromotedAt).ToArray();
    }

    [Fact]
    public async Task Two_failovers_under_load_lose_no_acknowledged_write_and_send_nothing_twice()
    {
        await using var cluster = await FailoverCluster.StartAsync();
        Step("monitor and node1 (the primary) up");
        var standby = cluster.AddStandbyAsync();
        await using var idp = await LocalIdentityProvider.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var a = await DrillPim.StartAsync(0, cluster.ConnectionString, idp, grace: null);
        Step("Pim A up (the store migrated)");
        await using var b = await AlongsideAsync(DrillPim.StartAsync(1, cluster.ConnectionString, idp, Grace), SetUpAsync(cluster, a, receiver));
        Step("Pim B up, the tenants set up");
        DrillPim[] pims = [a, b];
        try
        {
            var plan = new DrillPlan(Enumerable.Range(0, Principals * Grants.Length).Select(n =>
                new DrillWrite(n, $"drill-{n:D5}", $"p{n % Principals:D4}", Grants[n / Principals].Role, Grants[n / Principals].Scope)).ToList());
            var writes = new List<WriteAnswer>();
            TimeSpan? ready = null;
            await FailOverAsync(cluster, pims, plan, writes, from: 1, to: 2, rejoin: true, formed: async () =>
            {
                await standby;
                await cluster.WaitForPrimaryAsync(1, TimeSpan.FromSeconds(60));
                ready = _drill.Elapsed;
            });
            await FailOverAsync(cluster, pims, plan, writes, from: 2, to: 1, rejoin: false, formed: async () =>
            {
                await cluster.WaitForPrimaryAsync(2, TimeSpan.FromSeconds(90));
                _rejoined = Stopwatch.GetElapsedTime(_rejoinedFrom);
            });
            // node1 was rewound to follow node2: what was acknowledged before the first failover is there too.
            await WrittenOnceAsync(cluster, 1, writes, "both failovers");

            var (webhooks, emails) = await DeliveredOnceAsync(cluster, 1, receiver, [a.Mail, b.Mail]);
            Step("every notification delivered once");
            await SchedulesRanOnceAsync(cluster, 1);
            Step("every schedule ran once");

            Report(ready, pims, writes.Count, webhooks, emails);
            foreach (var failover in _failovers)
            {
                Assert.All(failover.Shares, share => Assert.True(share <= PimShare.TotalMilliseconds,
                    $"{failover.Name}: Pim accepted its first write {share:0} ms after the new primary did (at most {PimShare.TotalMilliseconds:0} ms)."));
                Assert.True(failover.Evaluations[1].Refused == 0,
                    $"{failover.Name}: B (grace) refused {failover.Evaluations[1].Refused} evaluations while the store was away.");
                Assert.True(failover.Evaluations[1].Answered > 0, $"{failover.Name}: B (grace) answered no evaluation while the store was away.");
            }
        }
        catch
        {
            Report(null, pims, 0, 0, 0);
            KeepLogs(cluster, pims);
            throw;
        }
    }

    /// <summary>B starts while A's tenants are set up; B is stopped again if the set-up fails.</summary>
    private static async Task<DrillPim> AlongsideAsync(Task<DrillPim> starting, Task setUp)
    {
        try
        {
            await setUp;
        }
        catch
        {
            try { await (await starting).DisposeAsync(); } catch (InvalidOperationException) { }
            throw;
        }
        return await starting;
    }

    /// <summary>On failure: every replica's and every node's log, copied where they outlive the drill, named in the output.</summary>
    private void KeepLogs(FailoverCluster cluster, DrillPim[] pims)
    {
        var kept = Directory.CreateTempSubdirectory("pim-failover-drill-logs-").FullName;
        foreach (var pim in pims) File.WriteAllText(System.IO.Path.Combine(kept, $"pim-{pim.Name}.log"), pim.Process.Output);
        foreach (var log in Directory.GetFiles(cluster.Directory, "*.log")) File.Copy(log, System.IO.Path.Combine(kept, System.IO.Path.GetFileName(log)));
        output.WriteLine($"The logs of the replicas and of the formation are in {kept}");
    }

    /// <summary>A line of the test's output, with the time since the drill began: where the time goes.</summary>
    private void Step(string what) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_drill.Elapsed.TotalSeconds,6:0.0} s] {what}"));

    // ------------------------------------------------------------------ a failover

    /// <summary>
    /// Kills node <paramref name="from"/> under load and checks everything a failover must keep (the class's summary). The
    /// replicas are warmed while the formation forms (<paramref name="formed"/>: the other node becomes the synchronous
    /// standby); with <paramref name="rejoin"/>, the killed node's keeper runs again as soon as the load stops, while the
    /// checks run.
    /// </summary>
    private async Task FailOverAsync(FailoverCluster cluster, DrillPim[] pims, DrillPlan plan, List<WriteAnswer> writes, int from, int to, bool rejoin,
        Func<Task> formed)
    {
        var name = $"node{from} → node{to}";
        foreach (var pim in pims) await WarmAsync(cluster, from, pim, Quiet);
        Step($"{name}: both replicas answer from their index");
        await formed();
        Step($"{name}: node{to} is node{from}'s synchronous standby");
        await ScheduleAsync(pims, maximumGlobalAdministrators: from == 1 ? 1 : 5);

        var load = new DrillLoad(pims, plan);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        // The primary dies under load: once every replica has had writes accepted and evaluations answered.
        await UntilAsync(() => pims.All(p => load.Accepted(p.Index) >= LoadBeforeKill && load.Evaluated(p.Index) >= LoadBeforeKill),
            TimeSpan.FromSeconds(30), $"{name}: the load was not under way");
        await cluster.KillAsync(from);
        // Once the script has killed the node: a write sent before then may have been taken by the old primary still.
        var killAt = DrillClock.Now;
        Step($"{name}: node{from} killed");
        var promotedAt = await WritableAsync(cluster, to, TimeSpan.FromSeconds(60));
        Step($"{name}: node{to} accepts writes");
        // The load goes on until every replica has had a write sent after the kill accepted (Pim's share is measured by it).
        await UntilAsync(() => pims.All(p => load.FirstAccepted(p.Index, killAt) is not null), TimeSpan.FromSeconds(20),
            $"{name}: a replica accepted no write within 20 s of the new primary");
        await stop.CancelAsync();
        await running;
        if (rejoin)
        {
            _rejoinedFrom = Stopwatch.GetTimestamp();
            await cluster.RejoinAsync(from);
        }
        Step($"{name}: load stopped ({load.Writes.Count} writes, {load.Evaluations.Count} evaluations){(rejoin ? $"; node{from}'s keeper runs again" : "")}");
        var firstAccepted = pims.Select(p => load.FirstAccepted(p.Index, killAt)
            ?? throw new Xunit.Sdk.XunitException($"{name}: {p.Name} accepted no write after the kill.")).ToArray();
        var evaluations = pims.Select(p => load.Evaluations.Where(e => e.Pim == p.Index && e.SentAt >= killAt && e.SentAt < promotedAt).ToList())
            .Select(during => (during.Count(e => e.Status == 200), during.Count(e => e.Status != 200))).ToArray();
        var answers = load.Writes.ToList();
        var report = new FailoverReport(name, killAt, promotedAt, firstAccepted, answers.Count(w => w.Status == 201), answers.Count(w => w.Status != 201),
            0, 0, evaluations, new TimeSpan[pims.Length]);
        _failovers.Add(report);

        // Every refusal is a 503 store-unavailable; every evaluation answered said what the store says.
        Assert.All(answers.Where(w => w.Status is not (201 or 503)), w => Assert.Fail($"{name}: write {w.Write.Key} on {pims[w.Pim].Name} answered {w.Status}: {w.Refusal}"));
        Assert.All(load.Evaluations.Where(e => e.Status is not (200 or 503)), e => Assert.Fail($"{name}: an evaluation on {pims[e.Pim].Name} answered {e.Status}: {e.Refusal}"));
        Assert.All(load.Evaluations.Where(e => e.Status == 200), e => Assert.Equal("allow", e.Decision));

        // Every refused write, resent with its key, is applied exactly once.
        var refused = answers.Where(w => w.Status != 201).ToList();
        var resent = new System.Collections.Concurrent.ConcurrentBag<WriteAnswer>();
        await Parallel.ForEachAsync(refused, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (w, _) =>
            resent.Add(await ResendAsync(pims[(w.Write.Number + 1) % pims.Length], w.Write)));
        Assert.All(resent.Where(w => w.Status != 201), w => Assert.Fail($"{name}: write {w.Write.Key} resent answered {w.Status}: {w.Refusal}"));
        var final = answers.Where(w => w.Status == 201).Concat(resent).ToList();
        await WrittenOnceAsync(cluster, to, final, name);
        writes.AddRange(final);
        _failovers[^1] = report = report with { ResentReplayed = resent.Count(w => w.Replayed), ResentApplied = resent.Count(w => !w.Replayed) };
        Step($"{name}: {refused.Count} refused writes resent; every write in the store once");

        _failovers[^1] = report with { RevocationSeen = await RevocationsSeenAsync(cluster, to, pims, name) };
        Step($"{name}: revocations seen across replicas");
    }

    /// <summary>
    /// When the node first accepts a write (the drill's own, straight to it): the moment the new primary is one. Asked
    /// every 10 ms on a thread of its own, with blocking calls, so that a busy thread pool does not make it late (which
    /// would understate Pim's share).
    /// </summary>
    private static Task<double> WritableAsync(FailoverCluster cluster, int node, TimeSpan within) => Task.Factory.StartNew(() =>
    {
        var clock = Stopwatch.StartNew();
        NpgsqlConnection? connection = null;
        try
        {
            while (clock.Elapsed < within)
            {
                try
                {
                    if (connection is null)
                    {
                        connection = new NpgsqlConnection(cluster.Node(node));
                        connection.Open();
                    }
                    using var insert = new NpgsqlCommand("INSERT INTO drill_probe DEFAULT VALUES", connection);
                    insert.ExecuteNonQuery();
                    return DrillClock.Now;
                }
                catch (NpgsqlException)
                {
                    // A standby, a promoted node still read-only, or not up yet.
                    if (connection is { State: not System.Data.ConnectionState.Open }) { connection.Dispose(); connection = null; }
                    Thread.Sleep(10);
                }
            }
            throw new Xunit.Sdk.XunitException($"node{node} accepted no write within {within}.");
        }
        finally
        {
            connection?.Dispose();
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// A client resending a refused write with its key, as README says clients should: on 503, again after the answer's
    /// Retry-After (here at most a few hundred milliseconds: the new primary is there), until it is answered otherwise.
    /// </summary>
    private static async Task<WriteAnswer> ResendAsync(DrillPim pim, DrillWrite write)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await DrillLoad.SendAsync(pim, write);
            if (answer.Status is not (0 or 503) || clock.Elapsed > TimeSpan.FromSeconds(15)) return answer;
            await Task.Delay(DrillLoad.PauseAfterRefusal);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails saying <paramref name="otherwise"/> if it does not within <paramref name="within"/>.</summary>
    private static async Task UntilAsync(Func<bool> condition, TimeSpan within, string otherwise) =>
        Assert.True(await Eventually.WithinAsync(within, () => Task.FromResult(condition())), otherwise);
}
