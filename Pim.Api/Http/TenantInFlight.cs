using System.Threading.RateLimiting;

namespace Pim.Api.Http;

/// <summary>
/// The requests of one tenant that run at once. A running request may hold one of the store's connections until it
/// ends (its <c>DbSession</c>), so a tenant runs at most <see cref="RateLimitOptions.InFlightPerTenant"/> at once — below
/// the store's pool, so that a burst of one tenant within its rate budget (slow exports, slow uploads) cannot take every
/// connection and leave another tenant's requests to time out. Beyond, its requests queue, oldest first (at most
/// <see cref="RateLimitOptions.InFlightQueuePerTenant"/>, holding nothing of the store), and beyond that they are
/// refused <c>429 rate-limited</c>. A read that waits for a change gives its place back once it waits
/// (<see cref="Leave"/>): the long-poll bounds count it instead.
/// </summary>
public sealed class TenantInFlight : IAsyncDisposable
{
    private readonly RateLimitOptions options;
    private readonly PartitionedRateLimiter<string> _limiter;

    public TenantInFlight(RateLimitOptions options)
    {
        this.options = options;
        // One options object and one limiter factory for every tenant: the partition is looked up per request, and a
        // factory made there would be a new delegate each time (RateLimitPartition.GetConcurrencyLimiter makes one per call).
        var limits = new ConcurrencyLimiterOptions
        {
            PermitLimit = options.InFlightPerTenant!.Value,
            QueueLimit = options.InFlightQueuePerTenant,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
        Func<string, RateLimiter> factory = _ => new ConcurrencyLimiter(limits);
        _limiter = PartitionedRateLimiter.Create<string, string>(tenant => new RateLimitPartition<string>(tenant, factory), StringComparer.Ordinal);
    }

    /// <summary>A place among the tenant's running requests; null when its queue is full too, or when the client left while it queued.</summary>
    public async ValueTask<IDisposable?> EnterAsync(HttpContext http, string tenant)
    {
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(tenant, 1, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return null;
        }
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return null;
        }
        var place = new Place(lease);
        http.Features.Set(place);
        return place;
    }

    /// <summary>The tenant's requests running and queued now.</summary>
    public (long Running, long Queued) Load(string tenant) =>
        _limiter.GetStatistics(tenant) is { } now ? (options.InFlightPerTenant!.Value - now.CurrentAvailablePermits, now.CurrentQueuedCount) : (0, 0);

    /// <summary>Gives the request's place back before it ends (a read that now waits, holding no connection).</summary>
    public static void Leave(HttpContext http) => http.Features.Get<Place>()?.Dispose();

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();

    private sealed class Place(RateLimitLease lease) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) lease.Dispose();
        }
    }
}
