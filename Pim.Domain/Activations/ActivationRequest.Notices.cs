namespace Pim.Domain;

/// <summary>The notices a request schedules (reminders, escalations, the expiry warning, an overdue follow-up) and which are due.</summary>
public sealed partial class ActivationRequest
{
    /// <summary>Every notice the request's recorded state schedules, sent or not.</summary>
    public IEnumerable<ActivationNotice> Notices()
    {
        if (Status == ActivationStatus.PendingApproval && Approval is not null)
            foreach (var notice in ApprovalNotices(Approval, "approval", ofExtension: false)) yield return notice;
        if (Status == ActivationStatus.Active && Extension?.Approval is not null)
            foreach (var notice in ApprovalNotices(Extension.Approval, $"extension:{Extension.RequestedAt.UtcTicks}", ofExtension: true)) yield return notice;
        var warnAt = ExpiryWarningRules.WarningAt(StartsAt, EndsAt, ExpiryWarning);
        if ((Status == ActivationStatus.Active || Status == ActivationStatus.Scheduled) && warnAt is not null)
            yield return new ActivationNotice(NoticeKind.ExpiryWarning, warnAt.Value, $"expiry:{EndsAt!.Value.UtcTicks}");
        if (FollowUp is { IsOpen: true })
            yield return new ActivationNotice(NoticeKind.FollowUpOverdue, FollowUp.DueAt, "followUp");
    }

    /// <summary>The reminder and the escalation of the current stage, if it has them (a complete approval has neither).</summary>
    private static IEnumerable<ActivationNotice> ApprovalNotices(ApprovalProgress progress, string prefix, bool ofExtension)
    {
        var stage = progress.CurrentStage;
        if (progress.RemindsAt is not null)
            yield return new ActivationNotice(NoticeKind.ApprovalReminder, progress.RemindsAt.Value, $"{prefix}:{stage}:reminder", stage, ofExtension);
        if (progress.EscalatesAt is not null)
            yield return new ActivationNotice(NoticeKind.Escalation, progress.EscalatesAt.Value, $"{prefix}:{stage}:escalation", stage, ofExtension);
    }

    /// <summary>When the next notice not sent yet is due (what the sweeper looks for); null when none is scheduled.</summary>
    public DateTimeOffset? NextNoticeAt => Notices().Where(n => !NoticesSent.Contains(n.Key)).Min(n => (DateTimeOffset?)n.DueAt);

    /// <summary>
    /// Takes every notice due at <paramref name="now"/> and not sent yet, recording each as sent, and answers those that
    /// still matter now (the approval still waits, the access is still on, the follow-up still open). Afterwards
    /// <see cref="NextNoticeAt"/> is after <paramref name="now"/>, or null.
    /// </summary>
    public IReadOnlyList<ActivationNotice> TakeDueNotices(DateTimeOffset now)
    {
        var due = Notices().Where(n => n.DueAt <= now && !NoticesSent.Contains(n.Key)).ToList();
        if (due is []) return [];
        NoticesSent = [.. NoticesSent, .. due.Select(n => n.Key)];
        Version++;
        return due.Where(n => n.Kind switch
        {
            NoticeKind.ExpiryWarning => StatusAt(now) == ActivationStatus.Active,
            NoticeKind.FollowUpOverdue => FollowUp is { IsOpen: true },
            _ => n.OfExtension ? HasPendingExtensionAt(now) : StatusAt(now) == ActivationStatus.PendingApproval, // a reminder, an escalation
        }).ToList();
    }
}
