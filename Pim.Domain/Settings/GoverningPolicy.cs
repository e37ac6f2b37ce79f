namespace Pim.Domain;

/// <summary>
/// A role a group confers: the group (<see cref="GroupId"/>), or a group it is nested in, holds <see cref="RoleId"/> at
/// <see cref="Scope"/> (eligibly or actively), so whoever is granted the group's membership or ownership gets it, or may
/// activate it.
/// </summary>
public sealed record GoverningRole(string RoleId, string Scope, string GroupId);

/// <summary>
/// The policy a grant is held to (DESIGN §7, "a grant is governed by everything it confers"). For most roles it is the
/// role's own settings at the scope. A grant of a group's role — <c>member</c> or <c>owner</c> at <c>/groups/{groupId}</c>,
/// eligible or active, by assignment or activation — hands out whatever the group holds, so it is held to the strictest of
/// the group role's own settings and of the settings of every role the group confers (<see cref="GovernedBy"/>): directly,
/// at any scope, and through every group it is nested in. The group's own settings can add to that, never relax it.
/// </summary>
public sealed record GoverningPolicy(RoleSettings Settings, IReadOnlyList<GoverningRole> GovernedBy)
{
    /// <summary>The policy is composed from roles the group confers (not only the role's own settings).</summary>
    public bool Composed => GovernedBy is not [];

    /// <summary>What a refusal under a composed policy adds, so that the caller learns why a group's membership asks so much.</summary>
    public string Explanation(string roleId, string scope) => Composed
        ? $" '{roleId}' at '{scope}' is held to the policy of every role the group confers: " +
          string.Join(", ", GovernedBy.Select(g => $"'{g.RoleId}' at '{g.Scope}'" + (ScopePath.Group(g.GroupId) == scope ? "" : $" (through '{g.GroupId}')"))) + "."
        : "";

    /// <summary>Runs a decision under this policy: a refusal under a composed policy also says which roles composed it.</summary>
    public T Decide<T>(string roleId, string scope, Func<T> decide)
    {
        try
        {
            return decide();
        }
        catch (PimException refusal) when (Composed)
        {
            throw new PimException(refusal.Code, $"{refusal.Message}{Explanation(roleId, scope)}", refusal.Errors) { RetryAfter = refusal.RetryAfter };
        }
    }

    public void Decide(string roleId, string scope, Action decide) => Decide(roleId, scope, () =>
    {
        decide();
        // Stryker disable once Boolean : the value is thrown away; only the refusal matters
        return true;
    });

    /// <summary>
    /// The strictest of <paramref name="own"/> and <paramref name="conferred"/>: every requirement any of them sets
    /// (MFA and the shortest MFA age, justification, ticket, every approval stage), the shortest durations, guests,
    /// workloads, break-glass and permanent assignments only where all allow them, and everyone any of them would tell,
    /// told. An auto-approval rule skips every stage at once, so it is kept only when one policy alone asks for approval
    /// (its rules then decide as they would for that role); with several, none applies. Reminders and expiry warnings are
    /// the group role's own. The result carries <paramref name="own"/>'s role id.
    /// </summary>
    public static RoleSettings Strictest(RoleSettings own, IReadOnlyList<RoleSettings> conferred)
    {
        if (conferred is []) return own;
        IReadOnlyList<RoleSettings> all = [own, .. conferred];
        var activation = all.Select(s => s.Activation).ToList();
        var approving = activation.Where(a => a.NeedsApproval).ToList();
        var stages = approving.SelectMany(a => a.Stages).DistinctBy(StageKey).ToList();
        var rules = own.Activation with
        {
            MaximumDuration = activation.Min(a => a.MaximumDuration),
            RequireMfa = activation.Any(a => a.RequireMfa),
            MfaMaxAge = activation.Where(a => a.RequireMfa && a.MfaMaxAge is not null).Min(a => a.MfaMaxAge),
            RequireJustification = activation.Any(a => a.RequireJustification),
            RequireTicket = activation.Any(a => a.RequireTicket),
            AllowGuests = activation.All(a => a.AllowGuests),
            AllowWorkloads = activation.All(a => a.AllowWorkloads),
            BreakGlass = new BreakGlassRules(activation.All(a => a.BreakGlassPolicy.Allowed), activation.Min(a => a.BreakGlassPolicy.MaximumDuration)),
        };
        var assignment = all.Select(s => s.Assignment).ToList();
        var notifications = all.Select(s => s.Notifications).ToList();
        return own with
        {
            // Chat buttons only where every governing role's settings allow them; approver MFA where any asks for it.
            Activation = rules.WithApproval(stages, approving is [_] ? approving[0].AutoApprove : [],
                all.All(s => s.Activation.Approval?.ChatButtons ?? RoleSettings.DefaultChatButtons(s.RoleId)), all.Any(s => s.ApproversNeedMfa)),
            Assignment = new AssignmentRules(
                assignment.All(a => a.AllowPermanentEligible), assignment.Min(a => a.MaximumEligibleDuration),
                assignment.All(a => a.AllowPermanentActive), assignment.Min(a => a.MaximumActiveDuration)),
            Notifications = own.Notifications with
            {
                OnActivation = new ActivationNotification(notifications.Any(n => n.OnActivation.NotifyRoleAdministrators),
                    notifications.SelectMany(n => n.OnActivation.AdditionalRecipients).Distinct(StringComparer.OrdinalIgnoreCase).ToList()),
                OnApprovalNeeded = own.Notifications.OnApprovalNeeded with { NotifyApprovers = notifications.Any(n => n.OnApprovalNeeded.NotifyApprovers) },
                OnDecision = new DecisionNotification(notifications.Any(n => n.OnDecision.NotifyRequester)),
                OnAssignment = new AssignmentNotification(notifications.Any(n => n.OnAssignment.NotifyAssignee)),
            },
        };
    }

    /// <summary>Two stages are the same stage when they ask the same of the same approvers (value equality, lists included).</summary>
    // Stryker disable once Linq : the keys are only compared: sorted descending, two stages' keys are equal exactly when sorted ascending
    private static string StageKey(ApprovalStage stage) =>
        $"{string.Join(',', stage.Approvers.Order(StringComparer.Ordinal))}|{stage.Required}|{stage.Timeout.Ticks}|{stage.EscalateAfter?.Ticks}|" +
        string.Join(',', stage.EscalateTo.Order(StringComparer.Ordinal));
}
