using System.Globalization;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Settings;

/// <summary>
/// One approval stage: <c>required</c> distinct approvers of <c>approvers</c> (users or groups; empty: the active
/// Privileged Role and Security Administrators) approve within <c>timeout</c>; after <c>escalateAfter</c>,
/// <c>escalateTo</c> join them.
/// </summary>
public sealed record ApprovalStageDto([MaxItems(RoleSettings.MaximumApprovers), Wire<PrincipalId>] IReadOnlyList<PrincipalId> Approvers,
    [Between(1, ApprovalStage.MaximumRequired)] int Required, Duration Timeout, Duration? EscalateAfter = null,
    [MaxItems(RoleSettings.MaximumApprovers), Wire<PrincipalId>] IReadOnlyList<PrincipalId>? EscalateTo = null)
{
    public static ApprovalStageDto From(ApprovalStage s) => new([.. s.Approvers.Select(PrincipalId.Of)], s.Required, Duration.Of(s.Timeout),
        s.EscalateAfter is { } e ? Duration.Of(e) : null, [.. s.EscalateTo.Select(PrincipalId.Of)]);

    public ApprovalStage ToDomain() => new(Approvers.Select(a => a.Text).Distinct().ToList(), Required, Timeout.ToTimeSpan(),
        EscalateAfter?.ToTimeSpan(), (EscalateTo ?? []).Select(a => a.Text).Distinct().ToList());
}

/// <summary>A weekly window: <c>days</c> (monday … sunday) from <c>from</c> to <c>to</c> (HH:mm, local time of <c>timeZone</c>).</summary>
public sealed record WeeklyWindowDto([Wire<Bounds.TimeZoneId>] string TimeZone, [MaxItems(7), Wire<Vocabulary.DayOfWeek>] IReadOnlyList<string> Days,
    [Wire<Bounds.TimeOfDay>] string From, [Wire<Bounds.TimeOfDay>] string To)
{
    public static readonly string[] DayNames = [.. Enum.GetValues<DayOfWeek>().OrderBy(d => ((int)d + 6) % 7).Select(Name)];

    public static string Name(DayOfWeek day) => day.ToString().ToLowerInvariant();

    public static WeeklyWindowDto Of(WeeklyWindow w) => new(w.TimeZone, w.Days.Select(Name).ToList(),
        w.From.ToString("HH:mm", CultureInfo.InvariantCulture), w.To.ToString("HH:mm", CultureInfo.InvariantCulture));

    public WeeklyWindow ToDomain() => new(TimeZone, Days.Distinct().Select(d => Enum.Parse<DayOfWeek>(d, ignoreCase: true)).ToList(),
        TimeOnly.ParseExact(From, "HH:mm", CultureInfo.InvariantCulture), TimeOnly.ParseExact(To, "HH:mm", CultureInfo.InvariantCulture));
}

/// <summary>A named auto-approval rule: a request that meets every condition it names skips the stages.</summary>
public sealed record AutoApprovalRuleDto([Wire<Bounds.RuleName>] string Name,
    [MaxItems(AutoApprovalRule.MaximumListed), Wire<PrincipalId>] IReadOnlyList<PrincipalId>? MemberOf = null, Duration? MaximumDuration = null,
    [MaxItems(AutoApprovalRule.MaximumListed), Wire<TicketSystem>] IReadOnlyList<string>? TicketSystems = null,
    [Text(AutoApprovalRule.MaximumPatternLength)] string? TicketNumberPattern = null, WeeklyWindowDto? Window = null)
{
    public static AutoApprovalRuleDto From(AutoApprovalRule r) => new(r.Name, r.MemberOf is null ? null : [.. r.MemberOf.Select(PrincipalId.Of)], r.MaximumDuration is { } d ? Duration.Of(d) : null,
        r.TicketSystems, r.TicketNumberPattern, r.Window is null ? null : WeeklyWindowDto.Of(r.Window));

    public AutoApprovalRule ToDomain() => new(Name, MemberOf?.Select(g => g.Text).Distinct().ToList(), MaximumDuration?.ToTimeSpan(),
        TicketSystems?.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), TicketNumberPattern, Window?.ToDomain());
}

/// <summary>
/// The approval workflow: 0–3 stages (none: no approval) and the auto-approval rules; <c>chatButtons</c>: whether chat
/// (Slack) may carry Approve / Deny buttons (left out: yes, but for Global and Privileged Role Administrator);
/// <c>requireApproverMfa</c>: approvers decide only with MFA (chat then links to the console instead of buttons).
/// </summary>
public sealed record ApprovalSettingsDto([MaxItems(ApprovalStage.MaximumStages)] IReadOnlyList<ApprovalStageDto> Stages,
    [MaxItems(AutoApprovalRule.MaximumRules)] IReadOnlyList<AutoApprovalRuleDto>? AutoApprove = null, bool? ChatButtons = null, bool? RequireApproverMfa = null)
{
    public static ApprovalSettingsDto From(string roleId, ActivationRules a) =>
        new(a.Stages.Select(ApprovalStageDto.From).ToList(), a.AutoApprove.Select(AutoApprovalRuleDto.From).ToList(),
            a.Approval?.ChatButtons ?? RoleSettings.DefaultChatButtons(roleId), a.Approval?.RequireApproverMfa ?? false);

    public ApprovalRules ToDomain() => new(Stages.Select(s => s.ToDomain()).ToList(), (AutoApprove ?? []).Select(r => r.ToDomain()).ToList(),
        ChatButtons, RequireApproverMfa ?? false);
}

/// <summary>Break-glass: whether a request may be marked breakGlass, and for how long at most.</summary>
public sealed record BreakGlassSettingsDto(bool Allowed, Duration MaximumDuration)
{
    public static BreakGlassSettingsDto From(BreakGlassRules b) => new(b.Allowed, Duration.Of(b.MaximumDuration));

    public BreakGlassRules ToDomain() => new(Allowed, MaximumDuration.ToTimeSpan());
}

/// <summary>
/// How a role is activated. <c>requireApproval</c>, <c>approvers</c> and <c>approvalTimeout</c> are the shorthand of a
/// one-stage approval (what clients that predate stages read and write); <c>approval</c> is the whole workflow. GET
/// answers both, in agreement; a PUT may send either, or both as read with one of them changed
/// (<see cref="ApprovalShorthand.Resolve"/>).
/// </summary>
public sealed record ActivationSettingsDto(Duration MaximumDuration, bool RequireMfa, Duration? MfaMaxAge, bool RequireJustification,
    bool RequireTicket, bool? RequireApproval = null,
    [MaxItems(RoleSettings.MaximumApprovers), Wire<PrincipalId>] IReadOnlyList<PrincipalId>? Approvers = null, Duration? ApprovalTimeout = null,
    bool? AllowGuests = null,
    ApprovalSettingsDto? Approval = null, BreakGlassSettingsDto? BreakGlass = null, bool? AllowWorkloads = null)
{
    public static ActivationSettingsDto From(string roleId, ActivationRules a) => new(Duration.Of(a.MaximumDuration), a.RequireMfa,
        a.MfaMaxAge is { } m ? Duration.Of(m) : null, a.RequireJustification, a.RequireTicket, a.NeedsApproval,
        [.. ApprovalShorthand.Of(a.Stages).Approvers.Select(PrincipalId.Of)], Duration.Of(ApprovalShorthand.Of(a.Stages).Timeout), a.AllowGuests,
        ApprovalSettingsDto.From(roleId, a), BreakGlassSettingsDto.From(a.BreakGlassPolicy), a.AllowWorkloads);

    /// <summary>
    /// allowGuests, allowWorkloads and breakGlass may be left out of a PUT: they then take the role's
    /// <paramref name="defaults"/>. The approval is resolved against <paramref name="current"/>, the rules in force that the client read.
    /// </summary>
    public ActivationRules ToDomain(ActivationRules current, ActivationRules defaults)
    {
        var approval = ApprovalShorthand.Resolve(current, RequireApproval, Approvers?.Select(a => a.Text).Distinct().ToList(),
            ApprovalTimeout?.ToTimeSpan(), Approval?.ToDomain());
        return new ActivationRules(MaximumDuration.ToTimeSpan(), RequireMfa, MfaMaxAge?.ToTimeSpan(),
                RequireJustification, RequireTicket, false, [], RoleSettings.DefaultApprovalTimeout, AllowGuests ?? defaults.AllowGuests,
                BreakGlass: BreakGlass?.ToDomain() ?? defaults.BreakGlassPolicy, AllowWorkloads: AllowWorkloads ?? defaults.AllowWorkloads)
            .WithApproval(approval.Stages, approval.AutoApprove, Approval?.ChatButtons, Approval?.RequireApproverMfa ?? false);
    }
}

public sealed record AssignmentSettingsDto(bool AllowPermanentEligible, Duration MaximumEligibleDuration, bool AllowPermanentActive, Duration MaximumActiveDuration)
{
    public static AssignmentSettingsDto From(AssignmentRules a) => new(a.AllowPermanentEligible, Duration.Of(a.MaximumEligibleDuration),
        a.AllowPermanentActive, Duration.Of(a.MaximumActiveDuration));

    public AssignmentRules ToDomain() => new(AllowPermanentEligible, MaximumEligibleDuration.ToTimeSpan(), AllowPermanentActive,
        MaximumActiveDuration.ToTimeSpan());
}

public sealed record OnActivationDto(bool NotifyRoleAdministrators,
    [MaxItems(RoleSettings.MaximumRecipients)] IReadOnlyList<EmailAddress> AdditionalRecipients);
/// <summary>Approvers are told when a stage waits for them and, <c>remindBefore</c> ahead of its timeout, reminded (null: never).</summary>
public sealed record OnApprovalNeededDto(bool NotifyApprovers, Duration? RemindBefore = null);
public sealed record OnDecisionDto(bool NotifyRequester);
public sealed record OnAssignmentDto(bool NotifyAssignee);
/// <summary>How long before it ends an activation (its holder) and an assignment (its holder and the role administrators) are warned of; null: never.</summary>
public sealed record BeforeExpiryDto(Duration? Activation = null, Duration? Assignment = null);

/// <summary>
/// Who is emailed. Every section but onActivation is optional in a PUT: left out, it takes the defaults (everyone told,
/// reminders an hour before a stage times out, warnings 15 minutes before an activation and 14 days before an
/// assignment ends); sent, its fields say exactly what is wanted (a reminder or warning left out is off).
/// </summary>
public sealed record NotificationSettingsDto(OnActivationDto OnActivation, OnApprovalNeededDto? OnApprovalNeeded = null,
    OnDecisionDto? OnDecision = null, OnAssignmentDto? OnAssignment = null, BeforeExpiryDto? BeforeExpiry = null)
{
    public static NotificationSettingsDto From(NotificationRules n) => new(
        new OnActivationDto(n.OnActivation.NotifyRoleAdministrators, [.. n.OnActivation.AdditionalRecipients.Select(EmailAddress.Of)]),
        new OnApprovalNeededDto(n.OnApprovalNeeded.NotifyApprovers, Format(n.OnApprovalNeeded.RemindBefore)), new OnDecisionDto(n.OnDecision.NotifyRequester),
        new OnAssignmentDto(n.OnAssignment.NotifyAssignee),
        new BeforeExpiryDto(Format(n.ExpiryWarnings.Activation), Format(n.ExpiryWarnings.Assignment)));

    public NotificationRules ToDomain() => new(
        new ActivationNotification(OnActivation.NotifyRoleAdministrators, OnActivation.AdditionalRecipients.Select(e => e.Text).Distinct(StringComparer.OrdinalIgnoreCase).ToList()),
        OnApprovalNeeded is null ? new ApprovalNeededNotification(true, RoleSettings.DefaultRemindBefore)
            : new ApprovalNeededNotification(OnApprovalNeeded.NotifyApprovers, Parse(OnApprovalNeeded.RemindBefore)),
        new DecisionNotification(OnDecision?.NotifyRequester ?? true), new AssignmentNotification(OnAssignment?.NotifyAssignee ?? true),
        BeforeExpiry is null ? ExpiryWarningRules.Default : new ExpiryWarningRules(Parse(BeforeExpiry.Activation), Parse(BeforeExpiry.Assignment)));

    private static Duration? Format(TimeSpan? value) => value is { } v ? Duration.Of(v) : null;
    private static TimeSpan? Parse(Duration? value) => value?.ToTimeSpan();
}

/// <summary>A role's settings on the wire (DESIGN §4). Durations are ISO 8601. The body GET answers can be sent back: its
/// roleId, scope and inheritedFrom are read-only echoes.</summary>
public sealed record RoleSettingsDto(ActivationSettingsDto Activation, AssignmentSettingsDto Assignment, NotificationSettingsDto Notifications,
    [property: Echo] [Wire<RoleId>] string? RoleId = null, [property: Echo] [Wire<Scope>] string? Scope = null,
    [property: Echo] [Wire<Scope>] string? InheritedFrom = null)
{
    public static RoleSettingsDto From(RoleSettings s) => new(ActivationSettingsDto.From(s.RoleId, s.Activation), AssignmentSettingsDto.From(s.Assignment),
        NotificationSettingsDto.From(s.Notifications));

    /// <param name="current">The settings in force at the scope as the client read them, with the role's defaults (the
    /// approval is resolved against the former; what the body leaves out takes the latter).</param>
    public RoleSettings ToDomain(string roleId, EffectiveRoleSettings current) =>
        new(roleId, Activation.ToDomain(current.Settings.Activation, current.Defaults.Activation), Assignment.ToDomain(), Notifications.ToDomain());
}

/// <summary>The settings in force at <c>scope</c>; <c>inheritedFrom</c> is the scope they were saved at ('/' also for the defaults).</summary>
public sealed record RoleSettingsResponse([Wire<RoleId>] string RoleId, [Wire<Scope>] string Scope, [Wire<Scope>] string InheritedFrom,
    ActivationSettingsDto Activation, AssignmentSettingsDto Assignment,
    NotificationSettingsDto Notifications)
{
    public static RoleSettingsResponse From(EffectiveRoleSettings effective)
    {
        var dto = RoleSettingsDto.From(effective.Settings);
        return new(effective.Settings.RoleId, effective.Scope, effective.InheritedFrom, dto.Activation, dto.Assignment, dto.Notifications);
    }
}
