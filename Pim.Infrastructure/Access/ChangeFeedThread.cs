using Microsoft.Extensions.Hosting;

namespace Pim.Infrastructure;

/// <summary>
/// A change feed of the grant index: its loop runs on a thread of its own, so that a busy thread pool never delays it
/// (the index trusts the feed only while it is heard from), and stops with the host.
/// </summary>
public abstract class ChangeFeedThread : IHostedService, IDisposable
{
    private Thread? _thread;

    protected CancellationTokenSource Stopping { get; } = new();

    public Task StartAsync(CancellationToken ct)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "pim-change-feed" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct)
    {
        Stopping.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    protected abstract void Run();

    /// <summary>Stops the loop (a host may dispose its services before, or without, stopping them); the token source holds no timer to free.</summary>
    public void Dispose()
    {
        Stopping.Cancel();
        GC.SuppressFinalize(this);
    }
}
