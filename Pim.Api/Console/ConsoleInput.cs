using System.Text.RegularExpressions;
using Pim.Api.Http;

namespace Pim.Api.Console;

/// <summary>
/// The bounds the API holds every body to (<see cref="Rules"/>), held by the console's forms too: no path into the
/// model validates less. A value out of bounds is a message on its field, and the use case is not called.
/// </summary>
public static partial class ConsoleInput
{
    /// <summary>Free text (a justification, a ticket): at most <paramref name="maxLength"/> characters, no control characters but tab and line breaks.</summary>
    public static string? Text(ConsolePage page, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (value.Length > maxLength) page.FieldErrors[field] = $"At most {maxLength} characters.";
        else if (!TextPattern().IsMatch(value)) page.FieldErrors[field] = "Text without control characters, please.";
        return value;
    }

    public static bool IsId(string? value) => value is { Length: > 0 } && Rules.IsId(value);

    [GeneratedRegex(Rules.TextPattern)]
    private static partial Regex TextPattern();
}
