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
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await IdempotencyStore.PurgeAsync(services.GetRequiredService<Store>(), services.GetRequiredService<TimeProvider>().Now(), ct);
        var activations = await services.GetRequiredService<ActivationLifecycleService>().SweepAsync(BatchSize, ct);
        return activations + await services.GetRequiredService<AssignmentService>().WarnOfExpiryAsync(BatchSize, ct);
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
