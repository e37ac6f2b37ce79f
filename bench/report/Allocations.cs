using Microsoft.Diagnostics.Tracing.Etlx;

namespace Pim.Bench.Report;

/// <summary>
/// Where a process allocated, from a dotnet-trace of the <c>gc-verbose</c> profile (BENCH_TRACE_PROFILE=gc-verbose): the
/// runtime's AllocationTick events (one each ~100 KB allocated, naming the type of the object that crossed the mark, with
/// the allocating thread's stack), summed by type and by allocating stack — a sample of the bytes, proportional to them.
/// </summary>
public static class Allocations
{
    /// <summary>Frames of each stack shown (the allocation's own and its callers'), and stacks listed.</summary>
    private const int Frames = 6, Stacks = 60;

    public static string Render(string trace)
    {
        var byType = new Dictionary<string, long>();
        var byStack = new Dictionary<string, long>();
        long total = 0;
        using (var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(trace)))
        {
            var source = log.Events.GetSource();
            source.Clr.GCAllocationTick += tick =>
            {
                total += tick.AllocationAmount64;
                byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + tick.AllocationAmount64;
                var frames = new List<string>();
                for (var frame = tick.CallStack(); frame is not null && frames.Count < Frames; frame = frame.Caller)
                {
                    var name = frame.CodeAddress.FullMethodName;
                    if (string.IsNullOrEmpty(name)) continue; // the runtime's own allocator, without symbols
                    frames.Add(name.Length > 160 ? name[..160] : name);
                }
                var key = tick.TypeName + "\n      " + string.Join("\n      ", frames);
                byStack[key] = byStack.GetValueOrDefault(key) + tick.AllocationAmount64;
            };
            source.Process();
        }
        File.Delete(Path.ChangeExtension(trace, ".etlx"));
        var text = new System.Text.StringBuilder();
        text.AppendLine($"allocation ticks: {total / 1024} KB sampled (shares of it below)");
        text.AppendLine("\nby type:");
        foreach (var (type, bytes) in byType.OrderByDescending(b => b.Value).Take(40)) text.AppendLine($"{100.0 * bytes / total,6:F1}%  {type}");
        text.AppendLine(StacksHeading);
        foreach (var (stack, bytes) in byStack.OrderByDescending(b => b.Value).Take(Stacks)) text.AppendLine($"{100.0 * bytes / total,6:F2}%  {stack}");
        return text.ToString();
    }

    private const string StacksHeading = "\nby type and allocating stack (innermost frame first):";

    /// <summary>The first <paramref name="count"/> stacks of a rendering's list, each its share and type and its frames.</summary>
    public static IEnumerable<string> TopStacks(IEnumerable<string> rendered, int count)
    {
        var stacks = 0;
        foreach (var line in rendered.SkipWhile(l => l != StacksHeading[1..]).Skip(1))
        {
            if (!line.StartsWith("      ", StringComparison.Ordinal) && ++stacks > count) yield break; // a stack's first line
            yield return line;
        }
    }
}
