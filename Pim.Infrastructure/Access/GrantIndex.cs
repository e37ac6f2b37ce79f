using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Pim.Infrastructure;

/// <summary>Configuration of the in-memory grant index (<c>Pim:Access:Cache</c>).</summary>
public sealed class AccessCacheOptions
{
    /// <summary>Off: every evaluation asks the store.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Rows held over all tenants (principals, memberships, assignments, activations, ended grants, scopes); least recently
    /// used tenants go first. Unset, the default: as many as <see cref="MemoryShare"/> of the memory available to Pim holds
    /// (<see cref="EffectiveMaxEntries"/>), so that a deployment given the memory for its directory holds all of it.
    /// </summary>
    public int? MaxEntries { get; set; }

    /// <summary>
    /// The share of the memory available to Pim (the machine's, or the container's limit: what the garbage collector may
    /// use) that the index may fill when <see cref="MaxEntries"/> is unset. A quarter by default.
    /// </summary>
    public double MemoryShare { get; set; } = 0.25;

    /// <summary>The least the derived bound is, however little memory is reported: a small directory is always held.</summary>
    public const int MinimumDerivedEntries = 100_000;

    /// <summary>
    /// The bound in rows: <see cref="MaxEntries"/> when set, else <see cref="MemoryShare"/> of <paramref name="availableBytes"/>
    /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>) at <see cref="TenantGrants.BytesPerEntry"/> each, and at least
    /// <see cref="MinimumDerivedEntries"/>.
    /// </summary>
    public int EffectiveMaxEntries(long availableBytes) =>
        MaxEntries ?? (int)Math.Clamp(availableBytes * MemoryShare / TenantGrants.BytesPerEntry, MinimumDerivedEntries, int.MaxValue);

    /// <summary>How long since the change feed was last heard from before the index is no longer trusted.</summary>
    public TimeSpan FeedTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an idle change feed proves it is alive (PostgreSQL: a round trip on its connection; SQLite: a look for outside writes).</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The wait before listening again after the change feed's connection was lost.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Tenants loaded at once (each load is a handful of queries in one snapshot).</summary>
    public int ConcurrentLoads { get; set; } = 2;

    /// <summary>
    /// How long after the change feed last proved the index current the index may still answer for the tenants it holds
    /// when the feed is lost and the store does not answer (a failover, an outage). Zero, the default: never — evaluations
    /// answer 503 while the store is away. SECURITY.md ("Evaluation through a failover") says what it risks.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.Zero;
}

/// <summary>
/// Every tenant's grants in memory (<see cref="TenantGrants"/>), so that an evaluation is a lookup, never stale:
/// <list type="bullet">
/// <item>a change is forgotten the moment its transaction commits on this replica (<see cref="DbSession"/>) and, on other
/// replicas, when PostgreSQL's change feed delivers it (<see cref="PostgresChangeFeed"/>, LISTEN pim_grants);</item>
/// <item>writes made outside Pim's unit of work reach it through the feed too: <see cref="SqliteChangeFeed"/> polls for them;</item>
/// <item>a tenant is answered from the index only while the feed proves it current (it was heard from within
/// <see cref="AccessCacheOptions.FeedTimeout"/>), otherwise from the store; when the feed is lost or comes back,
/// everything loaded is forgotten;</item>
/// <item>a load that a change overtakes (its generation moved while it read) is thrown away, never installed;</item>
/// <item>a tenant not loaded (cold, evicted, or too large for the bound) is answered from the store while it loads in the
/// background; when the feed connects, every tenant is loaded in turn until the bound is reached;</item>
/// <item>expiry needs nothing: every row keeps its start and end, applied at read time;</item>
/// <item>with a grace (<see cref="AccessCacheOptions.Grace"/>), a feed lost while it proved the index current leaves the
/// tenants held to answer, when the store cannot, until the grace from the last proof ends — a feed back meanwhile does
/// not end it, as requests may not reach the new primary yet (<see cref="Graced"/>).</item>
/// </list>
/// </summary>
public sealed class GrantIndex(Store store, AccessCacheOptions options, TenantChanges changes, TimeProvider time, ILogger<GrantIndex> logger)
{
    private sealed class Slot
    {
        public long Generation;
        public TenantGrants? Grants;
        public long LastUsed;
        public int Loading;
        public long RetryAfter;
    }

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loads = new(Math.Max(1, options.ConcurrentLoads));
    private readonly object _evicting = new();
    private readonly long _feedTimeout = (long)options.FeedTimeout.TotalMilliseconds;
    private readonly int _maxEntries = options.EffectiveMaxEntries(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    private long _entries;
    private long _epoch;
    private long _loaded;
    private volatile bool _live;
    private long _heardAt;
    private long _graceEnds = long.MinValue;

    /// <summary>
    /// The tenants held when the feed was lost at the start of the grace: what <see cref="Graced"/> answers for a tenant
    /// not loaded again since, until the grace ends — the feed coming back does not end it, since the feed's connection
    /// may reach the new primary before requests do. A change heard for a tenant takes it out.
    /// </summary>
    private readonly ConcurrentDictionary<string, TenantGrants> _graced = new(StringComparer.Ordinal);

    public bool Enabled => options.Enabled;

    /// <summary>Whether the index may answer now: the change feed proves it current.</summary>
    public bool Current => options.Enabled && _live && Environment.TickCount64 - Volatile.Read(ref _heardAt) < _feedTimeout;

    /// <summary>The most rows held over all tenants (<see cref="AccessCacheOptions.EffectiveMaxEntries"/>).</summary>
    public int MaxEntries => _maxEntries;

    /// <summary>Rows held now, over all tenants.</summary>
    public long Entries => Interlocked.Read(ref _entries);

    /// <summary>Tenants loaded since start (for diagnostics and tests: a tenant answered without a new load was answered from memory).</summary>
    public long Loads => Interlocked.Read(ref _loaded);

    /// <summary>Whether the change feed has proved that it heard everything committed before <paramref name="tick"/>
    /// (<see cref="Environment.TickCount64"/>): a change's own notification can no longer arrive after it (tests).</summary>
    public bool HeardSince(long tick) => Volatile.Read(ref _heardAt) > tick;

    public bool IsLoaded(string tenantId) => _slots.TryGetValue(tenantId, out var slot) && slot.Grants is not null;

    /// <summary>The tenant's grants when the index may answer for it; else null (ask the store), and a load starts if none runs.</summary>
    public TenantGrants? Find(string tenantId)
    {
        if (!Current) return null;
        if (_slots.TryGetValue(tenantId, out var slot) && slot.Grants is { } grants)
        {
            slot.LastUsed = Environment.TickCount64;
            return grants;
        }
        StartLoad(tenantId, slot);
        return null;
    }

    /// <summary>Forgets what the index holds of a tenant, and any load of it under way: a change committed.</summary>
    public void Invalidate(string tenantId)
    {
        if (_slots.TryGetValue(tenantId, out var slot)) Forget(slot, newGeneration: true);
        _graced.TryRemove(tenantId, out _);
        changes.Changed(tenantId);
    }

    /// <summary>Forgets everything (the change feed was lost or is back: what it did not tell is unknown).</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _epoch);
        foreach (var slot in _slots.Values) Forget(slot, newGeneration: true);
        changes.AllChanged();
    }

    /// <summary>The change feed listens again: forget what was loaded before (it may have missed changes), and trust it from now.</summary>
    public void FeedConnected()
    {
        var provenAt = Environment.TickCount64;
        if (!InGrace) _graced.Clear();
        InvalidateAll();
        Heard(provenAt);
        _live = true;
        _ = Task.Run(WarmAsync);
    }

    /// <summary>
    /// Loads every tenant, <see cref="AccessCacheOptions.ConcurrentLoads"/> at a time, until the bound is reached (the
    /// rest load when asked about): after a start or a lost feed, evaluations are answered from memory without each
    /// tenant's first questions going to the store. A change of epoch (the feed lost again) stops it. One at a time, a
    /// million-assignment directory took minutes to warm, and its evaluations went to the store meanwhile.
    /// </summary>
    private async Task WarmAsync()
    {
        try
        {
            var epoch = Interlocked.Read(ref _epoch);
            List<string> tenants;
            await using (var connection = await store.OpenAsync(CancellationToken.None))
                tenants = (await connection.QueryAsync<string>("SELECT tenant_id FROM tenants ORDER BY tenant_id")).ToList();
            foreach (var tenantId in tenants)
            {
                if (Interlocked.Read(ref _epoch) != epoch || !Current) return;
                if (IsLoaded(tenantId)) continue;
                await _loads.WaitAsync();
                // Full: the loads under way may evict the least recently used, but no more are started.
                if (Entries >= _maxEntries)
                {
                    _loads.Release();
                    return;
                }
                if (Claim(tenantId, null) is not { } slot) continue;
                _ = LoadAsync(tenantId, slot); // gives the permit back when it ends
            }
        }
        catch (Exception e)
        {
            logger.IndexWarmingFailed(e);
        }
    }

    /// <summary>
    /// The change feed is gone: answer from the store until it is back. With a grace, when the feed had proved the index
    /// current until a moment ago, what the index holds is kept for what is left of the grace (counted from that proof), for
    /// <see cref="Graced"/>; loads under way are dropped. Lost again within the grace — while it tries to listen, or
    /// moments after it listened again, in a failover — the grace runs its course.
    /// </summary>
    public void FeedLost()
    {
        var sinceProof = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _heardAt));
        var wasCurrent = Current;
        _live = false;
        if (InGrace) return;
        if (wasCurrent && options.Grace > sinceProof)
        {
            var left = options.Grace - sinceProof;
            _graced.Clear();
            foreach (var (tenantId, slot) in _slots)
                if (slot.Grants is { } grants) _graced[tenantId] = grants;
            Volatile.Write(ref _graceEnds, time.GetTimestamp() + (long)(left.TotalSeconds * time.TimestampFrequency));
            Interlocked.Increment(ref _epoch);
            changes.AllChanged();
            logger.LogWarning("The grant change feed was lost: for {Left} at most, evaluations the store cannot answer are answered from memory (Pim:Access:Cache:Grace)",
                left);
            return;
        }
        _graced.Clear();
        InvalidateAll();
    }

    private bool InGrace => time.GetTimestamp() < Volatile.Read(ref _graceEnds);

    /// <summary>
    /// While the grace lasts, the tenant's grants as the index holds them (loaded while the feed proved them current), or
    /// else as it held them when the feed was lost, unless a change was heard for it since; else null. Only for when the
    /// store does not answer (<see cref="IndexedAccessReader"/>): a store that answers always does.
    /// </summary>
    public TenantGrants? Graced(string tenantId) =>
        !InGrace ? null
        : _slots.TryGetValue(tenantId, out var slot) && slot.Grants is { } held ? held
        : _graced.GetValueOrDefault(tenantId);

    /// <summary>
    /// The change feed proved alive (a notification or a heartbeat arrived): everything committed before
    /// <paramref name="provenAt"/> (<see cref="Environment.TickCount64"/> taken before the proof: the round trip, the
    /// version read) has been heard. The time of the proof, not of this call: a feed thread held up between the two must
    /// not vouch for commits it has not seen. Never moves back.
    /// </summary>
    public void Heard(long provenAt)
    {
        var heard = Volatile.Read(ref _heardAt);
        while (provenAt > heard)
        {
            var seen = Interlocked.CompareExchange(ref _heardAt, provenAt, heard);
            if (seen == heard) return;
            heard = seen;
        }
    }

    private void Forget(Slot slot, bool newGeneration)
    {
        lock (slot)
        {
            if (newGeneration) slot.Generation++;
            if (slot.Grants is null) return;
            Interlocked.Add(ref _entries, -slot.Grants.Entries);
            slot.Grants = null;
        }
    }

    private void StartLoad(string tenantId, Slot? slot)
    {
        if (slot is not null && (Volatile.Read(ref slot.Loading) == 1 || Environment.TickCount64 < Volatile.Read(ref slot.RetryAfter))) return;
        // Never queue: when both loaders are busy, the store answers and a later evaluation starts the load.
        if (!_loads.Wait(0) || Claim(tenantId, slot) is not { } claimed) return;
        _ = Task.Run(() => LoadAsync(tenantId, claimed));
    }

    /// <summary>
    /// With a loader's permit held: the tenant's slot, marked as loading — or null, and the permit given back, when a load
    /// of it already runs. <see cref="LoadAsync"/> gives the permit back when it ends.
    /// </summary>
    private Slot? Claim(string tenantId, Slot? slot)
    {
        slot ??= _slots.GetOrAdd(tenantId, _ => new Slot());
        if (Interlocked.CompareExchange(ref slot.Loading, 1, 0) == 0) return slot;
        _loads.Release();
        return null;
    }

    /// <returns>The rows of the tenant when it was installed (null otherwise).</returns>
    private async Task<int?> LoadAsync(string tenantId, Slot slot)
    {
        try
        {
            long generation;
            lock (slot) generation = slot.Generation;
            var epoch = Interlocked.Read(ref _epoch);
            var grants = await GrantIndexLoader.LoadAsync(store, tenantId, time.GetUtcNow(), CancellationToken.None);
            if (grants is null)
            {
                _slots.TryRemove(new KeyValuePair<string, Slot>(tenantId, slot)); // no such tenant: nothing to keep
                return null;
            }
            if (grants.Entries > _maxEntries)
            {
                logger.TenantTooLargeToHold(tenantId, grants.Entries, _maxEntries);
                Volatile.Write(ref slot.RetryAfter, Environment.TickCount64 + 60_000);
                return null;
            }
            lock (slot)
            {
                // A change committed (or the feed dropped) while this load read: what it read may predate it.
                if (slot.Generation != generation || Interlocked.Read(ref _epoch) != epoch || !Current) return null;
                slot.Grants = grants;
                slot.LastUsed = Environment.TickCount64;
                Interlocked.Add(ref _entries, grants.Entries);
                Interlocked.Increment(ref _loaded);
            }
            EvictBeyondBound(slot);
            return grants.Entries;
        }
        catch (Exception e)
        {
            logger.TenantLoadFailed(e, tenantId);
            Volatile.Write(ref slot.RetryAfter, Environment.TickCount64 + 1_000);
            return null;
        }
        finally
        {
            Volatile.Write(ref slot.Loading, 0);
            _loads.Release();
        }
    }

    /// <summary>Over the bound: forget the least recently used tenants (never the one just loaded) until under it.</summary>
    private void EvictBeyondBound(Slot loaded)
    {
        if (Entries <= _maxEntries) return;
        lock (_evicting)
        {
            foreach (var slot in _slots.Values.Where(s => s != loaded && s.Grants is not null).OrderBy(s => s.LastUsed).ToList())
            {
                if (Entries <= _maxEntries) break;
                Forget(slot, newGeneration: false);
            }
        }
    }
}
