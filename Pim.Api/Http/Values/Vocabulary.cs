using Pim.Domain;

namespace Pim.Api.Http.Values;

/// <summary>
/// The closed vocabularies of the wire, each a shared enumeration of the contract declared once (its name is the schema's):
/// a property or parameter says which it holds with <c>[Wire&lt;Vocabulary.ActivationStatus&gt;]</c>, and a request holding
/// another word is answered 400 validation-failed naming the field. The words come from where Pim defines them.
/// </summary>
public static class Vocabulary
{
    public sealed class AssignmentType : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AssignmentType), ["eligible", "active"]); }

    public sealed class PrincipalKind : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(PrincipalKind), [.. Enum.GetValues<Pim.Domain.PrincipalKind>().Select(PrincipalKinds.ToText)]); }

    public sealed class ActivationStatus : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ActivationStatus), [.. Enum.GetValues<Pim.Domain.ActivationStatus>().Select(ActivationRequest.Wire)]); }

    public sealed class MyRoleStatus : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(MyRoleStatus), [MyRole.Eligible, .. ActivationStatus.Bound.Values!]); }

    public sealed class RoleKind : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(RoleKind), [Features.Roles.RoleKinds.Directory, Features.Roles.RoleKinds.Resource, Features.Roles.RoleKinds.Group]); }

    public sealed class CustomRoleKind : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(CustomRoleKind), [Features.Roles.RoleKinds.Directory, Features.Roles.RoleKinds.Resource]); }

    public sealed class ScopeKind : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScopeKind), Pim.Domain.ScopeKind.All); }

    public sealed class NotificationKind : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(NotificationKind), NotificationKinds.All); }

    public sealed class NotificationStatus : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(NotificationStatus), OutboxStatus.All); }

    public sealed class ManagementArea : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ManagementArea), Pim.Domain.ManagementArea.All); }

    public sealed class ApprovalDecision : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ApprovalDecision), [Features.Activations.ApprovalDecisions.Approved, Features.Activations.ApprovalDecisions.Denied]); }

    public sealed class StageStatus : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(StageStatus), Pim.Domain.StageStatus.All); }

    public sealed class FollowUpStatus : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(FollowUpStatus), [Features.Activations.FollowUpResponse.Open, Features.Activations.FollowUpResponse.Acknowledged]); }

    public sealed class EvaluationDecision : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(EvaluationDecision), [Features.Access.EvaluationDecisions.Allow, Features.Access.EvaluationDecisions.Deny]); }

    public sealed class DenyReason : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(DenyReason), DenyReasons.All); }

    public sealed class EvaluationsSemantic : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(EvaluationsSemantic), Features.Access.BatchEvaluationOptions.Semantics.Keys); }

    public sealed class AuthZenEvaluationsSemantic : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AuthZenEvaluationsSemantic), Features.Access.AuthZen.Semantics.Keys); }

    public sealed class AuthZenReason : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AuthZenReason), Features.Access.AuthZen.Reasons); }

    public sealed class GrantSource : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(GrantSource), [Features.Access.GrantSources.ActiveAssignment, Features.Access.GrantSources.Activation]); }

    public sealed class ClientKind : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ClientKind), [AssignmentUse.ServiceKind, AssignmentUse.PrincipalKind, .. PrincipalKind.Bound.Values!]); }

    public sealed class WebhookEventType : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(WebhookEventType), Pim.Domain.WebhookEventTypes.All); }

    public sealed class AuditAction : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AuditAction), AuditActions.All); }

    public sealed class ActorKind : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ActorKind), Pim.Domain.ActorKind.All); }

    public sealed class AlertType : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AlertType), AlertCatalog.Types); }

    public sealed class AlertStatus : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AlertStatus), AlertStatuses.All); }

    public sealed class AccessReviewerKeyword : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AccessReviewerKeyword), AccessReviewers.Keywords); }

    public sealed class AccessReviewAssignmentTypes : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AccessReviewAssignmentTypes), AccessReviewDecisions.Assignments); }

    public sealed class AccessReviewRecurrence : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AccessReviewRecurrence), AccessReviewRecurrences.All); }

    public sealed class AccessReviewDefaultDecision : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AccessReviewDefaultDecision), AccessReviewDecisions.Defaults); }

    public sealed class AccessReviewDecision : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AccessReviewDecision), AccessReviewDecisions.Decisions); }

    public sealed class AccessReviewOutcome : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AccessReviewOutcome), AccessReviewOutcomes.All); }

    public sealed class AccessReviewInstanceStatus : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(AccessReviewInstanceStatus), AccessReviewInstance.Statuses); }

    public sealed class DayOfWeek : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(DayOfWeek), Features.Settings.WeeklyWindowDto.DayNames); }

    public sealed class ScimGroupType : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScimGroupType), ["direct", "indirect"]); }

    public sealed class ScimMemberType : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScimMemberType), ["User", "Group"]); }

    public sealed class ScimResourceTypeName : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScimResourceTypeName), ["User", "Group", "Schema", "ResourceType", "ServiceProviderConfig"]); }

    public sealed class ScimErrorType : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScimErrorType), Features.Scim.ScimJson.ScimTypeValues); }

    public sealed class ScimAttributeType : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScimAttributeType), ["string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex"]); }

    public sealed class ScimMutability : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScimMutability), ["readOnly", "readWrite", "immutable", "writeOnly"]); }

    public sealed class ScimReturned : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScimReturned), ["always", "never", "default", "request"]); }

    public sealed class ScimUniqueness : IWireBound { public static WireField Bound { get; } = Wire.Values(nameof(ScimUniqueness), ["none", "server", "global"]); }

    /// <summary>The events a webhook subscribes to: each at most once.</summary>
    public sealed class WebhookEventTypes : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxItems = Pim.Domain.WebhookEventTypes.All.Count, Items = WebhookEventType.Bound };
    }
}
