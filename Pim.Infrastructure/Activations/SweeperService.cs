using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>Records what time alone changes: expired activations, timed-out approvals, scheduled activations that started.</summary>
public sealed class SweeperService(IServiceScopeFactory scopes, OutboxOptions options, ILogger<SweeperService> logger) : BackgroundService
{
    public const int BatchSize = 50;

    public static async Task<int> SweepOnceAsync(IServiceScopeFactory scopes, CancellationToken ct)
    {
        Activity.Current = null; // a sweep is a trace of its own (this method's change of the ambient span stays in it)
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var store = services.GetRequiredService<Store>();
        var now = services.GetRequiredService<TimeProvider>().Now();
        await IdempotencyStore.PurgeAsync(store, now, ct);
        // Traced only when there is something to record, so that the idle sweeps of every poll leave no trace.
        using var sweep = PimTelemetry.Source.HasListeners() && await ActivationRequestRepository.AnyDueAsync(store, now, ct) ? PimTelemetry.StartSweep() : null;
        var settled = await services.GetRequiredService<ActivationLifecycleService>().SweepAsync(BatchSize, ct);
        PimTelemetry.Swept(sweep, settled);
        return settled.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await SweepOnceAsync(scopes, stoppingToken) > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogError(e, "Sweep failed; trying again shortly"); }
            try { await Task.Delay(options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
