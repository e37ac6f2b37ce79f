namespace Pim.Domain;

/// <summary>
/// One stage of a role's approval (role settings <c>activation.approval.stages</c>): it passes when
/// <see cref="Required"/> distinct approvers approve before <see cref="Timeout"/>; any deny ends the request.
/// <see cref="Approvers"/> are users or groups (expanded when a decision is made); empty means whoever holds an active
/// Privileged Role or Security Administrator role then. After <see cref="EscalateAfter"/>, <see cref="EscalateTo"/>
/// join the stage's approvers.
/// </summary>
public sealed record ApprovalStage(IReadOnlyList<string> Approvers, int Required, TimeSpan Timeout, TimeSpan? EscalateAfter, IReadOnlyList<string> EscalateTo)
{
    public const int MaximumStages = 3;
    public const int MaximumRequired = 10;

    /// <summary>The stage today's <c>requireApproval</c> / <c>approvers</c> / <c>approvalTimeout</c> stand for: one approval.</summary>
    public static ApprovalStage Single(IReadOnlyList<string> approvers, TimeSpan timeout) => new(approvers, 1, timeout, null, []);

    /// <summary>When the stage, begun at <paramref name="startedAt"/>, escalates; null when it never does.</summary>
    public DateTimeOffset? EscalatesAt(DateTimeOffset startedAt) =>
        EscalateTo is [] ? null : startedAt + EscalateAfter;

    /// <summary>Whether the approver may decide this stage, begun at <paramref name="startedAt"/>, at <paramref name="now"/>.</summary>
    public bool MayBeDecidedBy(ApproverFacts approver, DateTimeOffset startedAt, DateTimeOffset now)
    {
        if (!approver.Enabled || approver.Workload) return false;
        var named = Approvers is [] ? approver.HoldsDefaultApproverRole : approver.IsAnyOf(Approvers);
        return named || (EscalatesAt(startedAt) <= now && approver.IsAnyOf(EscalateTo));
    }
}

/// <summary>
/// What a decision needs to know of the one deciding: who it is, the groups it is a member of, whether it holds an
/// active default approver role (Privileged Role or Security Administrator) now, whether its account is enabled, and
/// whether it is a workload (a service principal). Approval is a person's judgement: a workload decides nothing, even
/// one that holds an approver's role or is in an approvers group.
/// </summary>
public sealed record ApproverFacts(string PrincipalId, IReadOnlyCollection<string> Groups, bool HoldsDefaultApproverRole, bool Enabled,
    bool Workload = false)
{
    public bool IsAnyOf(IReadOnlyList<string> ids) => ids.Contains(PrincipalId) || Groups.Any(ids.Contains);
}

/// <summary>A role's approval workflow: its stages, and the rules under which a request skips them.</summary>
/// <param name="ChatButtons">Whether chat (Slack) may carry Approve / Deny buttons for the role (role settings
/// <c>activation.approval.chatButtons</c>); null: the role's default (<see cref="RoleSettings.DefaultChatButtons"/>).</param>
/// <param name="RequireApproverMfa">Approvers decide only with a multifactor sign-in: chat, which carries none, gets a
/// link to the console instead of buttons, and a decision made without MFA is refused.</param>
public sealed record ApprovalRules(IReadOnlyList<ApprovalStage> Stages, IReadOnlyList<AutoApprovalRule> AutoApprove, bool? ChatButtons = null,
    bool RequireApproverMfa = false)
{
    public static readonly ApprovalRules None = new([], []);
}
