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
    bool AllowGuests,
    ApprovalRules? Approval = null,
    BreakGlassRules? BreakGlass = null,
    bool AllowWorkloads = false)
{
    /// <summary>
    /// The approval stages a request goes through: <see cref="Approval"/>'s, else the one stage that today's
    /// <see cref="RequireApproval"/> / <see cref="Approvers"/> / <see cref="ApprovalTimeout"/> stand for, else none.
    /// </summary>
    // Stryker disable once Linq : ApprovalStage.Single is the one-stage factory, not LINQ's Single()
    public IReadOnlyList<ApprovalStage> Stages => Approval?.Stages is [_, ..] ? Approval.Stages
        : RequireApproval ? [ApprovalStage.Single(Approvers, ApprovalTimeout)]
        : [];

    public bool NeedsApproval => Stages is not [];

    public IReadOnlyList<AutoApprovalRule> AutoApprove => Approval?.AutoApprove ?? [];

    public BreakGlassRules BreakGlassPolicy => BreakGlass ?? BreakGlassRules.Default;

    /// <summary>
    /// The rules with <paramref name="stages"/> as the approval: today's three approval fields become the shorthand of
    /// the first stage (what a client that knows only them reads), so that the two never disagree.
    /// </summary>
    public ActivationRules WithApproval(IReadOnlyList<ApprovalStage> stages, IReadOnlyList<AutoApprovalRule> autoApprove, bool? chatButtons = null,
        bool requireApproverMfa = false) => this with
    {
        RequireApproval = stages is not [],
        Approvers = stages is not [] ? stages[0].Approvers : [],
        ApprovalTimeout = stages is not [] ? stages[0].Timeout : RoleSettings.DefaultApprovalTimeout,
        Approval = new ApprovalRules(stages, autoApprove, chatButtons, requireApproverMfa),
    };
}

/// <summary>
/// Break-glass (role settings <c>activation.breakGlass</c>): where allowed, a request marked <c>breakGlass</c> is active
/// at once, skipping approval and ticket, for at most <see cref="MaximumDuration"/> — and loudly: every Privileged Role
/// and Security Administrator is told, and one of them must acknowledge it afterwards.
/// </summary>
public sealed record BreakGlassRules(bool Allowed, TimeSpan MaximumDuration)
{
    /// <summary>
    /// Not allowed, at most an hour. A property, not a static field: a field is set once per process, so a mutation run,
    /// whose test process serves every mutant in turn, could never see a changed default (scripts/mutation.sh).
    /// </summary>
    public static BreakGlassRules Default => new(false, TimeSpan.FromHours(1));
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromMinutes(5);
    /// <summary>How long a break-glass activation may wait for its acknowledgement before the administrators are told again.</summary>
    public static readonly TimeSpan FollowUpDue = TimeSpan.FromHours(24);
}

public sealed record AssignmentRules(
    bool AllowPermanentEligible,
    TimeSpan MaximumEligibleDuration,
    bool AllowPermanentActive,
    TimeSpan MaximumActiveDuration);

public sealed record ActivationNotification(bool NotifyRoleAdministrators, IReadOnlyList<string> AdditionalRecipients);

/// <param name="RemindBefore">How long before a stage times out its approvers are reminded; null: never.</param>
public sealed record ApprovalNeededNotification(bool NotifyApprovers, TimeSpan? RemindBefore = null);

public sealed record DecisionNotification(bool NotifyRequester);

public sealed record AssignmentNotification(bool NotifyAssignee);

/// <summary>
/// How long before it ends the holder is warned of an activation (<see cref="Activation"/>), and the holder and the role
/// administrators of an eligible or active assignment (<see cref="Assignment"/>); null: not warned.
/// </summary>
public sealed record ExpiryWarningRules(TimeSpan? Activation, TimeSpan? Assignment)
{
    public static readonly ExpiryWarningRules Default = new(TimeSpan.FromMinutes(15), TimeSpan.FromDays(14));
    public static readonly TimeSpan MinimumWarning = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaximumActivationWarning = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaximumAssignmentWarning = TimeSpan.FromDays(90);

    /// <summary>
    /// When a grant from <paramref name="startsAt"/> to <paramref name="endsAt"/> is warned of, <paramref name="window"/>
    /// ahead of its end; never when it is permanent, not warned of, or no longer than the window (what announced it named its end).
    /// </summary>
    public static DateTimeOffset? WarningAt(DateTimeOffset startsAt, DateTimeOffset? endsAt, TimeSpan? window) =>
        endsAt - window > startsAt ? endsAt - window : null;
}

/// <summary>Who is emailed: on activation (role administrators and more), approval needed (approvers, and a reminder
/// before a stage times out), decision (requester: approved, denied, timed out), assignment (the assignee), and before
/// an activation or an assignment ends.</summary>
public sealed record NotificationRules(ActivationNotification OnActivation, ApprovalNeededNotification OnApprovalNeeded,
    DecisionNotification OnDecision, AssignmentNotification OnAssignment, ExpiryWarningRules? BeforeExpiry = null)
{
    public ExpiryWarningRules ExpiryWarnings => BeforeExpiry ?? new ExpiryWarningRules(null, null);
}

/// <summary>A role's PIM policy in one tenant (DESIGN §4). Pure data plus pure rules.</summary>
public sealed record RoleSettings(string RoleId, ActivationRules Activation, AssignmentRules Assignment, NotificationRules Notifications)
{
    public static readonly TimeSpan MinimumActivationDuration = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaximumActivationDuration = TimeSpan.FromHours(72);
    public static readonly TimeSpan MaximumApprovalTimeout = TimeSpan.FromDays(7);
    public static readonly TimeSpan MinimumApprovalTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultApprovalTimeout = TimeSpan.FromDays(1);
    public static readonly TimeSpan DefaultRemindBefore = TimeSpan.FromHours(1);
    public const int MaximumApprovers = 50;
    public const int MaximumRecipients = 50;

    /// <summary>The defaults of a built-in role (a role the catalog does not know is taken as privileged).</summary>
    public static RoleSettings Default(string roleId) => Default(roleId, RoleCatalog.Find(roleId)?.Privileged ?? true);

    /// <summary>The defaults of DESIGN §4 for a role, <paramref name="privileged"/> or not (<see cref="RoleDefinition.Privileged"/>).</summary>
    public static RoleSettings Default(string roleId, bool privileged) => new(
        roleId,
        new ActivationRules(
            MaximumDuration: TimeSpan.FromHours(1),
            RequireMfa: true,
            MfaMaxAge: null,
            RequireJustification: true,
            RequireTicket: false,
            RequireApproval: false,
            Approvers: [],
            ApprovalTimeout: DefaultApprovalTimeout,
            AllowGuests: DefaultAllowGuests(roleId),
            AllowWorkloads: DefaultAllowWorkloads(privileged),
            Approval: ApprovalRules.None,
            BreakGlass: BreakGlassRules.Default),
        new AssignmentRules(
            AllowPermanentEligible: true,
            MaximumEligibleDuration: TimeSpan.FromDays(365),
            AllowPermanentActive: true,
            MaximumActiveDuration: TimeSpan.FromDays(180)),
        new NotificationRules(new ActivationNotification(NotifyRoleAdministrators: true, AdditionalRecipients: []),
            new ApprovalNeededNotification(NotifyApprovers: true, RemindBefore: DefaultRemindBefore), new DecisionNotification(NotifyRequester: true),
            new AssignmentNotification(NotifyAssignee: true), ExpiryWarningRules.Default));

    /// <summary>
    /// Service principals (workloads, CI) activate a privileged role (built-in, or a tenant's own marked privileged) only
    /// where its settings allow them explicitly: they give no MFA, and a workload holding an administrator role is a
    /// standing credential away from it. Roles that are not privileged (readers, a group's membership) allow them.
    /// </summary>
    public static bool DefaultAllowWorkloads(bool privileged) => !privileged;

    /// <summary>
    /// Chat buttons decide a request on a chat account's word (its email matched to a principal) without a fresh sign-in:
    /// fine for most roles, not by default for the two that rule the whole directory.
    /// </summary>
    public static bool DefaultChatButtons(string roleId) =>
        roleId is not (RoleCatalog.GlobalAdministrator or RoleCatalog.PrivilegedRoleAdministrator);

    /// <summary>Whether chat may carry Approve / Deny buttons for this role: the settings allow it, and approvers need no MFA.</summary>
    public bool ChatButtonsAllowed => (Activation.Approval?.ChatButtons ?? DefaultChatButtons(RoleId)) && !ApproversNeedMfa;

    public bool ApproversNeedMfa => Activation.Approval?.RequireApproverMfa ?? false;

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
        if (endsAt.Value > startsAt + maximum)
            throw new PimException(ErrorCodes.AssignmentDurationExceedsMaximum,
                $"The settings of '{RoleId}' allow {kind} assignments of at most {IsoDuration.Format(maximum)}.");
    }
}
