namespace Pim.Domain;

/// <summary>What happened, in the audit trail and as webhook event types (<c>pim.</c> + the action).</summary>
public static class AuditActions
{
    public const string TenantUpserted = "tenant.upserted";
    public const string PrincipalUpserted = "principal.upserted";
    public const string PrincipalDeleted = "principal.deleted";
    public const string PrincipalDisabled = "principal.disabled";
    public const string PrincipalEnabled = "principal.enabled";
    public const string MembershipAdded = "membership.added";
    public const string MembershipRemoved = "membership.removed";
    public const string ConsentGranted = "consent.granted";
    public const string SignUpCreated = "signUp.created";
    public const string AssignmentCreated = "assignment.created";
    public const string AssignmentRemoved = "assignment.removed";
    public const string AssignmentMadeEligible = "assignment.madeEligible";
    public const string AssignmentMadeActive = "assignment.madeActive";
    public const string RoleSettingsUpdated = "roleSettings.updated";
    /// <summary>Settings saved at a scope that ceased to exist (a group deleted) went with it.</summary>
    public const string RoleSettingsDeleted = "roleSettings.deleted";
    public const string RoleUpserted = "role.upserted";
    public const string RoleDeleted = "role.deleted";
    public const string ActivationRequested = "activation.requested";
    public const string ActivationApproved = "activation.approved";
    public const string ActivationDenied = "activation.denied";
    public const string ActivationActivated = "activation.activated";
    public const string ActivationCanceled = "activation.canceled";
    public const string ActivationDeactivated = "activation.deactivated";
    public const string ActivationExpired = "activation.expired";
    public const string ActivationTimedOut = "activation.timedOut";
    public const string ActivationRevoked = "activation.revoked";
    public const string ActivationExtensionRequested = "activation.extensionRequested";
    public const string ActivationExtensionApproved = "activation.extensionApproved";
    public const string ActivationExtensionDenied = "activation.extensionDenied";
    public const string ActivationExtended = "activation.extended";
    /// <summary>An approver approved a stage that needs more approvals.</summary>
    public const string ActivationApprovalRecorded = "activation.approvalRecorded";
    /// <summary>A stage that is not the last passed; the next began.</summary>
    public const string ActivationStageApproved = "activation.stageApproved";
    public const string ActivationAutoApproved = "activation.autoApproved";
    public const string ActivationEscalated = "activation.escalated";
    public const string ActivationReminded = "activation.reminded";
    public const string ActivationExpiringSoon = "activation.expiringSoon";
    public const string ActivationBreakGlass = "activation.breakGlass";
    public const string ActivationBreakGlassAcknowledged = "activation.breakGlassAcknowledged";
    public const string ActivationBreakGlassOverdue = "activation.breakGlassOverdue";
    public const string AssignmentExpiringSoon = "assignment.expiringSoon";
    public const string ScopeUpserted = "scope.upserted";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookDeleted = "webhook.deleted";
    public const string NotificationRetried = "notification.retried";
    /// <summary>A PIM administrator connected the tenant's Slack workspace (or replaced the connection), or disconnected it.</summary>
    public const string SlackConnected = "slack.connected";
    public const string SlackDisconnected = "slack.disconnected";
    // Governance (issue 16): security alerts and access reviews.
    public const string AlertRaised = "alert.raised";
    public const string AlertResolved = "alert.resolved";
    public const string AlertDismissed = "alert.dismissed";
    public const string AlertSettingsUpdated = "alertSettings.updated";
    public const string AccessReviewCreated = "accessReview.created";
    public const string AccessReviewStarted = "accessReview.started";
    public const string AccessReviewDecided = "accessReview.decided";
    public const string AccessReviewEnded = "accessReview.ended";
    /// <summary>A PIM administrator stopped an instance before its end (the instance then ends: <see cref="AccessReviewEnded"/>).</summary>
    public const string AccessReviewStopped = "accessReview.stopped";
    public const string AccessReviewApplied = "accessReview.applied";
    /// <summary>A review of a scope that ceased to exist (a group deleted) went with it, with its instances and items.</summary>
    public const string AccessReviewDeleted = "accessReview.deleted";

    public static readonly IReadOnlyList<string> All = typeof(AuditActions).GetFields()
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();
}
