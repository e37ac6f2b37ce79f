using System.Xml;

namespace Pim.Domain;

/// <summary>
/// ISO 8601 durations (PT1H, P1D) on the wire: positive and at most <see cref="Maximum"/>, so that, with instants kept
/// within <see cref="Clock.Earliest"/> … <see cref="Clock.Latest"/>, no arithmetic on them can overflow.
/// </summary>
public static class IsoDuration
{
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(36_500);
    public const int MaxLength = 32;
    /// <summary>A positive xs:duration, as <see cref="TryParse"/> reads and <see cref="Format"/> writes it.</summary>
    public const string Pattern = @"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || text[0] != 'P' || text.Any(char.IsWhiteSpace)) return false;
        try
        {
            value = XmlConvert.ToTimeSpan(text);
            return value > TimeSpan.Zero && value <= Maximum;
        }
        catch (FormatException) { return false; }
        catch (OverflowException) { return false; }
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a positive ISO 8601 duration of at most P36500D.");

    public static string Format(TimeSpan value) => XmlConvert.ToString(value);
}
