using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Settings;

public sealed record ActivationSettingsDto(string MaximumDuration, bool RequireMfa, string? MfaMaxAge, bool RequireJustification,
    bool RequireTicket, bool RequireApproval, IReadOnlyList<string> Approvers, string ApprovalTimeout, bool? AllowGuests = null)
{
    public static ActivationSettingsDto From(ActivationRules a) => new(IsoDuration.Format(a.MaximumDuration), a.RequireMfa,
        a.MfaMaxAge is { } m ? IsoDuration.Format(m) : null, a.RequireJustification, a.RequireTicket, a.RequireApproval, a.Approvers,
        IsoDuration.Format(a.ApprovalTimeout), a.AllowGuests);

    /// <summary>allowGuests may be left out of a PUT: it then keeps the role's default.</summary>
    public ActivationRules ToDomain(string roleId) => new(IsoDuration.Parse(MaximumDuration), RequireMfa, MfaMaxAge is null ? null : IsoDuration.Parse(MfaMaxAge),
        RequireJustification, RequireTicket, RequireApproval, Approvers.Distinct().ToList(), IsoDuration.Parse(ApprovalTimeout),
        AllowGuests ?? RoleSettings.DefaultAllowGuests(roleId));
}

public sealed record AssignmentSettingsDto(bool AllowPermanentEligible, string MaximumEligibleDuration, bool AllowPermanentActive, string MaximumActiveDuration)
{
    public static AssignmentSettingsDto From(AssignmentRules a) => new(a.AllowPermanentEligible, IsoDuration.Format(a.MaximumEligibleDuration),
        a.AllowPermanentActive, IsoDuration.Format(a.MaximumActiveDuration));

    public AssignmentRules ToDomain() => new(AllowPermanentEligible, IsoDuration.Parse(MaximumEligibleDuration), AllowPermanentActive,
        IsoDuration.Parse(MaximumActiveDuration));
}

public sealed record OnActivationDto(bool NotifyRoleAdministrators, IReadOnlyList<string> AdditionalRecipients);
public sealed record OnApprovalNeededDto(bool NotifyApprovers);
public sealed record OnDecisionDto(bool NotifyRequester);
public sealed record OnAssignmentDto(bool NotifyAssignee);

/// <summary>Who is emailed. The last three are optional in a PUT and default to true.</summary>
public sealed record NotificationSettingsDto(OnActivationDto OnActivation, OnApprovalNeededDto? OnApprovalNeeded = null,
    OnDecisionDto? OnDecision = null, OnAssignmentDto? OnAssignment = null)
{
    public static NotificationSettingsDto From(NotificationRules n) => new(
        new OnActivationDto(n.OnActivation.NotifyRoleAdministrators, n.OnActivation.AdditionalRecipients),
        new OnApprovalNeededDto(n.OnApprovalNeeded.NotifyApprovers), new OnDecisionDto(n.OnDecision.NotifyRequester),
        new OnAssignmentDto(n.OnAssignment.NotifyAssignee));

    public NotificationRules ToDomain() => new(
        new ActivationNotification(OnActivation.NotifyRoleAdministrators, OnActivation.AdditionalRecipients.Distinct(StringComparer.OrdinalIgnoreCase).ToList()),
        new ApprovalNeededNotification(OnApprovalNeeded?.NotifyApprovers ?? true), new DecisionNotification(OnDecision?.NotifyRequester ?? true),
        new AssignmentNotification(OnAssignment?.NotifyAssignee ?? true));
}

/// <summary>A role's settings on the wire (DESIGN §4). Durations are ISO 8601. The body GET answers can be sent back: its
/// roleId, scope and inheritedFrom are read-only echoes.</summary>
public sealed record RoleSettingsDto(ActivationSettingsDto Activation, AssignmentSettingsDto Assignment, NotificationSettingsDto Notifications,
    [property: Echo] string? RoleId = null, [property: Echo] string? Scope = null, [property: Echo] string? InheritedFrom = null)
{
    public static RoleSettingsDto From(RoleSettings s) => new(ActivationSettingsDto.From(s.Activation), AssignmentSettingsDto.From(s.Assignment),
        NotificationSettingsDto.From(s.Notifications));

    public RoleSettings ToDomain(string roleId) => new(roleId, Activation.ToDomain(roleId), Assignment.ToDomain(), Notifications.ToDomain());
}

/// <summary>The settings in force at <c>scope</c>; <c>inheritedFrom</c> is the scope they were saved at ('/' also for the defaults).</summary>
public sealed record RoleSettingsResponse(string RoleId, string Scope, string InheritedFrom, ActivationSettingsDto Activation, AssignmentSettingsDto Assignment,
    NotificationSettingsDto Notifications)
{
    public static RoleSettingsResponse From(EffectiveRoleSettings effective)
    {
        var dto = RoleSettingsDto.From(effective.Settings);
        return new(effective.Settings.RoleId, effective.Scope, effective.InheritedFrom, dto.Activation, dto.Assignment, dto.Notifications);
    }
}
