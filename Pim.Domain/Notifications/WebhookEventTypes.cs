namespace Pim.Domain;

public static class WebhookEventTypes
{
    /// <summary>Every audited change is an event: <c>pim.</c> + the audit action, e.g. <c>pim.activation.approved</c>.</summary>
    public static readonly IReadOnlyList<string> All = AuditActions.All.Select(Of).ToList();

    public static string Of(string auditAction) => "pim." + auditAction;
}
