namespace Pim.Domain;

/// <summary>
/// Today's <c>requireApproval</c> / <c>approvers</c> / <c>approvalTimeout</c> are the shorthand of a one-stage approval;
/// <c>approval.stages</c> is the whole. A settings document may carry either or both, and a client may send back what it
/// read with one of them edited: this decides, against the settings in force (what the client read), which one the
/// client changed — never silently losing stages, never guessing between two edits that disagree.
/// </summary>
public static class ApprovalShorthand
{
    /// <summary>What the shorthand says of some stages: whether approval is needed, the first stage's approvers and timeout.</summary>
    public static (bool RequireApproval, IReadOnlyList<string> Approvers, TimeSpan Timeout) Of(IReadOnlyList<ApprovalStage> stages) =>
        stages.Count > 0 ? (true, stages[0].Approvers, stages[0].Timeout) : (false, [], RoleSettings.DefaultApprovalTimeout);

    /// <summary>
    /// The approval to save. <paramref name="sent"/> null: the document had no <c>approval</c> (the approval in force is
    /// kept, unless the shorthand changed it). A shorthand field left out (null) is unchanged. When only the shorthand
    /// changed it rewrites a one-stage approval (keeping that stage's quorum and escalation); when both changed they
    /// must agree. Refused (<see cref="ErrorCodes.ApprovalSettingsConflict"/>) when they disagree, or when the shorthand
    /// alone would rewrite an approval of several stages.
    /// </summary>
    public static ApprovalRules Resolve(ActivationRules current, bool? requireApproval, IReadOnlyList<string>? approvers, TimeSpan? approvalTimeout,
        ApprovalRules? sent)
    {
        var stages = sent?.Stages ?? current.Stages;
        var autoApprove = sent?.AutoApprove ?? current.AutoApprove;
        if (!Differs(Of(current.Stages), requireApproval, approvers, approvalTimeout)) return new ApprovalRules(stages, autoApprove);

        if (sent is not null && !SameStages(sent.Stages, current.Stages))
            return !Differs(Of(sent.Stages), requireApproval, approvers, approvalTimeout)
                ? new ApprovalRules(stages, autoApprove)
                : throw new PimException(ErrorCodes.ApprovalSettingsConflict,
                    "requireApproval, approvers and approvalTimeout are the shorthand of the first of approval.stages, and both were changed in ways that " +
                    "disagree: change approval.stages alone (leave the shorthand as read, or out), or make the two agree.");

        if (current.Stages.Count > 1)
            throw new PimException(ErrorCodes.ApprovalSettingsConflict,
                $"The approval has {current.Stages.Count} stages: requireApproval, approvers and approvalTimeout only speak of one. Change approval.stages instead.");
        if (!(requireApproval ?? current.Stages.Count > 0)) return new ApprovalRules([], autoApprove);
        var stage = current.Stages.FirstOrDefault() is { } basis
            ? basis with { Approvers = approvers ?? basis.Approvers, Timeout = approvalTimeout ?? basis.Timeout }
            : ApprovalStage.Single(approvers ?? [], approvalTimeout ?? RoleSettings.DefaultApprovalTimeout);
        return new ApprovalRules([stage], autoApprove);
    }

    private static bool Differs((bool RequireApproval, IReadOnlyList<string> Approvers, TimeSpan Timeout) shorthand, bool? requireApproval,
        IReadOnlyList<string>? approvers, TimeSpan? approvalTimeout) =>
        (requireApproval is { } require && require != shorthand.RequireApproval)
        || (approvers is not null && !approvers.SequenceEqual(shorthand.Approvers))
        || (approvalTimeout is { } timeout && timeout != shorthand.Timeout);

    /// <summary>Stages compared by what they say (their lists element by element).</summary>
    public static bool SameStages(IReadOnlyList<ApprovalStage> a, IReadOnlyList<ApprovalStage> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Required == p.Second.Required && p.First.Timeout == p.Second.Timeout
                                               && p.First.EscalateAfter == p.Second.EscalateAfter
                                               && p.First.Approvers.SequenceEqual(p.Second.Approvers) && p.First.EscalateTo.SequenceEqual(p.Second.EscalateTo));
}
