using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Assignments;

/// <summary>
/// The usage recorder writes each (grant, client) pair at most once an hour, and a flush looks only at the pairs used
/// for the first time and those whose hour is over (issue 27): what it takes is exactly what was recorded, once.
/// </summary>
public sealed class UsageRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    private static long Uses(IReadOnlyList<KeyValuePair<UsageRecorder.Key, UsageRecorder.Entry>> due, string assignmentId) =>
        due.Where(d => d.Key.AssignmentId == assignmentId).Sum(d => d.Value.Uses);

    [Fact]
    public void A_pair_is_written_at_its_first_use_then_once_an_hour_and_forgotten_after_an_hour_unused()
    {
        var recorder = new UsageRecorder(_time);
        recorder.Record("t", "a1", "gateway", _time.GetUtcNow(), service: true);
        recorder.Record("t", "a1", "gateway", _time.GetUtcNow(), service: true);
        Assert.Equal(2, Uses(recorder.Drain(), "a1"));

        // Within the hour: held, not due; reported as pending.
        _time.Advance(TimeSpan.FromMinutes(10));
        recorder.Record("t", "a1", "gateway", _time.GetUtcNow(), service: true);
        Assert.Empty(recorder.Drain());
        Assert.Equal(1, Assert.Single(recorder.Pending("t", "a1")).Value.Uses);

        // The hour since the write is over: due, with the time of its last use.
        _time.Advance(TimeSpan.FromMinutes(50));
        var due = Assert.Single(recorder.Drain());
        Assert.Equal((1L, _time.GetUtcNow().AddMinutes(-50)), (due.Value.Uses, due.Value.LastUsedAt));

        // An hour without a use: forgotten, so that the next use is written at the next flush, not an hour later.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(recorder.Drain());
        recorder.Record("t", "a1", "gateway", _time.GetUtcNow(), service: true);
        Assert.Equal(1, Uses(recorder.Drain(), "a1"));
    }

    [Fact]
    public void A_flush_of_everything_takes_every_pending_use_and_the_next_flush_does_not_take_them_again()
    {
        var recorder = new UsageRecorder(_time);
        recorder.Record("t", "a1", "gateway", _time.GetUtcNow(), service: true);
        Assert.Single(recorder.Drain());
        _time.Advance(TimeSpan.FromMinutes(5));
        recorder.Record("t", "a1", "gateway", _time.GetUtcNow(), service: true);
        recorder.Record("t", "a2", "gateway", _time.GetUtcNow(), service: true);
        var all = recorder.Drain(all: true);
        Assert.Equal((1L, 1L), (Uses(all, "a1"), Uses(all, "a2")));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(recorder.Drain());
    }

    /// <summary>
    /// A burst of first uses (a gateway's first minutes at a million assignments) is written over the minutes after it,
    /// never more than the budget per period however often flushes run: first uses before the hourly writes, and every
    /// pair in the end.
    /// </summary>
    [Fact]
    public void Flushes_take_at_most_the_budget_first_uses_first_and_the_next_periods_take_the_rest()
    {
        var recorder = new UsageRecorder(_time, pairsPerPeriod: 3);
        recorder.Record("t", "a0", "gateway", _time.GetUtcNow(), service: true);
        Assert.Single(recorder.Drain());
        _time.Advance(TimeSpan.FromHours(1));
        recorder.Record("t", "a0", "gateway", _time.GetUtcNow(), service: true); // its hour is over: due again
        for (var i = 1; i <= 5; i++) recorder.Record("t", $"a{i}", "gateway", _time.GetUtcNow(), service: true);

        var first = recorder.Drain();
        Assert.Equal(3, first.Count);
        Assert.DoesNotContain(first, d => d.Key.AssignmentId == "a0");
        Assert.Empty(recorder.Drain()); // another flush at once (the governance sweep's) has no budget left
        _time.Advance(UsageRecorder.BudgetPeriod * 0.4); // 1.2 pairs' worth
        var second = Assert.Single(recorder.Drain());
        Assert.NotEqual("a0", second.Key.AssignmentId);
        _time.Advance(UsageRecorder.BudgetPeriod);
        var third = recorder.Drain();
        Assert.Equal(2, third.Count);
        Assert.Contains(third, d => d.Key.AssignmentId == "a0");
        _time.Advance(UsageRecorder.BudgetPeriod);
        Assert.Empty(recorder.Drain());
        Assert.Equal(["a0", "a1", "a2", "a3", "a4", "a5"], first.Append(second).Concat(third).Select(d => d.Key.AssignmentId).Order().ToArray());

        // Shutdown writes everything held, whatever the budget.
        for (var i = 6; i <= 10; i++) recorder.Record("t", $"a{i}", "gateway", _time.GetUtcNow(), service: true);
        Assert.Equal(5, recorder.Drain(all: true).Count);
    }

    /// <summary>A flush takes a burst from every shard a slice at a time (so that no evaluation waits long for a shard's lock):
    /// still exactly its budget, each pair once, and the rest at the next period.</summary>
    [Fact]
    public void A_burst_larger_than_a_slice_of_every_shard_is_taken_in_turns_to_exactly_the_budget()
    {
        var recorder = new UsageRecorder(_time, pairsPerPeriod: 30_000);
        for (var i = 0; i < 40_000; i++) recorder.Record("t", $"a{i}", "gateway", _time.GetUtcNow(), service: true);

        var first = recorder.Drain();
        Assert.Equal(30_000, first.Count);
        _time.Advance(UsageRecorder.BudgetPeriod);
        var rest = recorder.Drain();
        Assert.Equal(10_000, rest.Count);
        Assert.Equal(40_000, first.Concat(rest).Select(d => d.Key.AssignmentId).Distinct().Count());
    }

    /// <summary>
    /// What waits for its first write is counted, and observed as <c>pim.usage.unwritten</c> (the gauge sums this process's
    /// recorders: other tests' count too, never less than this one's).
    /// </summary>
    [Fact]
    public void First_uses_waiting_for_the_budget_are_counted_and_observed_as_a_gauge()
    {
        var recorder = new UsageRecorder(_time, pairsPerPeriod: 3);
        PimTelemetry.Observe(recorder);
        for (var i = 1; i <= 5; i++) recorder.Record("t", $"a{i}", "gateway", _time.GetUtcNow(), service: true);
        recorder.Record("t", "a1", "gateway", _time.GetUtcNow(), service: true); // used again: one pair, counted once
        Assert.Equal(5, recorder.Unwritten);
        Assert.True(Observed("pim.usage.unwritten") >= 5);

        Assert.Equal(3, recorder.Drain().Count);
        Assert.Equal(2, recorder.Unwritten);
        _time.Advance(UsageRecorder.BudgetPeriod);
        Assert.Equal(2, recorder.Drain().Count);
        Assert.Equal(0, recorder.Unwritten);
    }

    private static long Observed(string instrument)
    {
        long value = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == PimTelemetry.Name && i.Name == instrument) l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<long>((_, measurement, _, _) => value += measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

    /// <summary>Uses recorded while flushes run, from many threads: every one is taken exactly once, whether a flush takes
    /// everything due or only its budget.</summary>
    [Theory]
    [InlineData(UsageRecorder.PairsPerPeriod)]
    [InlineData(7)]
    public async Task Racing_uses_and_flushes_lose_no_use_and_take_none_twice(int pairsPerPeriod)
    {
        var recorder = new UsageRecorder(_time, pairsPerPeriod);
        const int threads = 4, perThread = 50_000, pairs = 500;
        long taken = 0;
        using var stop = new CancellationTokenSource();
        var flushing = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var (_, entry) in recorder.Drain()) Interlocked.Add(ref taken, entry.Uses);
                _time.Advance(TimeSpan.FromMinutes(7)); // hours pass: pairs come due and are forgotten meanwhile
            }
        });
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++)
                recorder.Record("t", $"a{(i * 7 + t) % pairs}", "gateway", _time.GetUtcNow(), service: true);
        })));
        stop.Cancel();
        await flushing;
        foreach (var (_, entry) in recorder.Drain(all: true)) taken += entry.Uses;
        Assert.Equal((long)threads * perThread, taken);
    }
}
