using System.Globalization;
using System.Text;

namespace Pim.Domain;

/// <summary>Who is told of security alerts and access reviews.</summary>
public sealed partial class Notifier
{
    /// <summary>The most new incidents one alert email lists (the API lists them all).</summary>
    public const int MaximumIncidentsEmailed = 20;

    /// <summary>New incidents of one alert: the active Privileged Role and Security Administrators learn what they are about and what to do.</summary>
    public async Task AlertsRaisedAsync(AlertDefinition definition, IReadOnlyList<(AlertIncident Incident, string Description)> raised, CancellationToken ct)
    {
        var tenantId = raised[0].Incident.TenantId;
        var administrators = await access.ListHoldersAsync(tenantId, RoleCatalog.DefaultApprovers, time.Now(), ct);
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Pim raised the security alert \"{definition.DisplayName}\" ({definition.Type}): {raised.Count} new incident(s).\n\n")
            .Append(CultureInfo.InvariantCulture, $"Recommended action: {definition.RecommendedAction}\n");
        foreach (var (incident, description) in raised.Take(MaximumIncidentsEmailed))
            body.Append(CultureInfo.InvariantCulture, $"\n{description}\nRole: {await RoleNameAsync(tenantId, incident.RoleId, ct)} ({incident.RoleId})\nScope: {incident.Scope}\n")
                .Append(CultureInfo.InvariantCulture, $"Raised: {Stamp(incident.RaisedAt)}\nAlert id: {incident.Id}\n");
        if (raised.Count > MaximumIncidentsEmailed)
            body.Append(CultureInfo.InvariantCulture, $"\n… and {raised.Count - MaximumIncidentsEmailed} more: GET /v1/tenants/{tenantId}/alerts?alertType={definition.Type}\n");
        await SendAsync(tenantId, administrators, [], $"PIM alert: {definition.DisplayName}", body.ToString(), ct, topic: $"alert:{definition.Type}");
    }

    /// <summary>The reviewers learn that an access review started, what it covers, and until when they may decide.</summary>
    public Task AccessReviewStartedAsync(AccessReview review, AccessReviewInstance instance, int items, IReadOnlyList<string> reviewers,
        CancellationToken ct) =>
        SendAsync(review.TenantId, reviewers, [], $"PIM: access review \"{Line(review.DisplayName)}\" started",
            Describe(review, instance) + $"Items: {items}\n\nDecide on each item (keep or remove) before {Stamp(instance.EndsAt)}; undecided items then take " +
            $"the default decision ({AccessReviewDecisions.ToText(review.DefaultDecision)}).\n" + ReviewLink(review, instance), ct);

    /// <summary>Before the end: the reviewers who still have items to decide are reminded.</summary>
    public Task AccessReviewReminderAsync(AccessReview review, AccessReviewInstance instance, int undecided, IReadOnlyList<string> reviewers,
        CancellationToken ct) =>
        SendAsync(review.TenantId, reviewers, [], $"PIM: reminder, access review \"{Line(review.DisplayName)}\" ends {Stamp(instance.EndsAt)}",
            Describe(review, instance) + $"Undecided items: {undecided}\n\nDecide on them before {Stamp(instance.EndsAt)}; they then take the default " +
            $"decision ({AccessReviewDecisions.ToText(review.DefaultDecision)}).\n" + ReviewLink(review, instance), ct);

    /// <summary>The holder of an assignment an access review removed learns of it.</summary>
    public async Task AccessReviewRemovedAsync(AccessReview review, AccessReviewItem item, CancellationToken ct)
    {
        var role = await RoleNameAsync(review.TenantId, item.RoleId, ct);
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"The access review \"{Line(review.DisplayName)}\" removed your assignment of {role}.\n\n")
            .Append(CultureInfo.InvariantCulture, $"Role: {role} ({item.RoleId})\nScope: {item.Scope}\nType: {AssignmentTypes.ToText(item.AssignmentType)}\n")
            .Append(CultureInfo.InvariantCulture, $"Decision: {(item.DecidedByDefault ? "the review's default" : $"by {item.DecidedBy}")}\n")
            .Append(CultureInfo.InvariantCulture, $"Justification: {item.Justification ?? "-"}\nAssignment id: {item.AssignmentId}\n")
            .ToString();
        await SendAsync(review.TenantId, [item.PrincipalId], [], $"PIM: your {role} assignment was removed by an access review", body, ct);
    }

    /// <summary>The PIM administrators learn what an access review's results removed.</summary>
    public async Task AccessReviewAppliedAsync(AccessReview review, AccessReviewInstance instance, int removed, CancellationToken ct)
    {
        var administrators = await access.ListHoldersAsync(review.TenantId, RoleCatalog.PimAdministrators, time.Now(), ct);
        await SendAsync(review.TenantId, [review.CreatedBy, .. administrators], [], $"PIM: access review \"{Line(review.DisplayName)}\" applied",
            Describe(review, instance) + $"Assignments removed: {removed}\n", ct);
    }

    /// <summary>The console's page of the instance's items to decide, when Pim:Console:PublicUrl says where the console is.</summary>
    private string ReviewLink(AccessReview review, AccessReviewInstance instance) =>
        links.ReviewItems(review.TenantId, review.Id, instance.Id) is { } url ? $"\nDecide in Pim Console: {url}\n" : "";

    private static string Describe(AccessReview review, AccessReviewInstance instance) => new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"Access review: {Line(review.DisplayName)}\nScope: {review.Scope}\n")
        .Append(CultureInfo.InvariantCulture, $"Roles: {(review.RoleIds.Count == 0 ? "every role" : string.Join(", ", review.RoleIds))}\n")
        .Append(CultureInfo.InvariantCulture, $"Started: {Stamp(instance.StartsAt)}\nEnds: {Stamp(instance.EndsAt)}\n")
        .Append(CultureInfo.InvariantCulture, $"Review id: {review.Id}\nInstance id: {instance.Id}\n")
        .ToString();
}
