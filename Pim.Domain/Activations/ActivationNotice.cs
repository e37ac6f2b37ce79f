namespace Pim.Domain;

public enum NoticeKind { ApprovalReminder, Escalation, ExpiryWarning, FollowUpOverdue }

/// <summary>
/// A notice that time alone makes due on an activation request: a reminder to the approvers before a stage times
/// out, an escalation, a warning before access ends, a break-glass follow-up still open. <see cref="Key"/> names it
/// once (the stage, the end it warns of), so that each is sent once even when several sweepers run.
/// </summary>
/// <param name="Stage">The approval stage (reminders and escalations).</param>
/// <param name="OfExtension">The approval is that of an extension waiting for a decision.</param>
public sealed record ActivationNotice(NoticeKind Kind, DateTimeOffset DueAt, string Key, int Stage = 0, bool OfExtension = false);
