using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Records what time alone changes — expired activations, timed-out approvals, scheduled activations that started — and
/// sends the notices it makes due: approval reminders and escalations, warnings before activations and assignments end,
/// break-glass follow-ups still open. Rows are claimed with SKIP LOCKED, so several replicas never send one twice.
/// </summary>
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
        return settled.Count + await services.GetRequiredService<AssignmentService>().WarnOfExpiryAsync(BatchSize, ct);
    }

    /// <summary>
    /// Governance (issue 16): access reviews' schedules (starts, reminders, ends, autoApply removals) and the alerts of the
    /// tenants that are due, once each across replicas. Usage and sightings recorded in memory are written first (usage as
    /// far as the recorder's write budget allows), so that the alerts see them. Returns how much it did (0: nothing was due).
    /// </summary>
    public static async Task<int> SweepGovernanceOnceAsync(IServiceScopeFactory scopes, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await UsageFlushService.FlushAsync(scopes, services.GetRequiredService<UsageRecorder>(), ct);
        var reviewed = await services.GetRequiredService<AccessReviewService>().SweepAsync(BatchSize, ct);
        return reviewed + await services.GetRequiredService<AlertService>().EvaluateDueAsync(GovernanceTenantsPerSweep, ct);
    }

    /// <summary>The most tenants one governance sweep evaluates the alerts of.</summary>
    public const int GovernanceTenantsPerSweep = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await SweepOnceAsync(scopes, stoppingToken) + await SweepGovernanceOnceAsync(scopes, stoppingToken) > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.SweepFailed(e); }
            try { await Task.Delay(options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
