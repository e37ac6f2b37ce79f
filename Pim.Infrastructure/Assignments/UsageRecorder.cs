using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Keeps the access-evaluation hot path free of writes: uses are aggregated in memory and written in batches by
/// <see cref="UsageFlushService"/> (a crash loses at most what was not written yet of "last used" telemetry).
/// <para>
/// A (grant, client) pair is written at most once per <see cref="WriteEvery"/>: its first use at the next flush, so that
/// the store knows at once that it was used (alerts, access reviews and "make eligible" read that), and the uses after it
/// together, once the hour since that write is over (or at shutdown). A gateway asking about the same grants all day
/// costs the store one row write per grant and hour, not one per flush (issue 27). Flushes write at most
/// <see cref="PairsPerPeriod"/> pairs per <see cref="BudgetPeriod"/>: a burst of first uses reaches the store over the
/// minutes after it. What is held here is part of every answer about usage on this replica (<see cref="Pending"/>);
/// other replicas see the store's, at most an hour behind on "last used" and the count, and on whether it was used only
/// while such a burst is being written.
/// </para>
/// <para>
/// No object per pair: a gateway's first hour at a million assignments records hundreds of thousands of pairs, and as
/// objects (a dictionary node and an entry each) they were what the collector spent its pauses promoting — the 1M tail.
/// Pairs are structs in the arrays of <see cref="Shards"/> plain dictionaries, each under its own lock (a resize blocks
/// one shard's uses, not every use); the queues a flush reads are arrays of keys.
/// </para>
/// </summary>
public sealed class UsageRecorder(TimeProvider time, int pairsPerPeriod = UsageRecorder.PairsPerPeriod) : IUsageRecorder
{
    /// <summary>The most often one (grant, client) pair is written.</summary>
    public static readonly TimeSpan WriteEvery = TimeSpan.FromHours(1);

    /// <summary>
    /// The most pairs written per <see cref="BudgetPeriod"/>, however often flushes run (the background flush every 10 s,
    /// the governance sweep's before its alerts; the last flush, at shutdown, writes everything): a gateway's first minutes
    /// at a million assignments bring hundreds of thousands of first uses, and PostgreSQL spends ~10 µs on each row's
    /// index entry — written as they came, they took a core from evaluations for minutes (bench/README.md, "Sixth pass").
    /// Every (grant, client) pair is still written once an hour; a burst is written over the minutes after it, oldest
    /// first in each shard, first uses before the hourly ones.
    /// </summary>
    public const int PairsPerPeriod = 20_000;

    /// <summary>The period <see cref="PairsPerPeriod"/> is counted over: the budget refills evenly, and holds one period's worth at most.</summary>
    public static readonly TimeSpan BudgetPeriod = TimeSpan.FromSeconds(10);

    /// <summary>Independently locked parts of the pairs held (a power of two).</summary>
    private const int Shards = 64;

    public readonly record struct Key(string TenantId, string AssignmentId, string ClientId);

    /// <summary>Uses of one pair taken for writing (<see cref="Uses"/> of them, from <see cref="FirstUsedAt"/> to <see cref="LastUsedAt"/>).</summary>
    public readonly record struct Entry(bool Service, DateTimeOffset FirstUsedAt, DateTimeOffset LastUsedAt, long Uses);

    /// <summary>One pair as held: its uses not written yet, and when it was last written (0: not since it was last forgotten).</summary>
    private struct Slot
    {
        public bool Service, Queued;
        public long FirstUsedAt, LastUsedAt, Uses, WrittenAt;
    }

    private sealed class Shard
    {
        /// <summary>A <see cref="Lock"/>, not the shard's monitor: entered by nearly every evaluation, without a sync block's way in.</summary>
        public readonly Lock Gate = new();
        public readonly Dictionary<Key, Slot> Slots = [];
        /// <summary>Pairs used and never written (or forgotten since), oldest first: written at the next flush the budget allows.</summary>
        public readonly Queue<Key> Unwritten = new();
        /// <summary>Pairs written, oldest write first, each with the time of that write: a flush looks only at those whose
        /// hour is over, not at every pair held (a million-assignment directory can hold hundreds of thousands).</summary>
        public readonly Queue<(Key Key, long WrittenAt)> Written = new();
    }

    private readonly Shard[] _shards = Enumerable.Range(0, Shards).Select(_ => new Shard()).ToArray();

    /// <summary>The shard the next flush starts at: the one a flush's budget ran out in, so that every shard has its turn
    /// (two flushes at once — the background one and the governance sweep's — may both set it: either is a fair start).</summary>
    private int _nextShard;

    /// <summary>Pairs that may be written now (at most <see cref="PairsPerPeriod"/>), as of <see cref="_refilledAt"/>; a
    /// flush reserves what it may take and gives back what it did not.</summary>
    private double _budget = pairsPerPeriod;
    private long _refilledAt = time.GetUtcNow().UtcTicks;
    private readonly Lock _budgetGate = new();

    /// <summary>Pairs used for the first time (or first since they were forgotten) and not taken for writing yet
    /// (<c>pim.usage.unwritten</c>): a few between flushes, a burst's backlog while the budget writes it.</summary>
    public int Unwritten
    {
        get
        {
            var count = 0;
            foreach (var shard in _shards)
                lock (shard.Gate) count += shard.Unwritten.Count;
            return count;
        }
    }

    /// <summary>Each tenant id once: a request's tenant id is its own string, and a pair held for an hour should not keep it.</summary>
    private readonly ConcurrentDictionary<string, string> _tenantIds = new(StringComparer.Ordinal);

    /// <summary>A pair's shard, by its assignment (one string hashed, not three).</summary>
    private Shard ShardOf(string assignmentId) => _shards[assignmentId.GetHashCode() & (Shards - 1)];

    public void Record(string tenantId, string assignmentId, string clientId, DateTimeOffset at, bool service)
    {
        if (!_tenantIds.TryGetValue(tenantId, out var shared)) shared = _tenantIds.GetOrAdd(tenantId, tenantId);
        var key = new Key(shared, assignmentId, clientId);
        var ticks = at.UtcTicks;
        var shard = ShardOf(assignmentId);
        lock (shard.Gate)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(shard.Slots, key, out var held);
            if (!held) slot.Service = service;
            if (slot.Uses == 0) slot.FirstUsedAt = slot.LastUsedAt = ticks;
            slot.Uses++;
            if (ticks > slot.LastUsedAt) slot.LastUsedAt = ticks;
            if (slot.WrittenAt == 0 && !slot.Queued)
            {
                slot.Queued = true;
                shard.Unwritten.Enqueue(key);
            }
        }
    }

    /// <summary>
    /// Takes what is due for writing, within the budget (<see cref="PairsPerPeriod"/>; what is left waits for the next
    /// flush): every pair never written, then those last written <see cref="WriteEvery"/> ago or more with uses pending —
    /// or, with <paramref name="all"/> (shutdown), every pair with uses pending. Pairs with nothing pending whose hour is
    /// over are forgotten (their next use is a first use again).
    /// </summary>
    public IReadOnlyList<KeyValuePair<Key, Entry>> Drain(bool all = false)
    {
        var now = time.GetUtcNow().UtcTicks;
        var reserved = all ? int.MaxValue : Reserve(now);
        var due = new List<KeyValuePair<Key, Entry>>();
        try
        {
            TakeDue(now, all, reserved, due);
        }
        finally
        {
            if (!all) GiveBack(reserved - due.Count);
        }
        return due;
    }

    /// <summary>The budget refilled to now, and as much of it as a flush may take (whole pairs) set aside for it.</summary>
    private int Reserve(long now)
    {
        lock (_budgetGate)
        {
            var elapsed = Math.Max(0, now - _refilledAt);
            _budget = Math.Min(pairsPerPeriod, _budget + (double)elapsed / BudgetPeriod.Ticks * pairsPerPeriod);
            _refilledAt = Math.Max(_refilledAt, now);
            var reserved = (int)_budget;
            _budget -= reserved;
            return reserved;
        }
    }

    /// <summary>What a flush set aside and did not take, back to the budget.</summary>
    private void GiveBack(int unused)
    {
        lock (_budgetGate) _budget = Math.Min(pairsPerPeriod, _budget + unused);
    }

    /// <summary>
    /// The most pairs a flush takes from a shard while it holds the shard's lock (but at shutdown): an evaluation recording
    /// into that shard waits meanwhile. A burst's thousands taken under one hold stalled evaluations for milliseconds —
    /// the 1M tail (bench/README.md, "Sixth pass").
    /// </summary>
    private const int PerHold = 256;

    /// <summary>What is due, at most <paramref name="budget"/> pairs: first uses before any hourly write (the store should
    /// know first that a grant is relied on), each a slice of a shard at a time.</summary>
    private void TakeDue(long now, bool all, int budget, List<KeyValuePair<Key, Entry>> due)
    {
        var perHold = all ? int.MaxValue : PerHold;
        var start = _nextShard;
        budget = InTurns(start, budget, perHold, (shard, max) => TakeUnwritten(shard, now, max, due));
        if (budget > 0) InTurns(start, budget, perHold, (shard, max) => TakeWritten(shard, now, all, max, due));
    }

    /// <summary>The shards in turn from <paramref name="start"/>, a slice of at most <paramref name="perHold"/> under each
    /// hold of a shard's lock, until the budget is spent or no shard has more; returns what is left of the budget.</summary>
    private int InTurns(int start, int budget, int perHold, Func<Shard, int, (int Taken, bool More)> take)
    {
        for (var more = true; more && budget > 0;)
        {
            more = false;
            for (var i = 0; i < Shards && budget > 0; i++)
            {
                var index = (start + i) & (Shards - 1);
                var shard = _shards[index];
                (int Taken, bool More) slice;
                lock (shard.Gate) slice = take(shard, Math.Min(budget, perHold));
                budget -= slice.Taken;
                more |= slice.More;
                if (budget == 0) _nextShard = index;
            }
        }
        return budget;
    }

    /// <summary>A shard's first uses, oldest first, at most <paramref name="max"/> of them; and whether more wait.</summary>
    private static (int Taken, bool More) TakeUnwritten(Shard shard, long now, int max, List<KeyValuePair<Key, Entry>> due)
    {
        var taken = 0;
        while (taken < max && shard.Unwritten.TryDequeue(out var key))
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(shard.Slots, key);
            if (Unsafe.IsNullRef(ref slot)) continue;
            slot.Queued = false;
            if (Take(shard, key, ref slot, now, due)) taken++;
        }
        return (taken, shard.Unwritten.Count > 0);
    }

    /// <summary>A shard's pairs whose hour is over (every written pair, with <paramref name="all"/>), oldest write first, at
    /// most <paramref name="max"/> taken; and whether more may be due.</summary>
    private static (int Taken, bool More) TakeWritten(Shard shard, long now, bool all, int max, List<KeyValuePair<Key, Entry>> due)
    {
        var taken = 0;
        // Each pair written before this flush is looked at once at most: what it writes again goes to the back.
        for (var waiting = shard.Written.Count; waiting > 0; waiting--)
        {
            if (taken == max) return (taken, true);
            var (key, writtenAt) = shard.Written.Peek();
            var hourOver = now - writtenAt >= WriteEvery.Ticks;
            if (!all && !hourOver) break;
            shard.Written.Dequeue();
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(shard.Slots, key);
            // Forgotten, or written again since (a flush of everything): the later write is queued too.
            if (Unsafe.IsNullRef(ref slot) || slot.WrittenAt != writtenAt) continue;
            if (Take(shard, key, ref slot, now, due)) taken++;
            else if (hourOver) shard.Slots.Remove(key); // nothing pending
            else shard.Written.Enqueue((key, writtenAt)); // a flush of everything keeps what was written within the hour
        }
        return (taken, false);
    }

    /// <summary>A pair's pending uses, taken for writing now (its shard's lock held).</summary>
    private static bool Take(Shard shard, Key key, ref Slot slot, long now, List<KeyValuePair<Key, Entry>> due)
    {
        if (slot.Uses == 0) return false;
        due.Add(new(key, EntryOf(slot)));
        slot.Uses = 0;
        slot.WrittenAt = now;
        shard.Written.Enqueue((key, now));
        return true;
    }

    /// <summary>A pair's pending uses as the writer and the usage report read them.</summary>
    private static Entry EntryOf(in Slot slot) => new(slot.Service, Time(slot.FirstUsedAt), Time(slot.LastUsedAt), slot.Uses);

    private static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>What is recorded but not yet written, for one assignment.</summary>
    public IReadOnlyList<KeyValuePair<Key, Entry>> Pending(string tenantId, string assignmentId)
    {
        var pending = new List<KeyValuePair<Key, Entry>>();
        foreach (var shard in _shards)
            lock (shard.Gate)
                foreach (var (key, slot) in shard.Slots)
                    if (key.TenantId == tenantId && key.AssignmentId == assignmentId && slot.Uses > 0)
                        pending.Add(new(key, EntryOf(slot)));
        return pending;
    }
}
