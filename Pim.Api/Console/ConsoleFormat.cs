using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Pim.Domain;

namespace Pim.Api.Console;

/// <summary>How the console writes instants, durations and statuses. An instant is a <c>&lt;time&gt;</c> with its UTC
/// instant in <c>datetime</c> and as text; the console's script shows it in the reader's time zone, the UTC instant on hover.</summary>
public static class ConsoleFormat
{
    public static IHtmlContent Time(DateTimeOffset? at, string? none = "—")
    {
        if (at is not { } instant) return new HtmlString(HtmlEncoder.Default.Encode(none ?? ""));
        var iso = Iso(instant);
        var text = instant.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        return new HtmlString($"<time datetime=\"{iso}\" title=\"{text}\">{text}</time>");
    }

    /// <summary>The UTC instant, to the second, as a <c>&lt;time datetime&gt;</c> carries it.</summary>
    public static string Iso(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan duration)
    {
        if (duration.TotalDays >= 1 && duration.Hours == 0 && duration.Minutes == 0) return $"{(int)duration.TotalDays} d";
        var hours = (int)duration.TotalHours;
        return (hours, duration.Minutes) switch
        {
            (0, var m) => $"{m} min",
            (var h, 0) => $"{h} h",
            var (h, m) => $"{h} h {m} min",
        };
    }

    /// <summary>A status as people read it.</summary>
    public static string Status(string wire) => wire switch
    {
        "eligible" => "Eligible",
        "active" => "Active",
        "pendingApproval" => "Pending approval",
        "scheduled" => "Scheduled",
        "denied" => "Denied",
        "timedOut" => "Timed out",
        "canceled" => "Canceled",
        "deactivated" => "Deactivated",
        "expired" => "Expired",
        "revoked" => "Revoked",
        "inProgress" => "In progress",
        "ended" => "Ended",
        "applied" => "Applied",
        _ => wire,
    };

    public static string Status(ActivationStatus status) => Status(ActivationRequest.Wire(status));

    /// <summary>The durations an activation form offers: every half hour up to the maximum, capped by it.</summary>
    public static IReadOnlyList<TimeSpan> DurationChoices(TimeSpan maximum)
    {
        var choices = new List<TimeSpan>();
        for (var d = TimeSpan.FromMinutes(30); d < maximum && choices.Count < 24; d += d < TimeSpan.FromHours(4) ? TimeSpan.FromMinutes(30) : TimeSpan.FromHours(2))
            choices.Add(d);
        choices.Add(maximum);
        return choices;
    }
}
