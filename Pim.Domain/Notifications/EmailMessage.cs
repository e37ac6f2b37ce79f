namespace Pim.Domain;

/// <summary>An email to send, composed when the change that causes it commits. <see cref="Topic"/> groups the fan-out
/// emails that <see cref="NotificationLimits"/> bound (e.g. <c>activated:exchange-administrator</c>).</summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string Body, IReadOnlyList<string> SkippedRecipients, string? Topic = null);

/// <summary>
/// How many fan-out emails (to role administrators or approvers) one role may cause per window and tenant: one eligible
/// user cycling activate/deactivate cannot mail-bomb every administrator. Beyond the bound the emails are held back;
/// the audit trail and webhooks still carry every event.
/// </summary>
public sealed record NotificationLimits(int MaxPerRolePerWindow, TimeSpan Window)
{
    public static readonly NotificationLimits Default = new(20, TimeSpan.FromHours(1));
}
