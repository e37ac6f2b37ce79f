using System.Collections.Concurrent;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// Bounds the reads that wait for a change (long-polls): a caller holds at most <see cref="PerCaller"/> at once in a
/// tenant, the process at most <see cref="InAll"/>; beyond, <c>429 rate-limited</c> with <c>Retry-After</c>. Each
/// wait is released when Pim stops (<see cref="Stopping"/>), answering with what it has.
/// </summary>
public sealed class LongPolls(IHostApplicationLifetime lifetime)
{
    public const int PerCaller = 10;
    public const int InAll = 1000;

    private readonly ConcurrentDictionary<string, int> _byCaller = new(StringComparer.Ordinal);
    private int _inAll;

    public CancellationToken Stopping => lifetime.ApplicationStopping;

    /// <summary>How many reads wait now.</summary>
    public int Waiting => Volatile.Read(ref _inAll);

    /// <summary>Counts a wait of the caller until the answer is disposed; refuses one over the bounds.</summary>
    public IDisposable Enter(Caller caller)
    {
        var key = $"{caller.TenantId}\n{caller.ActorId}";
        var mine = _byCaller.AddOrUpdate(key, 1, (_, n) => n + 1);
        var all = Interlocked.Increment(ref _inAll);
        var wait = new Wait(this, key);
        if (mine <= PerCaller && all <= InAll) return wait;
        wait.Dispose();
        throw new PimException(ErrorCodes.RateLimited,
            $"At most {PerCaller} reads of one caller wait for a change at once: answer those first, or ask without waitFor.")
        {
            RetryAfter = TimeSpan.FromSeconds(5),
        };
    }

    private void Leave(string key)
    {
        Interlocked.Decrement(ref _inAll);
        if (_byCaller.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0) _byCaller.TryRemove(new KeyValuePair<string, int>(key, 0));
    }

    private sealed class Wait(LongPolls polls, string key) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) polls.Leave(key);
        }
    }
}
