using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pim.Infrastructure;

/// <summary>Writes recorded uses every few seconds, and once more at shutdown.</summary>
public sealed class UsageFlushService(IServiceScopeFactory scopes, UsageRecorder recorder, ILogger<UsageFlushService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public static async Task FlushAsync(IServiceScopeFactory scopes, UsageRecorder recorder, CancellationToken ct)
    {
        var uses = recorder.Drain();
        if (uses.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AssignmentUsageRepository>().WriteAsync(uses, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(Interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
            await FlushQuietlyAsync(stoppingToken);
        }
        await FlushQuietlyAsync(CancellationToken.None);
    }

    private async Task FlushQuietlyAsync(CancellationToken ct)
    {
        try { await FlushAsync(scopes, recorder, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { logger.LogWarning(e, "Could not write assignment usage"); }
    }
}
