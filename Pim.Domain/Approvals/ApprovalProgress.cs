namespace Pim.Domain;

/// <summary>One approver's answer in one stage of an approval.</summary>
public sealed record StageDecision(int Stage, string ApproverId, bool Approved, string? Justification, DateTimeOffset DecidedAt);

/// <summary>What a decision did to an approval: counted, passed its stage (the next began), approved the whole, or denied it.</summary>
public enum ApprovalStep { Counted, StagePassed, Approved, Denied }

/// <summary>Where a stage stands, as a request shows it.</summary>
public static class StageStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string TimedOut = "timedOut";
    public const string Canceled = "canceled";
    public const string NotStarted = "notStarted";
    public static readonly string[] All = [Pending, Approved, Denied, TimedOut, Canceled, NotStarted];
}

/// <summary>
/// The approval of one activation request (or of one extension of it), as it goes through the stages that the role's
/// settings had when it was asked for: the stages are kept with it, so that changing the settings never changes a
/// request already waiting. A value: every step answers a new one. Pure; no clock but the instants it is given.
/// </summary>
public sealed record ApprovalProgress(IReadOnlyList<ApprovalStage> Stages, int CurrentStage, DateTimeOffset StageStartedAt,
    IReadOnlyList<StageDecision> Decisions, TimeSpan? RemindBefore)
{
    public static ApprovalProgress Start(IReadOnlyList<ApprovalStage> stages, TimeSpan? remindBefore, DateTimeOffset now) =>
        stages is [] ? throw new ArgumentException("An approval has at least one stage.", nameof(stages))
            : new(stages, 0, now, [], remindBefore);

    /// <summary>Every stage passed.</summary>
    // Stryker disable once Linq : Count is the list's, not LINQ's Count() (LINQ's Sum() in its place would not compile)
    public bool IsComplete => CurrentStage >= Stages.Count;

    public ApprovalStage Current => Stages[CurrentStage];

    /// <summary>When the current stage times out (and with it the request).</summary>
    public DateTimeOffset Deadline => StageStartedAt + Current.Timeout;

    /// <summary>When the current stage's approvers are reminded: <see cref="RemindBefore"/> ahead of its deadline, if that is after it began.</summary>
    public DateTimeOffset? RemindsAt => !IsComplete && Deadline - RemindBefore > StageStartedAt ? Deadline - RemindBefore : null;

    /// <summary>When the current stage escalates, if it does.</summary>
    public DateTimeOffset? EscalatesAt => IsComplete ? null : Current.EscalatesAt(StageStartedAt);

    public bool MayBeDecidedBy(ApproverFacts approver, DateTimeOffset now) =>
        !IsComplete && Current.MayBeDecidedBy(approver, StageStartedAt, now);

    /// <summary>
    /// Whether the approver has decided any stage of this approval: a person's decision counts in at most one stage, so
    /// that one person in the approvers of two stages cannot pass both alone.
    /// </summary>
    public bool HasDecided(string approverId) => Decisions.Any(d => d.ApproverId == approverId);

    /// <summary>Who has decided a stage already (they decide no other, so they are neither told nor reminded).</summary>
    public IEnumerable<string> Decided => Decisions.Select(d => d.ApproverId);

    /// <summary>
    /// Counts an approver's answer in the current stage. The caller has checked that the approver may decide it and
    /// has decided no stage yet: each approver counts once in the whole approval. A deny ends the approval; the <see cref="ApprovalStage.Required"/>th
    /// distinct approval passes the stage, and the next begins now.
    /// </summary>
    public (ApprovalProgress Next, ApprovalStep Step) Record(string approverId, bool approve, string? justification, DateTimeOffset now)
    {
        if (IsComplete) throw new InvalidOperationException("The approval is complete.");
        var decisions = Decisions.Append(new StageDecision(CurrentStage, approverId, approve, justification, now)).ToList();
        if (!approve) return (this with { Decisions = decisions }, ApprovalStep.Denied);
        // Stryker disable once Linq : LINQ's Sum() in place of Count() over a condition would not compile
        var approvals = decisions.Count(d => d.Stage == CurrentStage && d.Approved);
        if (approvals < Current.Required) return (this with { Decisions = decisions }, ApprovalStep.Counted);
        var next = this with { Decisions = decisions, CurrentStage = CurrentStage + 1, StageStartedAt = now };
        return (next, next.IsComplete ? ApprovalStep.Approved : ApprovalStep.StagePassed);
    }

    /// <summary>
    /// The status of stage <paramref name="index"/>: passed stages are approved; the current one is pending while the
    /// approval waits, else it ends the way the request did (<paramref name="closedAs"/>: denied, timedOut, canceled).
    /// </summary>
    public string StatusOf(int index, string? closedAs)
    {
        if (index < CurrentStage) return StageStatus.Approved;
        if (index > CurrentStage) return StageStatus.NotStarted;
        return closedAs ?? StageStatus.Pending;
    }
}
