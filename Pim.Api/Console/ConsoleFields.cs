using Pim.Domain;

namespace Pim.Api.Console;

/// <summary>
/// Which form field a refusal concerns, from its problem code (and, for <c>validation-failed</c>, the field the use
/// case named): the console shows the message beside that field. A code that concerns no field is shown above the form.
/// Field names are the forms' own (<c>Duration</c>, <c>Justification</c>, <c>TicketNumber</c>, <c>StartsAt</c>, <c>BreakGlass</c>).
/// </summary>
public static class ConsoleFields
{
    private static readonly Dictionary<string, string> ByCode = new(StringComparer.Ordinal)
    {
        [ErrorCodes.DurationExceedsMaximum] = "Duration",
        [ErrorCodes.JustificationRequired] = "Justification",
        [ErrorCodes.TicketRequired] = "TicketNumber",
        [ErrorCodes.BreakGlassNotAllowed] = "BreakGlass",
    };

    /// <summary>The API's field names (camelCase, as use cases name them) and the forms' own.</summary>
    private static readonly Dictionary<string, string> ByField = new(StringComparer.OrdinalIgnoreCase)
    {
        ["duration"] = "Duration",
        ["justification"] = "Justification",
        ["ticket"] = "TicketNumber",
        ["ticket.number"] = "TicketNumber",
        ["ticket.system"] = "TicketSystem",
        ["startsAt"] = "StartsAt",
        ["breakGlass"] = "BreakGlass",
    };

    public static IReadOnlyList<(string Field, string Message)> Of(PimException refusal)
    {
        if (ByCode.TryGetValue(refusal.Code, out var field)) return [(field, refusal.Message)];
        if (refusal.Errors is not { Count: > 0 } errors) return [];
        return errors.Select(e => (ByField.GetValueOrDefault(e.Key) ?? e.Key, string.Join(" ", e.Value))).ToList();
    }
}
