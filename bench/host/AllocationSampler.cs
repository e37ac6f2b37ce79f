using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Pim.Bench;

/// <summary>
/// What Pim allocates, by type: the runtime's AllocationTick events (one per ~100 KB allocated, naming the type of the
/// object that crossed the mark), counted while <c>POST /bench/alloc/start</c> … <c>GET /bench/alloc</c> runs — a
/// sample proportional to the bytes each type takes. Off unless started: listening costs the process itself.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private EventSource? _runtime;
    private volatile bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") _runtime = source;
    }

    public void Start()
    {
        _bytes.Clear();
        _on = true;
        if (_runtime is not null) EnableEvents(_runtime, EventLevel.Verbose, GcKeyword);
    }

    /// <summary>Stops and answers the sampled bytes by type, most first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Stop()
    {
        _on = false;
        if (_runtime is not null) DisableEvents(_runtime);
        return [.. _bytes.OrderByDescending(b => b.Value).Take(40)];
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames?.IndexOf("TypeName") is int t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames?.IndexOf("AllocationAmount64") is int a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
}
