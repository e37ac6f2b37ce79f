using System.Collections.Concurrent;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Keeps the access-evaluation hot path free of writes: uses are aggregated in memory and written in batches by
/// <see cref="UsageFlushService"/> (a crash loses at most one flush interval of "last used" telemetry).
/// </summary>
public sealed class UsageRecorder : IUsageRecorder
{
    public sealed record Key(string TenantId, string AssignmentId, string ClientId);

    public sealed class Entry(bool service, DateTimeOffset at)
    {
        public bool Service { get; } = service;
        public DateTimeOffset FirstUsedAt { get; } = at;
        public DateTimeOffset LastUsedAt { get; set; } = at;
        public long Uses { get; set; }
    }

    private ConcurrentDictionary<Key, Entry> _pending = new();

    public void Record(string tenantId, string assignmentId, string clientId, DateTimeOffset at, bool service)
    {
        var entry = _pending.GetOrAdd(new Key(tenantId, assignmentId, clientId), _ => new Entry(service, at));
        lock (entry)
        {
            entry.Uses++;
            if (at > entry.LastUsedAt) entry.LastUsedAt = at;
        }
    }

    /// <summary>Takes everything recorded so far, for writing.</summary>
    public IReadOnlyList<KeyValuePair<Key, Entry>> Drain() => Interlocked.Exchange(ref _pending, new()).ToList();

    /// <summary>What is recorded but not yet written, for one assignment.</summary>
    public IEnumerable<KeyValuePair<Key, Entry>> Pending(string tenantId, string assignmentId) =>
        _pending.Where(p => p.Key.TenantId == tenantId && p.Key.AssignmentId == assignmentId);
}
