using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Alerts;

/// <summary>One thing an alert affects now: a principal and the assignment that gives it the role, with the facts that count.</summary>
/// <param name="Count">Activations within the alert's period (roles-activated-too-frequently).</param>
/// <param name="LastActivityAt">The last activation or use of the assignment, or when Pim last saw the principal; null: never.</param>
public sealed record AlertItemResponse([Wire<PrincipalId>] string? PrincipalId, [Wire<DisplayName>] string? PrincipalDisplayName,
    [Wire<Bounds.EntityId>] string? AssignmentId, [Wire<Vocabulary.AssignmentType>] string? AssignmentType, [Between(0, int.MaxValue)] int? Count,
    DateTimeOffset? LastActivityAt)
{
    public static AlertItemResponse From(AffectedItem i) => new(i.PrincipalId, i.PrincipalDisplayName, i.AssignmentId,
        i.AssignmentType is { } t ? AssignmentTypes.ToText(t) : null, i.Count, i.LastActivityAt);
}

/// <summary>A security alert's incident: what it is about (a role at a scope), in words, what it affects now, and what to do.</summary>
public sealed record AlertResponse([Wire<Bounds.EntityId>] string Id, [Wire<Vocabulary.AlertType>] string AlertType,
    [Wire<DisplayName>] string DisplayName, [Wire<Vocabulary.AlertStatus>] string Status, [Wire<RoleId>] string RoleId, [Wire<Scope>] string Scope,
    [Text(Rules.MaxDescription)] string Description,
    [Text(Rules.MaxDescription)] string RecommendedAction, [Between(0, int.MaxValue)] int AffectedCount,
    [MaxItems(AlertService.MaximumItemsShown)] IReadOnlyList<AlertItemResponse> AffectedItems, DateTimeOffset RaisedAt, DateTimeOffset? ResolvedAt,
    DateTimeOffset? DismissedAt, [Wire<Bounds.Subject>] string? DismissedBy, Justification? Justification)
{
    public static AlertResponse From(AlertView v)
    {
        var i = v.Incident;
        return new(i.Id, i.AlertType, v.Definition.DisplayName, AlertStatuses.ToText(i.Status), i.RoleId, i.Scope, v.Description,
            v.Definition.RecommendedAction, v.AffectedCount, v.AffectedItems.Select(AlertItemResponse.From).ToList(), i.RaisedAt, i.ResolvedAt,
            i.DismissedAt, i.DismissedBy, WireValues.OrNull<Justification>(i.DismissalJustification));
    }
}

/// <summary>The filters and paging of <c>GET …/alerts</c>: open incidents unless <c>status</c> says otherwise.</summary>
public sealed record AlertListQuery([Wire<Vocabulary.AlertStatus>] string? Status, [Wire<Vocabulary.AlertType>] string? AlertType,
    [Between(1, Paging.MaximumPageSize)] int? PageSize, [Wire<Bounds.PageTokenSent>] string? PageToken);

public sealed record DismissAlertRequest(Justification Justification);

/// <summary>An alert's settings: on or off, and the thresholds it reads (null for those it does not). The body GET answers can be sent back.</summary>
public sealed record AlertSettingsRequest(bool Enabled,
    [Between(AlertSettings.MinimumCount, AlertSettings.MaximumCountLimit)] int? MaximumCount = null, Duration? Period = null,
    [property: Echo] [Wire<Vocabulary.AlertType>] string? AlertType = null,
    [property: Echo] [Wire<DisplayName>] string? DisplayName = null);

public sealed record AlertSettingsResponse([Wire<Vocabulary.AlertType>] string AlertType, [Wire<DisplayName>] string DisplayName, bool Enabled,
    [Between(AlertSettings.MinimumCount, AlertSettings.MaximumCountLimit)] int? MaximumCount, [Wire<Duration>] string? Period)
{
    public static AlertSettingsResponse From(EffectiveAlertSettings effective)
    {
        var s = effective.Settings;
        return new(s.AlertType, AlertCatalog.Get(s.AlertType).DisplayName, s.Enabled, s.MaximumCount, s.Period is { } p ? IsoDuration.Format(p) : null);
    }
}
