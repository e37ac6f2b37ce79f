using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pim.Infrastructure;

/// <summary>Runs the outbox dispatcher until shutdown; on shutdown, in-flight messages are released, not lost.</summary>
public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, OutboxOptions options, ILogger<OutboxDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await dispatcher.DispatchOnceAsync(stoppingToken) > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.DispatchFailed(e); }
            try { await Task.Delay(options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
