using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pim.Cli;

/// <summary>
/// What a command prints: a table for people (columns as wide as their widest cell, times in UTC), or, with <c>-o json</c>,
/// the wire objects as Pim sent them, for scripts.
/// </summary>
public sealed class Output(TextWriter writer, bool json)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public bool IsJson => json;

    public TextWriter Writer => writer;

    public void WriteJson<T>(T value) => writer.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>Rows under a header; with <c>-o json</c> the objects instead.</summary>
    public void Table<T>(IEnumerable<T> items, object? json, params (string Header, Func<T, string?> Cell)[] columns)
    {
        if (IsJson)
        {
            WriteJson(json ?? items);
            return;
        }
        var rows = items.Select(item => columns.Select(c => c.Cell(item) ?? "").ToArray()).ToList();
        if (rows.Count == 0)
        {
            writer.WriteLine("(none)");
            return;
        }
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, rows.Max(r => r[i].Length))).ToArray();
        writer.WriteLine(string.Join("  ", columns.Select((c, i) => c.Header.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows) writer.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
    }

    /// <summary>An enum as it is on the wire (<c>pendingApproval</c>), not as C# names it.</summary>
    public static string Wire<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, Json).Trim('"');

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "";

    public static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
