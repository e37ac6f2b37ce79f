using System.Diagnostics;
using Pim.Api.Features.Access;
using Pim.Api.Http;
using Pim.Domain;
using Pim.Infrastructure;

[assembly: HostingStartup(typeof(Pim.Bench.BenchmarkEndpoints))]

namespace Pim.Bench;

/// <summary>
/// The benchmark's endpoints, mapped beside Pim's own through the same pipeline and authentication:
/// <list type="bullet">
/// <item><c>POST /bench/bare</c> (bench/run.sh's pim-bare): the evaluation's body bound and a constant answered, to
/// compare access evaluation against;</item>
/// <item><c>GET /bench/grants-sql</c>: the store path's queries as the code composes them, for EXPLAIN and pgbench;</item>
/// <item><c>POST /bench/alerts/{tenantId}</c> and <c>GET /bench/alerts-sql</c> (bench/alerts.sh): one evaluation of a
/// tenant's alerts, timed, and each alert's statement as the code composes it.</item>
/// <item><c>GET /bench/gc</c>: the process's allocation and collection counters and the grant index's rows, read before
/// and after a measured run, so that allocation per request is measured exactly (<see cref="GC.GetTotalAllocatedBytes"/>,
/// every thread) and a run that reloaded tenants shows it;</item>
/// <item><c>POST /bench/alloc/start</c> and <c>GET /bench/alloc</c>: what was allocated in between, by type
/// (<see cref="AllocationSampler"/>).</item>
/// </list>
/// </summary>
public sealed class BenchmarkEndpoints : IHostingStartup, IEndpointContributor
{
    public void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton<IEndpointContributor, BenchmarkEndpoints>());

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/bench/bare", (EvaluationRequest body) => TypedResults.Ok(new { decision = "deny", body.PrincipalId }))
            .RequireAuthorization().ExcludeFromDescription().IsEvaluation();
        app.MapGet("/bench/gc", (GrantIndex index) => TypedResults.Ok(new Dictionary<string, double>
        {
            ["allocated"] = GC.GetTotalAllocatedBytes(precise: false), ["gen0"] = GC.CollectionCount(0), ["gen1"] = GC.CollectionCount(1),
            ["gen2"] = GC.CollectionCount(2), ["pauseMs"] = GC.GetTotalPauseDuration().TotalMilliseconds,
            ["heapBytes"] = GC.GetGCMemoryInfo().HeapSizeBytes, ["availableBytes"] = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            ["serverGc"] = System.Runtime.GCSettings.IsServerGC ? 1 : 0,
            ["rows"] = index.Entries, ["maxRows"] = index.MaxEntries, ["loads"] = index.Loads,
        })).RequireAuthorization().ExcludeFromDescription();
        var sampler = new AllocationSampler();
        app.MapPost("/bench/alloc/start", () =>
        {
            sampler.Start();
            return TypedResults.NoContent();
        }).RequireAuthorization().ExcludeFromDescription();
        app.MapGet("/bench/alloc", () => TypedResults.Ok(sampler.Stop().Select(b => new { type = b.Key, kb = b.Value / 1024 })))
            .RequireAuthorization().ExcludeFromDescription();
        app.MapGet("/bench/grants-sql", () => TypedResults.Text(GrantIndexLoader.OnePrincipal)).RequireAuthorization().ExcludeFromDescription();
        app.MapPost("/bench/alerts/{tenantId}", async (string tenantId, AlertService alerts, CancellationToken ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            var evaluation = await alerts.EvaluateNowAsync(tenantId, ct);
            return TypedResults.Ok(new { elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds, evaluation.Raised, evaluation.Resolved });
        }).RequireAuthorization().ExcludeFromDescription();
        app.MapGet("/bench/alerts-sql", (AlertConditions conditions) =>
            TypedResults.Ok(AlertCatalog.Types.ToDictionary(type => type, conditions.FindingsSql))).RequireAuthorization().ExcludeFromDescription();
    }
}
