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

/// <summary>
/// The wire's vocabulary: every field and parameter name of the contract with what it may hold — the one source of the
/// bounds that openapi.yaml declares (<see cref="SchemaFilter"/>, <see cref="DeclareParameters"/>) and that every request
/// under a tenant is held to before its handler runs (<see cref="HoldToWireBounds{TBuilder}"/>). A name means the same
/// thing wherever it appears; where one name has two meanings, <c>Owner.name</c> (a schema, or an operation for its
/// parameters) says which. A string, number or list field without an entry fails the document's generation, so no field
/// reaches the contract unbounded. Date-times need no entry: <see cref="Instant"/> holds for all of them.
/// Validators keep what bounds cannot say: that a role is in the catalog, a duration well-formed, one field after another.
/// </summary>
public static partial class Wire
{
    internal static readonly WireField Id = new()
    {
        MaxLength = Rules.MaxIdLength, Pattern = Rules.IdPattern,
        Says = "1-128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
    };
    private static readonly WireField ScopeSegment = new()
    {
        MaxLength = ScopePath.MaxSegmentLength, Pattern = ScopePath.SegmentPattern,
        Says = "1-90 letters, digits, '.', '_' or '-', starting with a letter or digit",
    };
    internal static readonly WireField Scope = new()
    {
        MaxLength = ScopePath.MaxLength, Pattern = ScopePath.Pattern,
        Says = "'/', /managementGroups/{id}, /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{name} or /groups/{groupId}",
    };
    /// <summary>A token's subject or tenant: whoever the identity provider names (OpenID Connect: at most 255 ASCII characters).</summary>
    private static readonly WireField Subject = new()
    {
        MaxLength = Rules.MaxSubject, Pattern = Rules.PrintablePattern, Says = "printable characters",
    };
    internal static readonly WireField Duration = new()
    {
        MaxLength = IsoDuration.MaxLength, Pattern = IsoDuration.Pattern, Says = "an ISO 8601 duration such as PT1H or P1D",
    };
    internal static readonly WireField Email = new() { MaxLength = Rules.MaxEmail, Format = "email" };
    internal static readonly WireField DisplayName = new() { MaxLength = Rules.MaxDisplayName, Pattern = Rules.NamePattern, Says = "one line: no control characters or line breaks" };
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
        ["additionalRecipients"] = new() { MaxItems = RoleSettings.MaximumRecipients },
        ["url"] = new() { MaxLength = Rules.MaxUrl, Format = "uri" },
        ["secret"] = new() { MaxLength = 64, Pattern = "^whsec_[A-Za-z0-9+/]+=*$", Says = "whsec_ and base64" },
        // How long.
        ["duration"] = Duration,
        ["timeout"] = Duration,
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

    private static Dictionary<string, WireField> Combine(Dictionary<string, WireField> fields, Dictionary<string, WireField> more)
    {
        foreach (var (name, field) in more) fields.Add(name, field);
        return fields;
    }

    internal static WireField Text(int maxLength) =>
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

    /// <summary>
    /// The whole value matches (in .NET, a final <c>$</c> also matches before a trailing newline; JSON Schema's does not).
    /// The first match, as <see cref="Regex.Match(string)"/> finds it, without allocating one: this runs on every field of
    /// every request (evaluation's ids among them).
    /// </summary>
    public static bool FullyMatches(Regex regex, string value)
    {
        foreach (var match in regex.EnumerateMatches(value)) return match.Index == 0 && match.Length == value.Length;
        return false;
    }
}
