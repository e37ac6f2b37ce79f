using System.Collections.Concurrent;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// <c>Pim:LongPolls</c>: how many reads may wait for a change at once — per caller in a tenant, per tenant, and in the
/// process. A tenant's bound is below the process's, so one tenant's waits never take the room another tenant's need.
/// </summary>
public sealed class LongPollOptions
{
    public int PerCaller { get; set; } = 10;
    public int PerTenant { get; set; } = 100;
    public int InAll { get; set; } = 1000;

    /// <summary>Refuses bounds that would let one caller take its tenant's room, or one tenant the process's.</summary>
    public string? Problem() => PerCaller < 1 || PerCaller > PerTenant || PerTenant >= InAll
        ? $"Pim:LongPolls must be 1 <= PerCaller <= PerTenant < InAll (now {PerCaller}, {PerTenant}, {InAll}): one tenant's waits must leave room for the others'."
        : null;
}

/// <summary>
/// Bounds the reads that wait for a change (long-polls): a caller holds at most <see cref="LongPollOptions.PerCaller"/>
/// at once in a tenant, a tenant at most <see cref="LongPollOptions.PerTenant"/>, the process at most
/// <see cref="LongPollOptions.InAll"/>; beyond, <c>429 rate-limited</c> with <c>Retry-After</c>, naming the bound. A
/// wait holds no store connection between its reads (<see cref="IUnitOfWork.ReleaseConnectionAsync"/>) and, once
/// admitted here, no place among its tenant's running requests (<see cref="TenantInFlight"/>): these bounds are what
/// it holds. Each wait is released when Pim stops (<see cref="Stopping"/>), answering with what it has.
/// </summary>
public sealed class LongPolls(LongPollOptions options, IHostApplicationLifetime lifetime)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, int> _waiting = new(StringComparer.Ordinal);
    private int _inAll;

    public LongPollOptions Bounds => options;

    public CancellationToken Stopping => lifetime.ApplicationStopping;

    /// <summary>How many reads wait now.</summary>
    public int Waiting => Volatile.Read(ref _inAll);

    /// <summary>
    /// Counts a wait of the caller until the answer is disposed, and gives back the request's place among its tenant's
    /// running requests; refuses one over the bounds.
    /// </summary>
    public IDisposable Enter(Caller caller, HttpContext http)
    {
        var callerKey = $"{caller.TenantId}\n{caller.ActorId}";
        var tenantKey = caller.TenantId;
        var mine = _waiting.AddOrUpdate(callerKey, 1, (_, n) => n + 1);
        var tenant = _waiting.AddOrUpdate(tenantKey, 1, (_, n) => n + 1);
        var all = Interlocked.Increment(ref _inAll);
        var wait = new Wait(this, callerKey, tenantKey);
        var refusal = mine > options.PerCaller ? $"At most {options.PerCaller} reads of one caller wait for a change at once"
            : tenant > options.PerTenant ? $"At most {options.PerTenant} reads of one tenant wait for a change at once"
            : all > options.InAll ? $"At most {options.InAll} reads wait for a change at once in this Pim"
            : null;
        if (refusal is null)
        {
            TenantInFlight.Leave(http);
            return wait;
        }
        wait.Dispose();
        throw new PimException(ErrorCodes.RateLimited, $"{refusal}: answer those first, or ask without waitFor.") { RetryAfter = RetryAfter };
    }

    private void Leave(string callerKey, string tenantKey)
    {
        Interlocked.Decrement(ref _inAll);
        Forget(callerKey);
        Forget(tenantKey);
    }

    private void Forget(string key)
    {
        if (_waiting.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0) _waiting.TryRemove(new KeyValuePair<string, int>(key, 0));
    }

    private sealed class Wait(LongPolls polls, string callerKey, string tenantKey) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) polls.Leave(callerKey, tenantKey);
        }
    }
}
