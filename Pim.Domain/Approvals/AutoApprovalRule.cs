using System.Text.RegularExpressions;

namespace Pim.Domain;

/// <summary>
/// A weekly time window in a named time zone (an IANA id, such as Europe/Berlin): the days it is open and the hours of each, from
/// <see cref="From"/> (included) to <see cref="To"/> (excluded), in that zone's local time.
/// </summary>
public sealed record WeeklyWindow(string TimeZone, IReadOnlyList<DayOfWeek> Days, TimeOnly From, TimeOnly To)
{
    /// <summary>The zone of the id, or null when this machine knows no zone by that id.</summary>
    public static TimeZoneInfo? FindZone(string id)
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        // Stryker disable once Block : an emptied catch answers the default, null, just the same
        catch (TimeZoneNotFoundException) { return null; }
        // Stryker disable once Block : as above
        catch (InvalidTimeZoneException) { return null; }
    }

    public bool Contains(DateTimeOffset instant)
    {
        var zone = FindZone(TimeZone);
        if (zone is null) return false; // a zone that vanished from the machine opens nothing
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return Days.Contains(local.DayOfWeek) && time >= From && time < To;
    }
}

/// <summary>
/// A named rule under which a request skips the approval stages (role settings <c>activation.approval.autoApprove</c>).
/// Every condition it names must hold; a rule names at least one. The ticket number pattern is a bounded regular
/// expression, matched against the whole number with a timeout: a pattern that takes too long matches nothing.
/// </summary>
public sealed record AutoApprovalRule(string Name, IReadOnlyList<string>? MemberOf = null, TimeSpan? MaximumDuration = null,
    IReadOnlyList<string>? TicketSystems = null, string? TicketNumberPattern = null, WeeklyWindow? Window = null)
{
    public const int MaximumRules = 10;
    public const int MaximumPatternLength = 200;
    public const int MaximumListed = 20;
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>The rule names a condition (a list names one when it has at least one element).</summary>
    public bool HasConditions => MemberOf is [_, ..] || MaximumDuration is not null || TicketSystems is [_, ..]
                                 || TicketNumberPattern is not null || Window is not null;

    /// <summary>Why the pattern cannot be used, or null when it compiles.</summary>
    public static string? PatternProblem(string pattern)
    {
        if (pattern.Length > MaximumPatternLength) return $"ticketNumberPattern may be at most {MaximumPatternLength} characters.";
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout);
            return null;
        }
        catch (ArgumentException e) { return $"ticketNumberPattern is not a regular expression: {e.Message}"; }
    }

    /// <summary>Whether a request with these facts, made at <paramref name="now"/>, meets every condition of the rule.</summary>
    public bool Matches(IReadOnlyCollection<string> requesterGroups, TimeSpan duration, Ticket? ticket, DateTimeOffset now)
    {
        if (!HasConditions) return false;
        if (MemberOf is [_, ..] && !MemberOf.Any(requesterGroups.Contains)) return false;
        if (duration > MaximumDuration) return false;
        if (TicketSystems is [_, ..] && (ticket?.System is null || !TicketSystems.Contains(ticket.System, StringComparer.OrdinalIgnoreCase))) return false;
        if (TicketNumberPattern is not null && (ticket?.Number is null || !FullyMatches(TicketNumberPattern, ticket.Number))) return false;
        if (Window is not null && !Window.Contains(now)) return false;
        return true;
    }

    private static bool FullyMatches(string pattern, string value)
    {
        try
        {
            var match = Regex.Match(value, pattern, RegexOptions.CultureInvariant, PatternTimeout);
            return match.Success && match.Index == 0 && match.Length == value.Length;
        }
        catch (RegexMatchTimeoutException) { return false; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>The first rule (in the settings' order) that a request meets, or null.</summary>
    public static AutoApprovalRule? FirstMatch(IReadOnlyList<AutoApprovalRule> rules, IReadOnlyCollection<string> requesterGroups, TimeSpan duration,
        Ticket? ticket, DateTimeOffset now) =>
        rules.FirstOrDefault(r => r.Matches(requesterGroups, duration, ticket, now));
}
