using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Pim.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pim.Api.Http;

/// <summary>What one field of the wire may hold. <see cref="Says"/> tells a client, in words, what <see cref="Pattern"/> means.</summary>
public sealed record WireField
{
    public int? MaxLength { get; init; }
    public string? Pattern { get; init; }
    public string? Says { get; init; }
    public string? Format { get; init; }
    public IReadOnlyList<string>? Values { get; init; }
    public long? Minimum { get; init; }
    public long? Maximum { get; init; }
    public int? MaxItems { get; init; }
    public int? MinItems { get; init; }
    public WireField? Items { get; init; }
    /// <summary>The field is a shared schema of the contract, by name (with <see cref="Values"/>: an enumeration declared once).</summary>
    public string? Schema { get; init; }
    /// <summary>The field holds one of these shapes (a keyword, or a list): each declared with its own bounds (the validator holds a value to them).</summary>
    public IReadOnlyList<WireField>? OneOf { get; init; }

    internal Regex? Regex => Pattern is null ? null : Wire.RegexOf(Pattern);
}

/// <summary>
/// The wire's vocabulary: every field and parameter name of the contract with what it may hold — the one source of the
/// bounds that openapi.yaml declares (<see cref="SchemaFilter"/>, <see cref="DeclareParameters"/>) and that every request
/// under a tenant is held to before its handler runs (<see cref="HoldToWireBounds{TBuilder}"/>). A name means the same
/// thing wherever it appears; where one name has two meanings, <c>Owner.name</c> (a schema, or an operation for its
/// parameters) says which. A string, number or list field without an entry fails the document's generation, so no field
/// reaches the contract unbounded. Date-times need no entry: <see cref="Instant"/> holds for all of them.
/// Validators keep what bounds cannot say: that a role is in the catalog, a duration well-formed, one field after another.
/// </summary>
public static class Wire
{
    private static readonly WireField Id = new()
    {
        MaxLength = Rules.MaxIdLength, Pattern = Rules.IdPattern,
        Says = "1-128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
    };
    private static readonly WireField ScopeSegment = new()
    {
        MaxLength = ScopePath.MaxSegmentLength, Pattern = ScopePath.SegmentPattern,
        Says = "1-90 letters, digits, '.', '_' or '-', starting with a letter or digit",
    };
    private static readonly WireField Scope = new()
    {
        MaxLength = ScopePath.MaxLength, Pattern = ScopePath.Pattern,
        Says = "'/', /managementGroups/{id}, /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{name} or /groups/{groupId}",
    };
    /// <summary>A token's subject or tenant: whoever the identity provider names (OpenID Connect: at most 255 ASCII characters).</summary>
    private static readonly WireField Subject = new()
    {
        MaxLength = Rules.MaxSubject, Pattern = Rules.PrintablePattern, Says = "printable characters",
    };
    private static readonly WireField Duration = new()
    {
        MaxLength = IsoDuration.MaxLength, Pattern = IsoDuration.Pattern, Says = "an ISO 8601 duration such as PT1H or P1D",
    };
    private static readonly WireField Email = new() { MaxLength = Rules.MaxEmail, Format = "email" };
    private static readonly WireField DisplayName = new() { MaxLength = Rules.MaxDisplayName, Pattern = Rules.NamePattern, Says = "one line: no control characters or line breaks" };
    private static readonly WireField Justification = Text(Rules.MaxJustification);
    private static readonly WireField AutoApprovalRuleName = new() { MaxLength = 64, Pattern = Rules.IdPattern, Says = "letters, digits, '.', '_', '@' or '-', starting with a letter or digit" };
    private static readonly WireField TimeOfDay = new() { MaxLength = 5, Pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", Says = "a time of day HH:mm" };
    /// <summary>An AuthZEN subject or resource type, or an action name: whatever a PEP sends; Pim answers a few of them.</summary>
    private static readonly WireField AuthZenName = new() { MaxLength = Rules.MaxIdLength, Pattern = Rules.PrintablePattern, Says = "printable characters" };
    private static readonly WireField AuthZenUrl = new() { MaxLength = RequestBase.MaximumUrlLength, Format = "uri" };

    /// <summary>Every date-time: RFC 3339, no longer than System.Text.Json reads (and a query parameter is checked likewise).</summary>
    public static readonly WireField Instant = new() { MaxLength = Rules.MaxInstantLength, Format = "date-time" };

    private static readonly string[] AssignmentTypeValues = ["eligible", "active"];
    private static readonly string[] PrincipalKindValues = [.. Enum.GetValues<PrincipalKind>().Select(PrincipalKinds.ToText)];
    private static readonly string[] ActivationStatusValues = [.. Enum.GetValues<ActivationStatus>().Select(ActivationRequest.Wire)];

    public static readonly IReadOnlyDictionary<string, WireField> Fields = Combine(new Dictionary<string, WireField>(StringComparer.Ordinal)
    {
        // Identifiers of things Pim keeps.
        ["id"] = Id,
        ["tenantId"] = Id,
        ["principalId"] = Id,
        ["roleId"] = Id,
        ["assignmentId"] = Id,
        ["requestId"] = Id,
        ["activationRequestId"] = Id,
        ["viaGroupId"] = Id,
        ["homeTenantId"] = Id,
        ["homePrincipalId"] = Id,
        ["notificationId"] = Id,
        ["webhookId"] = Id,
        ["managementGroupId"] = ScopeSegment,
        ["parentId"] = ScopeSegment,
        ["subscriptionId"] = ScopeSegment,
        ["resourceGroupName"] = ScopeSegment,
        ["ManagementGroupRequest.id"] = ScopeSegment,
        ["ManagementGroupResponse.id"] = ScopeSegment,
        ["SubscriptionRequest.id"] = ScopeSegment,
        ["SubscriptionResponse.id"] = ScopeSegment,
        ["ResourceGroupRequest.id"] = ScopeSegment,
        ["ResourceGroupResponse.id"] = ScopeSegment,
        ["ScopeTreeResponse.id"] = ScopeSegment,
        ["memberOf"] = new() { MaxItems = Principal.MaximumMemberOf, Items = Id },
        ["ListPrincipals.memberOf"] = Id,
        ["groupId"] = Id,
        ["governedBy"] = new() { MaxItems = RoleAssignment.MaximumHeldByPrincipal },
        ["via"] = Id,
        ["depth"] = new() { Minimum = 1, Maximum = Principal.MaximumNestingDepth },
        ["text"] = Text(PrincipalQuery.MaximumTextLength),
        ["MembershipListResponse.items"] = new() { MaxItems = Principal.MaximumTransitiveMemberOf },
        ["approvers"] = new() { MaxItems = RoleSettings.MaximumApprovers, Items = Id },
        ["escalateTo"] = new() { MaxItems = RoleSettings.MaximumApprovers, Items = Id },
        ["approverId"] = Id,
        ["acknowledgedBy"] = Id,
        ["autoApprovedBy"] = AutoApprovalRuleName,
        ["AutoApprovalRule.name"] = AutoApprovalRuleName,
        ["AutoApprovalRule.memberOf"] = new() { MaxItems = AutoApprovalRule.MaximumListed, Items = Id },
        ["ticketSystems"] = new() { MaxItems = AutoApprovalRule.MaximumListed, Items = Text(Rules.MaxTicketSystem) },
        ["ticketNumberPattern"] = Text(AutoApprovalRule.MaximumPatternLength),
        ["timeZone"] = new() { MaxLength = 64, Pattern = "^[A-Za-z0-9_+/-]+$", Says = "a time zone id such as Europe/Berlin" },
        ["days"] = new() { MaxItems = 7, Items = Values("DayOfWeek", Features.Settings.WeeklyWindowDto.DayNames) },
        ["WeeklyWindow.from"] = TimeOfDay,
        ["WeeklyWindow.to"] = TimeOfDay,
        ["stages"] = new() { MaxItems = ApprovalStage.MaximumStages },
        ["ApprovalSettings.autoApprove"] = new() { MaxItems = AutoApprovalRule.MaximumRules },
        ["required"] = new() { Minimum = 1, Maximum = ApprovalStage.MaximumRequired },
        ["currentStage"] = new() { Minimum = 0, Maximum = ApprovalStage.MaximumStages - 1 },
        ["ApprovalStageResponse.decisions"] = new() { MaxItems = ApprovalStage.MaximumRequired },
        ["roleIds"] = new() { MaxItems = ActivationService.MaximumBatch, Items = Id },
        // A batch of evaluations (native and AuthZEN): AuthZEN allows none (then it is one evaluation), the native batch not.
        ["evaluations"] = new() { MaxItems = BatchEvaluation.MaximumItems },
        ["BatchEvaluationRequest.evaluations"] = new() { MinItems = 1, MaxItems = BatchEvaluation.MaximumItems },
        // Who did it: a token's subject (and tenant), which the identity provider names.
        ["createdBy"] = Subject,
        ["decidedBy"] = Subject,
        ["signedUpBy"] = Subject,
        ["consentedBy"] = Subject,
        ["actorId"] = Subject,
        ["actorTenantId"] = Subject,
        ["clientId"] = Subject,
        // Where.
        ["scope"] = Scope,
        ["inheritedFrom"] = Scope,
        ["parentScope"] = Scope,
        // Words people write.
        ["displayName"] = DisplayName,
        ["roleDisplayName"] = DisplayName,
        ["principalDisplayName"] = DisplayName,
        ["description"] = Text(Rules.MaxDescription),
        ["justification"] = Justification,
        ["RevokeRequest.reason"] = Justification,
        ["Ticket.number"] = Text(Rules.MaxTicketNumber),
        ["Ticket.system"] = Text(Rules.MaxTicketSystem),
        ["ticketNumber"] = Text(Rules.MaxTicketNumber),
        ["ticketSystem"] = Text(Rules.MaxTicketSystem),
        ["email"] = Email,
        ["additionalRecipients"] = new() { MaxItems = RoleSettings.MaximumRecipients, Items = Email },
        ["url"] = new() { MaxLength = Rules.MaxUrl, Format = "uri" },
        ["secret"] = new() { MaxLength = 64, Pattern = "^whsec_[A-Za-z0-9+/]+=*$", Says = "whsec_ and base64" },
        // How long.
        ["duration"] = Duration,
        ["maximumDuration"] = Duration,
        ["mfaMaxAge"] = Duration,
        ["approvalTimeout"] = Duration,
        ["timeout"] = Duration,
        ["escalateAfter"] = Duration,
        ["remindBefore"] = Duration,
        ["BeforeExpiry.activation"] = Duration,
        ["BeforeExpiry.assignment"] = Duration,
        ["maximumEligibleDuration"] = Duration,
        ["maximumActiveDuration"] = Duration,
        // Closed vocabularies.
        ["type"] = Values("AssignmentType", AssignmentTypeValues),
        ["assignmentType"] = Values("AssignmentType", AssignmentTypeValues),
        ["kind"] = Values("PrincipalKind", PrincipalKindValues),
        ["principalKind"] = Values("PrincipalKind", PrincipalKindValues),
        ["RoleResponse.kind"] = Values("RoleKind", [Features.Roles.RoleKinds.Directory, Features.Roles.RoleKinds.Resource, Features.Roles.RoleKinds.Group]),
        ["ManagementGroupRequest.kind"] = Values("ScopeKind", ScopeKind.All),
        ["ManagementGroupResponse.kind"] = Values("ScopeKind", ScopeKind.All),
        ["SubscriptionRequest.kind"] = Values("ScopeKind", ScopeKind.All),
        ["SubscriptionResponse.kind"] = Values("ScopeKind", ScopeKind.All),
        ["ResourceGroupRequest.kind"] = Values("ScopeKind", ScopeKind.All),
        ["ResourceGroupResponse.kind"] = Values("ScopeKind", ScopeKind.All),
        ["ScopeTreeResponse.kind"] = Values("ScopeKind", ScopeKind.All),
        ["NotificationResponse.kind"] = Values("NotificationKind", NotificationKinds.All),
        ["area"] = Values("ManagementArea", ManagementArea.All),
        ["ActivationRequestResponse.status"] = Values("ActivationStatus", ActivationStatusValues),
        ["ListActivationRequests.status"] = Values("ActivationStatus", ActivationStatusValues),
        ["waitFor"] = Values("ActivationStatus", ActivationStatusValues),
        ["RoleRequest.kind"] = Values("CustomRoleKind", [Features.Roles.RoleKinds.Directory, Features.Roles.RoleKinds.Resource]),
        ["MyRoleResponse.status"] = Values("MyRoleStatus", [MyRole.Eligible, .. ActivationStatusValues]),
        ["NotificationResponse.status"] = Values("NotificationStatus", OutboxStatus.All),
        ["ListNotifications.status"] = Values("NotificationStatus", OutboxStatus.All),
        ["DecisionResponse.decision"] = Values("ApprovalDecision", [Features.Activations.ApprovalDecisions.Approved, Features.Activations.ApprovalDecisions.Denied]),
        ["StageDecisionResponse.decision"] = Values("ApprovalDecision", [Features.Activations.ApprovalDecisions.Approved, Features.Activations.ApprovalDecisions.Denied]),
        ["ApprovalStageResponse.status"] = Values("StageStatus", StageStatus.All),
        ["FollowUpResponse.status"] = Values("FollowUpStatus", [Features.Activations.FollowUpResponse.Open, Features.Activations.FollowUpResponse.Acknowledged]),
        ["EvaluationResponse.decision"] = Values("EvaluationDecision", [Features.Access.EvaluationDecisions.Allow, Features.Access.EvaluationDecisions.Deny]),
        ["EvaluationResponse.reason"] = Values("DenyReason", DenyReasons.All),
        ["evaluationsSemantic"] = Values("EvaluationsSemantic", Features.Access.BatchEvaluationOptions.Semantics.Keys),
        ["EvaluationError.status"] = new() { Minimum = 400, Maximum = 499 },
        // AuthZEN (Features/Access/AuthZen*): its vocabulary is open on the wire — a question outside Pim's is denied, not refused.
        ["AuthZenSubject.type"] = AuthZenName,
        ["AuthZenResource.type"] = AuthZenName,
        ["AuthZenAction.name"] = AuthZenName,
        ["evaluations_semantic"] = Values("AuthZenEvaluationsSemantic", Features.Access.AuthZen.Semantics.Keys),
        ["AuthZenDecisionContext.reason"] = Values("AuthZenReason", Features.Access.AuthZen.Reasons),
        ["AuthZenError.status"] = new() { Minimum = 400, Maximum = 499 },
        ["message"] = Text(Problems.MaxDetail),
        ["policy_decision_point"] = AuthZenUrl,
        ["access_evaluation_endpoint"] = AuthZenUrl,
        ["access_evaluations_endpoint"] = AuthZenUrl,
        ["source"] = Values("GrantSource", [Features.Access.GrantSources.ActiveAssignment, Features.Access.GrantSources.Activation]),
        ["clientKind"] = Values("ClientKind", [AssignmentUse.ServiceKind, AssignmentUse.PrincipalKind, .. PrincipalKindValues]),
        ["eventTypes"] = new() { MaxItems = WebhookEventTypes.All.Count, Items = Values("WebhookEventType", WebhookEventTypes.All) },
        ["action"] = Values("AuditAction", AuditActions.All),
        ["actorKind"] = Values("ActorKind", ActorKind.All),
        ["code"] = new() { Schema = OpenApiSetup.ProblemCodeSchema },
        // The audit trail's other facts.
        ["targetType"] = new() { MaxLength = 64, Pattern = "^[A-Za-z]+$", Says = "letters" },
        ["targetId"] = new() { MaxLength = Math.Max(ScopePath.MaxLength, Rules.MaxSubject), Pattern = Rules.PrintablePattern, Says = "printable characters" },
        ["clientIp"] = new() { MaxLength = 64, Pattern = "^[0-9A-Fa-f.:%A-Za-z-]+$", Says = "an IPv4 or IPv6 address" },
        ["userAgent"] = Text(Rules.MaxUserAgent),
        ["correlationId"] = new() { MaxLength = 64, Pattern = "^[A-Za-z0-9:._-]+$", Says = "a trace id" },
        ["details"] = new() { MaxLength = AuditEvent.MaxDetailsLength, Format = "json" },
        // Notifications.
        ["summary"] = Text(OutboxMessage.MaxSummaryLength),
        ["lastError"] = Text(OutboxMessage.MaxErrorLength),
        ["attempts"] = new() { Minimum = 0, Maximum = OutboxMessage.MaximumAttempts },
        // Answers about answers.
        ["BatchItemResponse.status"] = new() { Minimum = 201, Maximum = 599 },
        ["title"] = Text(128),
        ["detail"] = Text(Problems.MaxDetail),
        ["warnings"] = new() { MaxItems = AssignmentUse.MaximumListed, Items = Text(Rules.MaxJustification) },
        ["uses"] = new() { Minimum = 0, Maximum = long.MaxValue },
        // Lists: a page holds at most the largest page; the others are bounded by what Pim allows to exist.
        ["items"] = new() { MaxItems = Paging.MaximumPageSize },
        ["MyRolesResponse.items"] = new() { MaxItems = RoleAssignment.MaximumHeldByPrincipal },
        ["ActiveRoleListResponse.items"] = new() { MaxItems = RoleAssignment.MaximumHeldByPrincipal },
        ["AssignmentUsageResponse.items"] = new() { MaxItems = AssignmentUse.MaximumListed },
        ["recentNonInteractiveUse"] = new() { MaxItems = AssignmentUse.MaximumListed },
        ["RoleListResponse.items"] = new() { MaxItems = RoleCatalog.All.Count + RoleDefinition.MaximumCustomPerTenant },
        ["WebhookListResponse.items"] = new() { MaxItems = WebhookService.MaximumPerTenant },
        ["BatchActivationResponse.items"] = new() { MaxItems = ActivationService.MaximumBatch },
        ["SignUpListResponse.items"] = new() { MaxItems = Tenant.MaximumSignUps },
        ["signUps"] = new() { MaxItems = Tenant.MaximumSignUps },
        ["children"] = new() { MaxItems = ScopeNode.MaximumPerTenant },
        // Paging and versions.
        ["nextPageToken"] = new() { MaxLength = PageTokens.MaxLength, Pattern = PageTokens.Pattern, Says = "a token this API gave out" },
        ["pageToken"] = new() { MaxLength = PageTokens.MaxLength, Pattern = PageTokens.Pattern, Says = "the nextPageToken of the page before" },
        ["pageSize"] = new() { Minimum = 1, Maximum = Paging.MaximumPageSize },
        ["ListAuditEvents.pageSize"] = new() { Minimum = 1, Maximum = Features.Audit.AuditEndpoints.MaximumCsvRows },
        ["If-Match"] = new() { MaxLength = 16, Pattern = "^(W/)?\"[0-9]+\"$", Says = "an ETag this API gave out, such as \"3\"" },
        // Governance (issue 16): security alerts.
        ["alertId"] = Id,
        ["alertType"] = Values("AlertType", AlertCatalog.Types),
        ["AlertResponse.status"] = Values("AlertStatus", AlertStatuses.All),
        ["ListAlerts.status"] = Values("AlertStatus", AlertStatuses.All),
        ["recommendedAction"] = Text(Rules.MaxDescription),
        ["affectedCount"] = new() { Minimum = 0, Maximum = int.MaxValue },
        ["affectedItems"] = new() { MaxItems = AlertService.MaximumItemsShown },
        ["AlertItemResponse.count"] = new() { Minimum = 0, Maximum = int.MaxValue },
        ["dismissedBy"] = Subject,
        ["maximumCount"] = new() { Minimum = AlertSettings.MinimumCount, Maximum = AlertSettings.MaximumCountLimit },
        ["period"] = Duration,
        // Access reviews.
        ["reviewId"] = Id,
        ["instanceId"] = Id,
        ["itemId"] = Id,
        ["reviewers"] = new()
        {
            OneOf = [Values("AccessReviewerKeyword", AccessReviewers.Keywords), new() { MaxItems = AccessReview.MaximumReviewers, Items = Id }],
        },
        ["assignmentTypes"] = Values("AccessReviewAssignmentTypes", AccessReviewDecisions.Assignments),
        ["recurrence"] = Values("AccessReviewRecurrence", AccessReviewRecurrences.All),
        ["defaultDecision"] = Values("AccessReviewDefaultDecision", AccessReviewDecisions.Defaults),
        ["recommendation"] = Values("AccessReviewDecision", AccessReviewDecisions.Decisions),
        ["recommendationReason"] = Text(Features.Reviews.AccessReviewCsv.MaxCell),
        ["AccessReviewItemResponse.decision"] = Values("AccessReviewDecision", AccessReviewDecisions.Decisions),
        ["AccessReviewDecisionRequest.decision"] = Values("AccessReviewDecision", AccessReviewDecisions.Decisions),
        ["outcome"] = Values("AccessReviewOutcome", AccessReviewOutcomes.All),
        ["AccessReviewInstanceResponse.status"] = Values("AccessReviewInstanceStatus", AccessReviewInstance.Statuses),
        ["sequence"] = new() { Minimum = 1, Maximum = int.MaxValue },
        ["itemCount"] = new() { Minimum = 0, Maximum = int.MaxValue },
        ["decidedCount"] = new() { Minimum = 0, Maximum = int.MaxValue },
        ["keepCount"] = new() { Minimum = 0, Maximum = int.MaxValue },
        ["removeCount"] = new() { Minimum = 0, Maximum = int.MaxValue },
        ["removedCount"] = new() { Minimum = 0, Maximum = int.MaxValue },
        ["ListAccessReviewResults.pageSize"] = new() { Minimum = 1, Maximum = Csv.MaximumRows },
    }, Scim());

    /// <summary>SCIM (Features/Scim): what a provisioning client sends of a user or a group, and the protocol's own fields.</summary>
    private static Dictionary<string, WireField> Scim()
    {
        var scimText = Text(1024);
        var urn = new WireField { MaxLength = 256, Pattern = "^urn:[A-Za-z0-9:._-]+$", Says = "a URN, such as urn:ietf:params:scim:schemas:core:2.0:User" };
        var count = new WireField { Minimum = 0, Maximum = int.MaxValue };
        var values = new WireField { MaxItems = 20 };
        var url = new WireField { MaxLength = RequestBase.MaximumUrlLength, Format = "uri" };
        var identifier = new WireField { MaxLength = Rules.MaxSubject, Pattern = Rules.PrintablePattern, Says = "printable characters" };
        // SCIM's If-Match is optional, and may be * (any version).
        var ifMatch = new WireField { MaxLength = 16, Pattern = "^(\\*|(W/)?\"[0-9]+\")$", Says = "an ETag this API gave out, such as \"3\", or *" };
        var fields = new Dictionary<string, WireField>(StringComparer.Ordinal)
        {
            ["schemas"] = new() { MaxItems = 10, Items = urn },
            ["userName"] = identifier,
            ["externalId"] = identifier,
            ["nickName"] = DisplayName,
            ["profileUrl"] = url,
            ["userType"] = scimText,
            ["preferredLanguage"] = scimText,
            ["locale"] = scimText,
            ["timezone"] = scimText,
            ["password"] = scimText,
            ["emails"] = values,
            ["phoneNumbers"] = values,
            ["ims"] = values,
            ["photos"] = values,
            ["addresses"] = values,
            ["entitlements"] = values,
            ["roles"] = values,
            ["x509Certificates"] = values,
            ["ScimUser.groups"] = new() { MaxItems = Principal.MaximumTransitiveMemberOf },
            ["ScimGroup.members"] = new() { MaxItems = Principal.MaximumMembers },
            ["formatted"] = scimText,
            // What a display name is made of is held to a display name's rule (an address's formatted value may have lines).
            ["ScimName.formatted"] = DisplayName,
            ["familyName"] = DisplayName,
            ["givenName"] = DisplayName,
            ["middleName"] = DisplayName,
            ["honorificPrefix"] = DisplayName,
            ["honorificSuffix"] = DisplayName,
            ["streetAddress"] = scimText,
            ["locality"] = scimText,
            ["region"] = scimText,
            ["postalCode"] = scimText,
            ["country"] = scimText,
            ["employeeNumber"] = scimText,
            ["costCenter"] = scimText,
            ["organization"] = scimText,
            ["division"] = scimText,
            ["department"] = scimText,
            ["ScimMultiValue.value"] = scimText,
            ["ScimGroupRef.value"] = Id,
            ["ScimMember.value"] = Id,
            ["ScimManager.value"] = identifier,
            ["ScimPatchOperation.value"] = new() { MaxLength = 256 * 1024 },
            ["display"] = DisplayName,
            ["$ref"] = url,
            ["ScimMultiValue.type"] = scimText,
            ["ScimAddress.type"] = scimText,
            ["ScimGroupRef.type"] = Values("ScimGroupType", ["direct", "indirect"]),
            ["ScimMember.type"] = Values("ScimMemberType", ["User", "Group"]),
            ["resourceType"] = Values("ScimResourceTypeName", ["User", "Group", "Schema", "ResourceType", "ServiceProviderConfig"]),
            ["location"] = url,
            ["version"] = new() { MaxLength = 16, Pattern = "^(W/)?\"[0-9]+\"$", Says = "an ETag, such as \"3\"" },
            ["Operations"] = new() { MaxItems = Features.Scim.ScimEndpoints.MaximumOperations },
            ["op"] = new() { MaxLength = 7, Pattern = "^([Aa][Dd][Dd]|[Rr][Ee][Pp][Ll][Aa][Cc][Ee]|[Rr][Ee][Mm][Oo][Vv][Ee])$", Says = "add, replace or remove" },
            ["path"] = new() { MaxLength = 1024, Pattern = Rules.PrintablePattern, Says = "printable characters" },
            // Its characters are the filter's to refuse (invalidFilter, escaped ones too), not the wire's (invalidValue).
            ["filter"] = new() { MaxLength = Features.Scim.ScimFilter.MaximumLength, Says = "a SCIM filter (RFC 7644), without control characters" },
            ["attributes"] = new() { MaxLength = 1024, Pattern = Rules.PrintablePattern, Says = "printable characters" },
            ["excludedAttributes"] = new() { MaxLength = 1024, Pattern = Rules.PrintablePattern, Says = "printable characters" },
            ["startIndex"] = new() { Minimum = 0, Maximum = 1_000_000_000 },
            ["count"] = new() { Minimum = 0, Maximum = 10_000 },
            ["totalResults"] = count,
            ["itemsPerPage"] = new() { Minimum = 0, Maximum = Paging.MaximumPageSize },
            ["Resources"] = new() { MaxItems = Paging.MaximumPageSize },
            ["ScimError.status"] = new() { MaxLength = 3, Pattern = "^[1-5][0-9][0-9]$", Says = "an HTTP status" },
            ["scimType"] = Values("ScimErrorType", Features.Scim.ScimJson.ScimTypeValues),
            ["maxOperations"] = count,
            ["maxPayloadSize"] = count,
            ["maxResults"] = count,
            ["authenticationSchemes"] = new() { MaxItems = 5 },
            ["ScimAuthenticationScheme.type"] = scimText,
            ["ScimAuthenticationScheme.name"] = scimText,
            ["ScimResourceType.id"] = Id,
            ["ScimResourceType.name"] = Id,
            ["endpoint"] = new() { MaxLength = 64, Pattern = "^/[A-Za-z]+$", Says = "a path such as /Users" },
            ["schema"] = urn,
            ["schemaExtensions"] = new() { MaxItems = 5 },
            ["ScimSchema.id"] = urn,
            ["ScimSchema.name"] = Id,
            ["ScimSchema.attributes"] = new() { MaxItems = 50 },
            ["ScimAttribute.name"] = new() { MaxLength = 64, Pattern = "^[A-Za-z$][A-Za-z0-9]*$", Says = "an attribute name" },
            ["ScimAttribute.type"] = Values("ScimAttributeType", ["string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex"]),
            ["mutability"] = Values("ScimMutability", ["readOnly", "readWrite", "immutable", "writeOnly"]),
            ["returned"] = Values("ScimReturned", ["always", "never", "default", "request"]),
            ["uniqueness"] = Values("ScimUniqueness", ["none", "server", "global"]),
            ["subAttributes"] = new() { MaxItems = 20 },
            ["canonicalValues"] = new() { MaxItems = 20, Items = scimText },
            ["referenceTypes"] = new() { MaxItems = 10, Items = scimText },
            ["resourceTypeId"] = Id,
            ["schemaId"] = urn,
        };
        foreach (var verb in new[] { "Replace", "Patch", "Delete" })
            foreach (var scope in new[] { "", "Tenant" })
                foreach (var resource in new[] { "User", "Group" })
                    fields[$"{verb}{scope}Scim{resource}.If-Match"] = ifMatch;
        return fields;
    }

    private static Dictionary<string, WireField> Combine(Dictionary<string, WireField> fields, Dictionary<string, WireField> more)
    {
        foreach (var (name, field) in more) fields.Add(name, field);
        return fields;
    }

    private static WireField Text(int maxLength) =>
        new() { MaxLength = maxLength, Pattern = Rules.TextPattern, Says = "text without control characters other than tab and line breaks" };
    /// <summary>A closed vocabulary: a shared enumeration of the contract, named <paramref name="schema"/>.</summary>
    private static WireField Values(string schema, IEnumerable<string> values) => new() { Values = [.. values], Schema = schema };

    /// <summary>The field <paramref name="name"/> of <paramref name="owner"/> (a schema, or an operation for its parameters).</summary>
    public static WireField? Find(string owner, string name) =>
        Fields.TryGetValue($"{owner}.{name}", out var field) || Fields.TryGetValue(name, out field) ? field : null;

    /// <summary>
    /// Holds a record built by the server from what a client sent (a resource after a SCIM PATCH) to the bounds a request
    /// body is held to: 400 validation-failed naming each field out of bounds.
    /// </summary>
    public static void EnsureWithinBounds(object record)
    {
        var errors = new Dictionary<string, List<string>>();
        CheckRecord(OpenApiSetup.SchemaId(record.GetType()), record, "", errors);
        if (errors.Count > 0)
            throw new PimException(ErrorCodes.ValidationFailed, "One or more fields are out of bounds.", errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    /// <summary>The field, or the reason the contract cannot be written without it.</summary>
    private static WireField Require(string owner, string name) => Find(owner, name)
        ?? throw new InvalidOperationException($"'{owner}.{name}' has no bounds: give '{name}' (or '{owner}.{name}') an entry in Wire.Fields.");

    private static readonly ConcurrentDictionary<string, Regex> Regexes = new();

    internal static Regex RegexOf(string pattern) => Regexes.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1)));

    /// <summary>The whole value matches (in .NET, a final <c>$</c> also matches before a trailing newline; JSON Schema's does not).</summary>
    public static bool FullyMatches(Regex regex, string value) => regex.Match(value) is { Success: true } m && m.Index == 0 && m.Length == value.Length;

    // ---------------------------------------------------------------- the contract

    /// <summary>Declares each property's bounds on the schemas of Pim's own records.</summary>
    public sealed class SchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Properties.Count: > 0 } target || !IsContract(context.Type)) return;
            var owner = OpenApiSetup.SchemaId(context.Type);
            var properties = Properties(context.Type);
            foreach (var (name, property) in target.Properties.ToList())
            {
                if (!properties.TryGetValue(name, out var info)) continue;
                var kind = KindOf(info.PropertyType);
                if (kind is Kind.Record or Kind.Boolean) continue;
                var field = kind == Kind.Instant ? Find(owner, name) ?? Instant : Require(owner, name);
                if (property is not OpenApiSchema inline) continue;
                if (info.GetCustomAttribute<EchoAttribute>() is not null) inline.Description = ReadOnlyFields.Description;
                target.Properties[name] = Declare(inline, field, context.SchemaRepository);
            }
        }
    }

    /// <summary>Declares the bounds of an operation's path, query and header parameters.</summary>
    public static void DeclareParameters(OpenApiOperation operation, string operationId, SchemaRepository repository)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Schema is not OpenApiSchema schema || parameter.Name is null) continue;
            if (schema.Type?.HasFlag(JsonSchemaType.Boolean) == true) continue;
            var field = schema.Format == "date-time" ? Find(operationId, parameter.Name) ?? Instant : Require(operationId, parameter.Name);
            parameter.Schema = Declare(schema, field, repository);
            parameter.Description ??= schema.Description;
            schema.Description = null;
        }
    }

    /// <summary>The schema with the field's bounds; a shared schema's reference in its place (nullable kept).</summary>
    private static IOpenApiSchema Declare(OpenApiSchema schema, WireField field, SchemaRepository repository)
    {
        if (field.OneOf is { } shapes)
        {
            schema.OneOf = [.. shapes.Select(shape => Declare(shape.MaxItems is null ? new OpenApiSchema { Type = JsonSchemaType.String }
                : new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }, shape, repository))];
            return schema;
        }
        if (field.Schema is { } name)
        {
            if (field.Values is { } shared && !repository.Schemas.ContainsKey(name)) repository.AddDefinition(name, Enumeration(shared));
            var reference = new OpenApiSchemaReference(name);
            return schema.Type?.HasFlag(JsonSchemaType.Null) == true ? OpenApiSetup.OrNull(reference) : reference;
        }
        if (schema.Type?.HasFlag(JsonSchemaType.Array) == true)
        {
            schema.MaxItems = field.MaxItems ?? throw new InvalidOperationException("A list field needs MaxItems.");
            schema.MinItems = field.MinItems;
            if (field.Items is not null && schema.Items is OpenApiSchema items) schema.Items = Declare(items, field.Items, repository);
            return schema;
        }
        if (schema.Type?.HasFlag(JsonSchemaType.Integer) == true)
        {
            schema.Minimum = field.Minimum?.ToString(CultureInfo.InvariantCulture) ?? throw new InvalidOperationException("A number field needs Minimum.");
            schema.Maximum = field.Maximum?.ToString(CultureInfo.InvariantCulture) ?? throw new InvalidOperationException("A number field needs Maximum.");
            return schema;
        }
        schema.MaxLength = field.MaxLength ?? throw new InvalidOperationException("A text field needs MaxLength or a shared enumeration.");
        schema.Pattern = field.Pattern;
        schema.Format ??= field.Format;
        if (field.Says is not null && schema.Description is null) schema.Description = $"{char.ToUpperInvariant(field.Says[0])}{field.Says[1..]}.";
        return schema;
    }

    /// <summary>
    /// A closed vocabulary as a string enumeration, with <c>x-enumNames</c> (read by NSwag and other generators) naming
    /// each value in PascalCase: <c>activation.approved</c> is <c>ActivationApproved</c>.
    /// </summary>
    public static OpenApiSchema Enumeration(IEnumerable<string> values, string? description = null)
    {
        var list = values.ToList();
        return new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = description,
            Enum = [.. list.Select(v => (JsonNode)JsonValue.Create(v))],
            Extensions = new Dictionary<string, IOpenApiExtension>
            {
                ["x-enumNames"] = new JsonNodeExtension(new JsonArray([.. list.Select(v => (JsonNode)JsonValue.Create(PascalCase(v)))])),
            },
        };
    }

    private static string PascalCase(string value) => string.Concat(Regex.Split(value, "[^A-Za-z0-9]+")
        .Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    // ---------------------------------------------------------------- enforcement

    /// <summary>
    /// Holds every argument a handler of the group receives from the request — path, query and header values, [AsParameters]
    /// records and JSON bodies, nested records and lists included — to the bounds of <see cref="Fields"/>: a request that
    /// breaks one is answered 400 validation-failed naming each field, before any validator or handler runs.
    /// </summary>
    public static TBuilder HoldToWireBounds<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            // What each parameter is, read once per endpoint (reflection on every request showed in the profile).
            var parameters = factory.MethodInfo.GetParameters().Select(p => (
                Query: p.GetCustomAttribute<AsParametersAttribute>() is not null,
                Schema: IsContract(p.ParameterType) ? OpenApiSetup.SchemaId(p.ParameterType) : null,
                Name: WireName(p))).ToArray();
            return async context =>
            {
                var http = context.HttpContext;
                var operation = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "";
                var errors = new Dictionary<string, List<string>>();
                for (var i = 0; i < parameters.Length && i < context.Arguments.Count; i++)
                {
                    var (query, schema, name) = parameters[i];
                    var value = context.Arguments[i];
                    if (value is null) continue;
                    if (query) CheckParameters(http, operation, value, errors);
                    else if (schema is not null) CheckRecord(schema, value, "", errors);
                    else if (value is string or int or long) CheckValue(Require(operation, name), value, name, errors);
                }
                if (errors.Count > 0)
                    throw new PimException(ErrorCodes.ValidationFailed, "One or more fields are out of bounds.",
                        errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
                return await next(context);
            };
        });

    private static string WireName(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<FromHeaderAttribute>()?.Name ?? parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.Name!;

    private static void CheckParameters(HttpContext http, string operation, object query, Dictionary<string, List<string>> errors)
    {
        foreach (var (name, property) in Properties(query.GetType()))
        {
            var value = property.GetValue(query);
            if (value is null) continue;
            if (value is DateTimeOffset && http.Request.Query[name].ToString() is { } raw)
                CheckValue(Find(operation, name) ?? Instant, raw, name, errors);
            else if (value is string or int or long)
                CheckValue(Require(operation, name), value, name, errors);
        }
    }

    private static void CheckRecord(string owner, object record, string path, Dictionary<string, List<string>> errors)
    {
        foreach (var (name, property) in Properties(record.GetType()))
        {
            var value = property.GetValue(record);
            if (value is null) continue;
            var at = path.Length == 0 ? name : $"{path}.{name}";
            switch (KindOf(property.PropertyType))
            {
                case Kind.Record:
                    CheckRecord(OpenApiSetup.SchemaId(property.PropertyType), value, at, errors);
                    break;
                case Kind.List:
                    var field = Require(owner, name);
                    var items = ((IEnumerable)value).Cast<object?>().ToList();
                    if (items.Count > field.MaxItems) Add(errors, at, $"'{at}' may hold at most {field.MaxItems} items.");
                    if (items.Count < field.MinItems) Add(errors, at, $"'{at}' must hold at least {field.MinItems} item(s).");
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (items[i] is not { } item) continue;
                        if (IsContract(item.GetType())) CheckRecord(OpenApiSetup.SchemaId(item.GetType()), item, $"{at}[{i}]", errors);
                        else if (field.Items is not null) CheckValue(field.Items, item, $"{at}[{i}]", errors);
                    }
                    break;
                case Kind.Scalar:
                    CheckValue(Require(owner, name), value, at, errors);
                    break;
            }
        }
    }

    private static void CheckValue(WireField field, object value, string at, Dictionary<string, List<string>> errors)
    {
        switch (value)
        {
            case string text:
                if (field.Values is { } values)
                {
                    if (!values.Contains(text, StringComparer.Ordinal)) Add(errors, at, $"'{at}' must be one of: {string.Join(", ", values)}.");
                }
                else if (text.Length > field.MaxLength) Add(errors, at, $"'{at}' must be at most {field.MaxLength} characters.");
                else if (field.Regex is { } regex && !FullyMatches(regex, text)) Add(errors, at, $"'{at}' must be {field.Says}.");
                break;
            case int or long:
                var number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                if (number < field.Minimum || number > field.Maximum) Add(errors, at, $"'{at}' must be between {field.Minimum} and {field.Maximum}.");
                break;
        }
    }

    private static void Add(Dictionary<string, List<string>> errors, string at, string message)
    {
        if (!errors.TryGetValue(at, out var list)) errors[at] = list = [];
        list.Add(message);
    }

    // ---------------------------------------------------------------- the shape of records

    private enum Kind { Scalar, Instant, Boolean, List, Record }

    private static Kind KindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(DateTimeOffset)) return Kind.Instant;
        if (type == typeof(bool)) return Kind.Boolean;
        if (type == typeof(string) || type.IsPrimitive) return Kind.Scalar;
        if (typeof(IEnumerable).IsAssignableFrom(type)) return Kind.List;
        return IsContract(type) ? Kind.Record : Kind.Scalar;
    }

    /// <summary>A record of Pim's wire (a request, an answer, a query): the types its contract is made of.</summary>
    private static bool IsContract(Type type) =>
        type.Assembly == typeof(Wire).Assembly && type.IsClass && type.GetMethod("<Clone>$") is not null;

    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> Shapes = new();

    /// <summary>A record's properties by their wire names: camelCase, or the name a [JsonPropertyName] gives (AuthZEN's snake_case).</summary>
    private static Dictionary<string, PropertyInfo> Properties(Type type) => Shapes.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null && p.DeclaringType == t && t.GetConstructors().Any(c => c.GetParameters().Any(a => a.Name == p.Name)))
        .ToDictionary(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name ?? char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p => p));
}
