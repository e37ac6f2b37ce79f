using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pim.Client;

namespace Pim.Cli;

/// <summary>How people type durations, times and tickets on the command line, turned into what Pim's wire takes.</summary>
public static partial class Values
{
    /// <summary><c>1h</c>, <c>90m</c>, <c>1h30m</c>, <c>2d</c> (or an ISO 8601 duration, <c>PT1H</c>) as an ISO 8601 duration.</summary>
    public static string Duration(string text)
    {
        if (text.StartsWith('P') || text.StartsWith('p')) return text.ToUpperInvariant();
        return Iso(Span(text));
    }

    public static TimeSpan Span(string text)
    {
        var match = Human().Match(text.Trim());
        if (!match.Success || match.Length == 0) throw CliException.Usage($"pim: '{text}' is not a duration (e.g. 30m, 1h, 1h30m, 7d, or PT1H).");
        double Part(string unit) => match.Groups[unit].Success ? double.Parse(match.Groups[unit].Value, CultureInfo.InvariantCulture) : 0;
        return TimeSpan.FromDays(Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
    }

    public static string Iso(TimeSpan span)
    {
        var text = new StringBuilder("P");
        if (span.Days > 0) text.Append(CultureInfo.InvariantCulture, $"{span.Days}D");
        if (span.Hours + span.Minutes + span.Seconds > 0 || span.Days == 0) text.Append('T');
        if (span.Hours > 0) text.Append(CultureInfo.InvariantCulture, $"{span.Hours}H");
        if (span.Minutes > 0) text.Append(CultureInfo.InvariantCulture, $"{span.Minutes}M");
        if (span.Seconds > 0 || text[^1] == 'T') text.Append(CultureInfo.InvariantCulture, $"{span.Seconds}S");
        return text.ToString();
    }

    /// <summary>A point in time: ISO 8601 (<c>2026-12-06T09:00:00Z</c>) or, for "since", an age (<c>24h</c>, <c>7d</c>) back from now.</summary>
    public static DateTimeOffset Time(string text, DateTimeOffset now)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)) return time;
        return now - Span(text);
    }

    /// <summary>A later start: ISO 8601, or a delay from now (<c>2h</c>).</summary>
    public static DateTimeOffset Start(string text, DateTimeOffset now) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : now + Span(text);

    /// <summary><c>SYSTEM:NUMBER</c> (<c>ServiceNow:CHG-4711</c>), or a bare number.</summary>
    public static Ticket Ticket(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? new Ticket { Number = text } : new Ticket { System = text[..colon], Number = text[(colon + 1)..] };
    }

    [GeneratedRegex(@"^(?:(?<d>\d+(?:\.\d+)?)d)?(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Human();
}
