using System.Globalization;

namespace Pim.Bench.Report;

/// <summary>
/// What bench/run.sh recorded of a run, as it wrote it (<c>results.tsv</c>: a key, a tab, a value per line): the knobs
/// (<c>knob.DURATION</c>, …), the cases in order (<c>labels</c>, <c>profiled</c>) and each case's figures
/// (<c>pg-10k.eval.rps</c>, …).
/// </summary>
public sealed class Results(Dictionary<string, string> values)
{
    public static Results Read(string path) => new(File.ReadLines(path).Where(l => l.Contains('\t'))
        .Select(l => l.Split('\t', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal));

    public string? Text(string key) => values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    public double? Number(string key) =>
        Text(key) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    public long Whole(string key) => (long)(Number(key) ?? 0);

    public IReadOnlyList<string> List(string key) => Text(key)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public string Knob(string name) => Text($"knob.{name}") ?? "?";
}
