namespace Pim.Domain;

public sealed record ActivationRules(
    TimeSpan MaximumDuration,
    bool RequireMfa,
    TimeSpan? MfaMaxAge,
    bool RequireJustification,
    bool RequireTicket,
    bool RequireApproval,
    IReadOnlyList<string> Approvers,
    TimeSpan ApprovalTimeout,
    bool AllowGuests);

public sealed record AssignmentRules(
    bool AllowPermanentEligible,
    TimeSpan MaximumEligibleDuration,
    bool AllowPermanentActive,
    TimeSpan MaximumActiveDuration);

public sealed record ActivationNotification(bool NotifyRoleAdministrators, IReadOnlyList<string> AdditionalRecipients);

public sealed record ApprovalNeededNotification(bool NotifyApprovers);

public sealed record DecisionNotification(bool NotifyRequester);

public sealed record AssignmentNotification(bool NotifyAssignee);

/// <summary>Who is emailed: on activation (role administrators and more), approval needed (approvers), decision
/// (requester: approved, denied, timed out) and assignment (the assignee).</summary>
public sealed record NotificationRules(ActivationNotification OnActivation, ApprovalNeededNotification OnApprovalNeeded,
    DecisionNotification OnDecision, AssignmentNotification OnAssignment);

/// <summary>A role's PIM policy in one tenant (DESIGN §4). Pure data plus pure rules.</summary>
public sealed record RoleSettings(string RoleId, ActivationRules Activation, AssignmentRules Assignment, NotificationRules Notifications)
{
    public static readonly TimeSpan MinimumActivationDuration = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaximumActivationDuration = TimeSpan.FromHours(72);
    public static readonly TimeSpan MaximumApprovalTimeout = TimeSpan.FromDays(7);
    public static readonly TimeSpan MinimumApprovalTimeout = TimeSpan.FromMinutes(5);
    public const int MaximumApprovers = 50;
    public const int MaximumRecipients = 50;

    public static RoleSettings Default(string roleId) => new(
        roleId,
        new ActivationRules(
            MaximumDuration: TimeSpan.FromHours(1),
            RequireMfa: true,
            MfaMaxAge: null,
            RequireJustification: true,
            RequireTicket: false,
            RequireApproval: false,
            Approvers: [],
            ApprovalTimeout: TimeSpan.FromDays(1),
            AllowGuests: DefaultAllowGuests(roleId)),
        new AssignmentRules(
            AllowPermanentEligible: true,
            MaximumEligibleDuration: TimeSpan.FromDays(365),
            AllowPermanentActive: true,
            MaximumActiveDuration: TimeSpan.FromDays(180)),
        new NotificationRules(new ActivationNotification(NotifyRoleAdministrators: true, AdditionalRecipients: []),
            new ApprovalNeededNotification(NotifyApprovers: true), new DecisionNotification(NotifyRequester: true),
            new AssignmentNotification(NotifyAssignee: true)));

    /// <summary>Guests from other tenants may activate any role but the two that rule the whole directory.</summary>
    public static bool DefaultAllowGuests(string roleId) =>
        roleId is not (RoleCatalog.GlobalAdministrator or RoleCatalog.PrivilegedRoleAdministrator);

    /// <summary>Checks an assignment's window against the assignment rules.</summary>
    public void EnsureAssignmentWindowAllowed(AssignmentType type, DateTimeOffset startsAt, DateTimeOffset? endsAt)
    {
        var (allowPermanent, maximum) = type == AssignmentType.Eligible
            ? (Assignment.AllowPermanentEligible, Assignment.MaximumEligibleDuration)
            : (Assignment.AllowPermanentActive, Assignment.MaximumActiveDuration);
        var kind = type == AssignmentType.Eligible ? "eligible" : "active";
        if (endsAt is null)
        {
            if (!allowPermanent)
                throw new PimException(ErrorCodes.PermanentAssignmentForbidden,
                    $"The settings of '{RoleId}' do not allow permanent {kind} assignments; give an endsAt within {IsoDuration.Format(maximum)}.");
            return;
        }
        if (endsAt.Value - startsAt > maximum)
            throw new PimException(ErrorCodes.AssignmentDurationExceedsMaximum,
                $"The settings of '{RoleId}' allow {kind} assignments of at most {IsoDuration.Format(maximum)}.");
    }
}
