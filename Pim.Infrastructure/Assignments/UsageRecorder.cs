using System.Collections.Concurrent;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Keeps the access-evaluation hot path free of writes: uses are aggregated in memory and written in batches by
/// <see cref="UsageFlushService"/> (a crash loses at most what was not written yet of "last used" telemetry).
/// <para>
/// A (grant, client) pair is written at most once per <see cref="WriteEvery"/>: its first use at the next flush, so that
/// the store knows at once that it was used (alerts, access reviews and "make eligible" read that), and the uses after it
/// together, once the hour since that write is over (or at shutdown). A gateway asking about the same grants all day
/// costs the store one row write per grant and hour, not one per flush (issue 27). What is held here is part of every
/// answer about usage on this replica (<see cref="Pending"/>); other replicas see the store's, at most an hour behind on
/// "last used" and the count, never on whether it was used.
/// </para>
/// </summary>
public sealed class UsageRecorder(TimeProvider time) : IUsageRecorder
{
    /// <summary>The most often one (grant, client) pair is written.</summary>
    public static readonly TimeSpan WriteEvery = TimeSpan.FromHours(1);

    public readonly record struct Key(string TenantId, string AssignmentId, string ClientId);

    /// <summary>Uses of one pair not written yet (<see cref="Uses"/> of them, from <see cref="FirstUsedAt"/> to <see cref="LastUsedAt"/>).</summary>
    public sealed class Entry(bool service, DateTimeOffset at)
    {
        public bool Service { get; } = service;
        public DateTimeOffset FirstUsedAt { get; internal set; } = at;
        public DateTimeOffset LastUsedAt { get; set; } = at;
        public long Uses { get; set; }
        /// <summary>When this pair was last written (null: not since it was last forgotten).</summary>
        internal DateTimeOffset? WrittenAt;
        /// <summary>Forgotten (nothing pending, written over an hour ago): a use finds a new entry instead.</summary>
        internal bool Retired;
    }

    private readonly ConcurrentDictionary<Key, Entry> _entries = new();

    public void Record(string tenantId, string assignmentId, string clientId, DateTimeOffset at, bool service)
    {
        var key = new Key(tenantId, assignmentId, clientId);
        while (true)
        {
            var entry = _entries.GetOrAdd(key, static (_, a) => new Entry(a.service, a.at), (service, at));
            lock (entry)
            {
                if (entry.Retired) continue;
                if (entry.Uses == 0) entry.FirstUsedAt = entry.LastUsedAt = at;
                entry.Uses++;
                if (at > entry.LastUsedAt) entry.LastUsedAt = at;
                return;
            }
        }
    }

    /// <summary>
    /// Takes what is due for writing: every pair never written, or last written <see cref="WriteEvery"/> ago or more, with
    /// uses pending — or, with <paramref name="all"/> (shutdown), every pair with uses pending. Pairs with nothing pending
    /// whose hour is over are forgotten (their next use is written at once).
    /// </summary>
    public IReadOnlyList<KeyValuePair<Key, Entry>> Drain(bool all = false)
    {
        var now = time.GetUtcNow();
        var due = new List<KeyValuePair<Key, Entry>>();
        foreach (var pair in _entries)
        {
            var entry = pair.Value;
            lock (entry)
            {
                var hourOver = entry.WrittenAt is not { } written || now - written >= WriteEvery;
                if (entry.Uses > 0 && (all || hourOver))
                {
                    due.Add(new(pair.Key, new Entry(entry.Service, entry.FirstUsedAt) { LastUsedAt = entry.LastUsedAt, Uses = entry.Uses }));
                    entry.Uses = 0;
                    entry.WrittenAt = now;
                }
                else if (entry.Uses == 0 && hourOver)
                {
                    entry.Retired = true;
                    _entries.TryRemove(pair);
                }
            }
        }
        return due;
    }

    /// <summary>What is recorded but not yet written, for one assignment.</summary>
    public IEnumerable<KeyValuePair<Key, Entry>> Pending(string tenantId, string assignmentId) =>
        _entries.Where(p => p.Key.TenantId == tenantId && p.Key.AssignmentId == assignmentId && p.Value.Uses > 0);
}
