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
        /// <summary>Waiting among the pairs never written.</summary>
        internal bool Queued;
    }

    private readonly ConcurrentDictionary<Key, Entry> _entries = new();

    /// <summary>Pairs used and never written (or forgotten since): written at the next flush.</summary>
    private readonly ConcurrentQueue<KeyValuePair<Key, Entry>> _unwritten = new();

    /// <summary>Pairs written, oldest write first, each with the time of that write: a flush looks only at those whose hour
    /// is over, not at every pair held (a million-assignment directory can hold hundreds of thousands).</summary>
    private readonly Queue<(Key Key, Entry Entry, DateTimeOffset WrittenAt)> _written = new();

    private readonly object _draining = new();

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
                if (entry.WrittenAt is null && !entry.Queued)
                {
                    entry.Queued = true;
                    _unwritten.Enqueue(new(key, entry));
                }
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
        lock (_draining)
        {
            var now = time.GetUtcNow();
            var due = new List<KeyValuePair<Key, Entry>>();
            while (_unwritten.TryDequeue(out var pair))
                lock (pair.Value)
                {
                    pair.Value.Queued = false;
                    Take(pair.Key, pair.Value, now, due);
                }
            // Each pair written before this flush is looked at once at most: what it writes again goes to the back.
            for (var waiting = _written.Count; waiting > 0 && _written.TryPeek(out var written); waiting--)
            {
                var hourOver = now - written.WrittenAt >= WriteEvery;
                if (!all && !hourOver) break;
                _written.Dequeue();
                lock (written.Entry)
                {
                    // Written again since (a flush of everything): the later write is queued too.
                    if (written.Entry.WrittenAt != written.WrittenAt) continue;
                    if (written.Entry.Uses > 0) Take(written.Key, written.Entry, now, due);
                    else if (hourOver)
                    {
                        written.Entry.Retired = true;
                        _entries.TryRemove(new KeyValuePair<Key, Entry>(written.Key, written.Entry));
                    }
                    else _written.Enqueue(written); // a flush of everything keeps what was written within the hour
                }
            }
            return due;
        }
    }

    /// <summary>A pair's pending uses, taken for writing now (its entry's lock held).</summary>
    private void Take(Key key, Entry entry, DateTimeOffset now, List<KeyValuePair<Key, Entry>> due)
    {
        if (entry.Uses == 0 || entry.Retired) return;
        due.Add(new(key, new Entry(entry.Service, entry.FirstUsedAt) { LastUsedAt = entry.LastUsedAt, Uses = entry.Uses }));
        entry.Uses = 0;
        entry.WrittenAt = now;
        _written.Enqueue((key, entry, now));
    }

    /// <summary>What is recorded but not yet written, for one assignment.</summary>
    public IEnumerable<KeyValuePair<Key, Entry>> Pending(string tenantId, string assignmentId) =>
        _entries.Where(p => p.Key.TenantId == tenantId && p.Key.AssignmentId == assignmentId && p.Value.Uses > 0);
}
