using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pim.Infrastructure;

/// <summary>
/// Writes recorded uses (and principals' sightings) every few seconds — each (grant, client) pair at most once an hour,
/// and no more pairs than the recorder's budget allows (<see cref="UsageRecorder"/>) — and everything still held once
/// more at shutdown.
/// </summary>
public sealed class UsageFlushService(IServiceScopeFactory scopes, UsageRecorder recorder, ILogger<UsageFlushService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <param name="all">Every use held, however recently its pair was written (shutdown).</param>
    public static async Task FlushAsync(IServiceScopeFactory scopes, UsageRecorder recorder, CancellationToken ct, bool all = false)
    {
        await using var scope = scopes.CreateAsyncScope();
        var uses = recorder.Drain(all);
        var usage = scope.ServiceProvider.GetRequiredService<AssignmentUsageRepository>();
        // A budget's worth per transaction: the flush of everything at shutdown can hold a burst's whole backlog, and one
        // cut short by the host's shutdown timeout then loses the part being written, not all it held.
        foreach (var part in uses.Chunk(UsageRecorder.PairsPerPeriod)) await usage.WriteAsync(part, ct);
        var sightings = scope.ServiceProvider.GetRequiredService<PrincipalSightingRecorder>().Drain();
        if (sightings.Count > 0) await scope.ServiceProvider.GetRequiredService<PrincipalSightingRepository>().WriteAsync(sightings, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(Interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
            await FlushQuietlyAsync(stoppingToken);
        }
        await FlushQuietlyAsync(CancellationToken.None, all: true);
    }

    private async Task FlushQuietlyAsync(CancellationToken ct, bool all = false)
    {
        try { await FlushAsync(scopes, recorder, ct, all); }
        catch (Exception e) when (e is not OperationCanceledException) { logger.UsageNotWritten(e); }
    }
}
