using System.Diagnostics;

namespace Pim.Api.Tests.Support;

/// <summary>
/// For what the grant index promises within a window of real time, not of Pim's clock: a change made outside this
/// replica's unit of work (another replica, a write behind Pim's back) is seen within <see cref="FeedWindow"/>.
/// </summary>
public static class Eventually
{
    /// <summary>The change feed's promise (Pim:Access:Cache:FeedTimeout's default).</summary>
    public static readonly TimeSpan FeedWindow = TimeSpan.FromSeconds(1);

    /// <summary>Asks until <paramref name="condition"/> holds; true if it did within <paramref name="window"/>.</summary>
    public static async Task<bool> WithinAsync(TimeSpan window, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition()) return true;
            if (clock.Elapsed > window) return false;
            await Task.Delay(20);
        }
    }
}
