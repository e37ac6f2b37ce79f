using System.Globalization;
using Pim.Domain;

namespace Pim.Api.Console;

/// <summary>
/// An activation request as the console shows it: a headline ("Access valid until …", "Pending approval: stage 1 of 2,
/// 1 of 2 approvals"), a line of detail, and whether it still waits for something. The request's page writes it, and
/// its JSON (<c>?handler=status</c>) answers it, so the page reads the same with and without its script.
/// </summary>
public sealed record RequestView(string Status, string Headline, string HeadlinePrefix, DateTimeOffset? ValidUntil, string? Detail, bool Waiting)
{
    public const string ValidUntilPrefix = "Access valid until ";

    public static RequestView Of(ActivationSnapshot snapshot)
    {
        var request = snapshot.Request;
        var status = snapshot.Status;
        var wire = ActivationRequest.Wire(status);
        switch (status)
        {
            case ActivationStatus.Active:
                var extension = snapshot.PendingExtension is { } pending
                    ? $"An extension by {ConsoleFormat.Duration(pending.Duration)} waits for approval." : null;
                return request.EndsAt is { } ends
                    ? new RequestView(wire, ValidUntilPrefix + Stamp(ends), ValidUntilPrefix, ends, extension, extension is not null)
                    : new RequestView(wire, "Access active", "Access active", null, extension, extension is not null);
            case ActivationStatus.PendingApproval:
                return new RequestView(wire, "Pending approval" + Progress(request.Approval), "", null,
                    request.ApprovalDeadline is { } deadline ? $"Approvers have until {Stamp(deadline)}." : null, true);
            case ActivationStatus.Scheduled:
                return new RequestView(wire, $"Scheduled: access from {Stamp(request.StartsAt)}", "", null,
                    $"For {ConsoleFormat.Duration(request.Duration)}.", true);
            case ActivationStatus.Denied:
                return new RequestView(wire, "Denied", "", null, request.Decision is { } denied
                    ? $"Denied by {denied.DecidedBy}{(denied.Justification is { Length: > 0 } why ? ": " + why : ".")}" : null, false);
            default:
                return new RequestView(wire, ConsoleFormat.Status(status), "", null, request.ClosedAt is { } closed ? $"Since {Stamp(closed)}." : null, false);
        }
    }

    /// <summary>Where an approval stands: ": stage 1 of 2, 1 of 2 approvals".</summary>
    public static string Progress(ApprovalProgress? approval)
    {
        if (approval is null || approval.IsComplete) return "";
        var approvals = approval.Decisions.Count(d => d.Stage == approval.CurrentStage && d.Approved);
        var stage = approval.Stages.Count > 1 ? $"stage {approval.CurrentStage + 1} of {approval.Stages.Count}, " : "";
        return $": {stage}{approvals} of {approval.Current.Required} approval{(approval.Current.Required == 1 ? "" : "s")}";
    }

    /// <summary>An instant in the text a script may not reach (headline, detail): UTC, written out.</summary>
    private static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
