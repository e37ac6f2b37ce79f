using System.Globalization;
using System.Text;

namespace Pim.Bench.Report;

/// <summary>The summary bench/run.sh prints at the end of a run (and keeps in summary.txt), from its <see cref="Results"/>.</summary>
public sealed class Summary(Results r)
{
    private readonly StringBuilder _out = new();
    private IReadOnlyList<string> Labels => r.List("labels");

    public string Render()
    {
        Main();
        Latencies();
        Cpu();
        Memory();
        OneConnection();
        Sql();
        Profiles();
        Targets();
        Line();
        Line($" Raw outputs: {r.Knob("RESULTS")}");
        return _out.ToString();
    }

    private void Main()
    {
        Line();
        Line(new string('=', 118));
        Line($" Pim access evaluation against a bare Kestrel endpoint (the anchor, its own process), {r.Knob("CORES")} cores shared by wrk + Pim + store");
        Line($" wrk: {r.Knob("CONNECTIONS")} connections, {r.Knob("THREADS")} threads, {r.Knob("WARMUP")}s warm-up + {r.Knob("DURATION")}s per measurement; latencies in ms");
        Line(new string('=', 118));
        Row("{0,-11} {1,8} {2,7} {3,9} {4,9} {5,9} {6,7} {7,8} {8,8} {9,11} {10,7} {11,8} {12,6}",
            "case", "rows", "tenants", "anchor/s", "pimbare/s", "eval r/s", "e/anch", "eval p50", "eval p99", "batch dec/s", "b/single", "RSS MiB", "errors");
        foreach (var l in Labels)
            Row("{0,-11} {1,8} {2,7} {3,9} {4,9} {5,9} {6,7} {7,8} {8,8} {9,11} {10,7} {11,8} {12,6}", l, r.Text($"{l}.rows"), r.Text($"{l}.tenants"),
                F(r.Number($"{l}.anchor.rps"), 0), F(r.Number($"{l}.pimbare.rps"), 0), F(r.Number($"{l}.eval.rps"), 0), F(Ratio(l)),
                F(r.Number($"{l}.eval.p50")), F(r.Number($"{l}.eval.p99")), F(r.Number($"{l}.batch.dps"), 0), F(r.Number($"{l}.batch.ratio"), 1),
                r.Whole($"{l}.rss_eval") / 1024,
                r.Whole($"{l}.anchor.bad") + r.Whole($"{l}.pimbare.bad") + r.Whole($"{l}.eval.bad") + r.Whole($"{l}.batch.bad"));
        Line(" e/anch = eval r/s / anchor r/s (target >= 0.7); eval p99 target < 5 ms; b/single = batch decisions/s / eval r/s");
        Line(" (target >= 10); RSS = Pim's VmRSS after the eval run; errors = non-2xx + socket errors of all four runs (should be 0).");
        foreach (var l in Labels)
            if (r.Text($"{l}.batch.note") is { } note) Line($" {l}: batch not measured ({note}).");
    }

    private void Latencies()
    {
        Line();
        Line(" Latencies (ms) and the cost of Pim's pipeline: pim-bare/anchor and eval/pim-bare throughput ratios");
        const string format = "{0,-11} {1,10} {2,10} {3,10} {4,10} {5,9} {6,10} {7,10} {8,9} {9,9}";
        Row(format, "case", "anchor p50", "anchor p99", "pbare p50", "pbare p99", "eval p90", "batch p50", "batch p99", "pb/anch", "e/pbare");
        foreach (var l in Labels)
            Row(format, l, F(r.Number($"{l}.anchor.p50")), F(r.Number($"{l}.anchor.p99")), F(r.Number($"{l}.pimbare.p50")),
                F(r.Number($"{l}.pimbare.p99")), F(r.Number($"{l}.eval.p90")), F(r.Number($"{l}.batch.p50")), F(r.Number($"{l}.batch.p99")),
                F(Div(r.Number($"{l}.pimbare.rps"), r.Number($"{l}.anchor.rps"))), F(Div(r.Number($"{l}.eval.rps"), r.Number($"{l}.pimbare.rps"))));
    }

    private void Cpu()
    {
        var batch = r.Knob("BATCH_SIZE");
        Line();
        Line(" CPU time per request in microseconds, and machine CPU utilisation during the run. 'other': busy time charged to");
        Line(" none of the anchor, Pim, PostgreSQL or wrk (other processes on the machine, some kernel time); large means a noisy run.");
        Line($" batch: per call of {batch} decisions (divide by {batch} for a decision).");
        const string format = "{0,-11} {1,-8} {2,8} {3,8} {4,8} {5,8} {6,8} {7,8} {8,5}% {9,10}";
        Row("{0,-11} {1,-8} {2,8} {3,8} {4,8} {5,8} {6,8} {7,8} {8,6} {9,10}", "case", "run", "anchor", "Pim", "Postgres", "wrk", "other", "total", "busy%", "log l/req");
        var loggy = new List<string>();
        var noisy = new List<string>();
        foreach (var l in Labels)
            foreach (var kind in new[] { "anchor", "pimbare", "eval", "batch" })
            {
                if (r.Text($"{l}.{kind}.cpu") is not { } cpu) continue;
                var v = cpu.Split(' ').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray(); // anchor Pim Postgres wrk other busy%
                var total = v[0] + v[1] + v[2] + v[3] + v[4];
                Row(format, l, kind, v[0], v[1], v[2], v[3], v[4], total, v[5], r.Text($"{l}.{kind}.logs"));
                if (kind != "anchor" && r.Number($"{l}.{kind}.logs") >= 0.5) loggy.Add($"{l}/{kind}");
                if (v[4] * 5 > total) noisy.Add($"{l}/{kind}");
            }
        if (loggy.Count > 0)
            Line($" WARNING: Pim logged about one line per request in: {string.Join(' ', loggy)}, although Serilog__MinimumLevel__Default=Warning.");
        if (noisy.Count > 0)
            Line($" WARNING: over 20% of the busy CPU went to other processes in: {string.Join(' ', noisy)}; the machine was not quiet.");
    }

    private void Memory()
    {
        Line();
        Line(" Pim's resident memory (MiB; /proc/PID/status VmRSS, and VmHWM = peak since start), and the anchor's for scale:");
        const string format = "{0,-11} {1,8} {2,24} {3,16} {4,12} {5,12}";
        Row(format, "case", "rows", "after load + warm-up", "after eval", "peak (HWM)", "anchor RSS");
        foreach (var l in Labels)
            Row(format, l, r.Text($"{l}.rows"), r.Whole($"{l}.rss_warm") / 1024, r.Whole($"{l}.rss_eval") / 1024, r.Whole($"{l}.hwm_eval") / 1024,
                r.Whole($"{l}.anchor_rss") / 1024);
        Line();
        Line(" Allocation and garbage collection during the anchor, pim-bare and eval runs (GET /bench/gc, the anchor's GET /gc, before and after each:");
        Line(" GC.GetTotalAllocatedBytes over every thread, background work included, per request), and the grant index:");
        Line(" rows held / its bound, and tenants (re)loaded during the eval run (0: every evaluation answered from memory).");
        const string gc = "{0,-11} {1,-8} {2,10} {3,16} {4,9} {5,21} {6,20} {7,6}";
        Row(gc, "case", "run", "KB/req", "gen0/gen1/gen2", "pause ms", "index rows / bound", "loads during run", "GC");
        foreach (var l in Labels)
            foreach (var run in new[] { "anchor", "pimbare", "eval" })
            {
                double? Delta(string figure) => r.Number($"{l}.gc.{run}1.{figure}") - r.Number($"{l}.gc.{run}0.{figure}");
                if (Delta("allocated") is not { } allocated) continue;
                if (run == "anchor")
                {
                    Row(gc, l, run, F(allocated / 1024 / Math.Max(1, r.Number($"{l}.{run}.requests") ?? 1)), "", "", "(bench/bare, its own process)", "", "");
                    continue;
                }
                Row(gc, l, run, F(allocated / 1024 / Math.Max(1, r.Number($"{l}.{run}.requests") ?? 1)),
                    $"{Delta("gen0"):0}/{Delta("gen1"):0}/{Delta("gen2"):0}", F(Delta("pauseMs"), 0),
                    $"{r.Whole($"{l}.gc.{run}1.rows"):N0} / {r.Whole($"{l}.gc.{run}1.maxRows"):N0}", F(Delta("loads"), 0),
                    r.Number($"{l}.gc.{run}1.serverGc") == 1 ? "server" : "wks");
            }
        Line();
        Line(" Load time (s): " + string.Concat(Labels.Select(l => $"{l} {r.Text($"{l}.load_s")} (SQL {r.Text($"{l}.load_sql_s")}); ")));
        Line(" Grant index warm after Pim's restart on the loaded store (s): " + string.Concat(Labels.Select(l => $"{l} {Q($"{l}.warm_s")}; ")));
    }

    private void OneConnection()
    {
        if (r.Knob("UNLOADED") != "1") return;
        Line();
        Line(" One connection (no queueing: the service time of one request; latencies in ms):");
        foreach (var l in Labels)
            Row("   {0,-11} anchor: {1,-30} pim-bare: {2,-30} eval: {3}", l, r.Text($"{l}.anchor1"), r.Text($"{l}.pimbare1"), r.Text($"{l}.eval1"));
    }

    private IReadOnlyList<string> PostgresLabels => Labels.Where(l => r.Text($"{l}.store") == "postgres").ToList();

    private void Sql()
    {
        if (PostgresLabels.Count == 0) return;
        Line();
        Line(" The store path's queries alone (PostgreSQL; evaluation asks them when the grant index does not hold the tenant):");
        Line("   during the eval run (pg_stat_statements): share of executions planned, mean plan and execution time (ms),");
        Line("   buffers per call; EXPLAIN ANALYZE (warm session, custom plan, tenant t1) planning+execution ms for two samples:");
        const string format = "     {0,-11} {1,8} {2,10} {3,10} {4,10} {5,-22} {6}";
        Row(format, "case", "planned", "plan ms", "exec ms", "max exec", "buffers/call", "EXPLAIN plan+exec ms");
        foreach (var l in PostgresLabels)
            Row(format, l, Q($"{l}.sql_plans"), Q($"{l}.sql_plan"), Q($"{l}.sql_mean"), Q($"{l}.sql_max"), Q($"{l}.sql_blks"), Q($"{l}.explain"));
        if (r.Knob("PGBENCH") != "1") return;
        Line($"   SQL only, pgbench with {r.Knob("CONNECTIONS")} clients, random tenant (Pim stopped; re-planned each time vs prepared statement):");
        foreach (var l in PostgresLabels)
            Row("     {0,-11} extended: {1,-26} prepared: {2}", l, r.Text($"{l}.pgb_extended") ?? "-", r.Text($"{l}.pgb_prepared") ?? "-");
    }

    private void Profiles()
    {
        var results = r.Knob("RESULTS");
        foreach (var l in r.List("profiled"))
        {
            Line();
            Line(" Profile of " + l + ": a SEPARATE extra eval run after the measured ones (not in the tables above; the profilers' own");
            Line($" cost is in it): {F(r.Number($"{l}.profile.rps") ?? 0, 0)} req/s under dotnet-counters + dotnet-trace ({r.Knob("TRACE_PROFILE")}).");
            Indented(Path.Combine(results, $"profile-counters-{l}.txt"), "   ");
            if (NonEmpty(Path.Combine(results, $"profile-cpu-{l}.txt")) is { } cpu)
            {
                Line($"   dotnet-trace ({r.Text($"{l}.trace_s")} s sample), the CPU samples alone (bench/trace-cpu.py; the inclusive list is in");
                Line($"   profile-cpu-{l}.txt):");
                foreach (var line in File.ReadLines(cpu).Take(17)) Line("     " + line);
            }
            if (NonEmpty(Path.Combine(results, $"profile-alloc-{l}.txt")) is { } alloc)
            {
                Line("   what the run allocated, by type (the runtime's AllocationTick events, one per ~100 KB: a sample by bytes;");
                Line($"   KB sampled, and share; the top 15 of profile-alloc-{l}.txt):");
                foreach (var line in File.ReadLines(alloc).Take(16)) Line("     " + line);
            }
            if (NonEmpty(Path.Combine(results, $"profile-allocations-{l}.txt")) is { } stacks)
            {
                Line($"   dotnet-trace ({r.Text($"{l}.trace_s")} s of gc-verbose), where it allocated, by type and allocating stack (the top 8");
                Line($"   stacks; all of them in profile-allocations-{l}.txt):");
                foreach (var line in Allocations.TopStacks(File.ReadLines(stacks), 8)) Line("     " + line);
            }
            if (NonEmpty(Path.Combine(results, $"profile-busy-exclusive-{l}.txt")) is { } exclusive)
            {
                Line("   dotnet-trace report topN, top 15 by exclusive time; % of all samples, and busy% = share of the samples that");
                Line("   are not idle waits (the sampler takes every managed thread, running or waiting; 'Missing Symbol' = P/Invoke");
                Line("   stubs of system calls: socket send/receive, and the socket engine's epoll wait):");
                Indented(exclusive, "     ");
                Line("   top 15 by inclusive time (where the request's time goes, middleware by middleware):");
                Indented(Path.Combine(results, $"profile-busy-inclusive-{l}.txt"), "     ");
                Line($"   (unfiltered top 60 in profile-top-*-{l}.txt; the trace: profile-{l}.nettrace, opens in PerfView or speedscope");
                Line("    after dotnet-trace convert)");
            }
        }
    }

    private void Targets()
    {
        Line();
        Line(" Targets (reported, not asserted):");
        foreach (var l in Labels)
        {
            Row("   {0,-11} eval/anchor throughput >= 0.70:   {1,-7} {2}", l, F(Ratio(l)), Mark(Ratio(l), 0.7, atLeast: true));
            Row("   {0,-11} eval p99 < 5 ms:                  {1,-7} {2}", l, F(r.Number($"{l}.eval.p99")), Mark(r.Number($"{l}.eval.p99"), 5, atLeast: false));
            var cpu = Div(CpuOf(l, "eval", 1), CpuOf(l, "anchor", 0));
            Row("   {0,-11} Pim CPU/eval <= 1.5x anchor's/req: {1,-7} {2}", l, F(cpu), Mark(cpu, 1.5 + 1e-9, atLeast: false));
            var allocated = (r.Number($"{l}.gc.eval1.allocated") - r.Number($"{l}.gc.eval0.allocated")) / 1024 / r.Number($"{l}.eval.requests");
            var anchorAllocated = (r.Number($"{l}.gc.anchor1.allocated") - r.Number($"{l}.gc.anchor0.allocated")) / 1024 / r.Number($"{l}.anchor.requests");
            Row("   {0,-11} allocation <= 2 KB per eval:      {1,-7} {2} (the anchor: {3} KB per request)", l, F(allocated),
                Mark(allocated, 2 + 1e-9, atLeast: false), F(anchorAllocated));
            var loads = r.Number($"{l}.gc.eval1.loads") - r.Number($"{l}.gc.eval0.loads");
            Row("   {0,-11} served from memory (no loads):    {1,-7} {2}", l, F(loads, 0), Mark(loads, 0.5, atLeast: false));
            Row("   {0,-11} batch/single decisions/s >= 10:  {1,-7} {2}", l, F(r.Number($"{l}.batch.ratio"), 1),
                r.Number($"{l}.batch.ratio") is { } ratio ? Mark(ratio, 10, atLeast: true) : $"not measured ({r.Text($"{l}.batch.note")})");
            if (r.Whole($"{l}.seqscan") > 0) Line($"   {l} WARNING: the EXPLAIN shows a Seq Scan (see explain-{l}.txt)");
        }
        if (PostgresLabels.Count < 2) return;
        var (small, big) = (PostgresLabels[0], PostgresLabels[^1]);
        var slowdown = Div(r.Number($"{small}.eval.rps"), r.Number($"{big}.eval.rps"));
        Line($"   {big} vs {small} slowdown, eval r/s {F(r.Number($"{small}.eval.rps"), 0)} / {F(r.Number($"{big}.eval.rps"), 0)} = {F(slowdown)}x " +
             $"(target <= 1.5x): {(slowdown <= 1.5 ? "met" : "MISSED")}; eval p50 x{F(Div(r.Number($"{big}.eval.p50"), r.Number($"{small}.eval.p50")))}, " +
             $"p99 x{F(Div(r.Number($"{big}.eval.p99"), r.Number($"{small}.eval.p99")))}");
    }

    /// <summary>CPU microseconds per request of one process (<paramref name="column"/>: 0 the anchor, 1 Pim) in a run.</summary>
    private double? CpuOf(string l, string run, int column) =>
        r.Text($"{l}.{run}.cpu") is { } cpu ? double.Parse(cpu.Split(' ')[column], CultureInfo.InvariantCulture) : null;

    private double? Ratio(string l) => Div(r.Number($"{l}.eval.rps"), r.Number($"{l}.anchor.rps"));

    private static double? Div(double? a, double? b) => a is null || b is null or 0 ? null : a / b;

    private static string F(double? value, int decimals = 2) =>
        value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "-";

    private static string Mark(double? value, double target, bool atLeast) =>
        value is not { } v ? "-" : (atLeast ? v >= target : v < target) ? "met" : "MISSED";

    private string Q(string key) => r.Text(key) ?? "?";

    private static string? NonEmpty(string path) => File.Exists(path) && new FileInfo(path).Length > 0 ? path : null;

    private void Indented(string path, string indent)
    {
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path)) Line(indent + line);
    }

    private void Row(string format, params object?[] values) => Line(string.Format(CultureInfo.InvariantCulture, format, values));

    private void Line(string text = "") => _out.Append(text).Append('\n');
}
