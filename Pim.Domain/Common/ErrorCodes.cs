namespace Pim.Domain;

/// <summary>The stable problem codes, grouped by the kind of refusal; the API gives each its status in one table.</summary>
public static class ErrorCodes
{
    // The request itself is malformed or a field is invalid.
    public const string ValidationFailed = "validation-failed";
    public const string MalformedRequest = "malformed-request";
    public const string InvalidPageToken = "invalid-page-token";
    public const string TenantRequired = "tenant-required";
    public const string InvalidFilter = "invalid-filter";
    public const string InvalidPath = "invalid-path";
    public const string NoTarget = "no-target";
    // The caller is not (or not freshly enough) authenticated.
    public const string Unauthenticated = "unauthenticated";
    public const string MfaRequired = "mfa-required";
    public const string SlackSignatureInvalid = "slack-signature-invalid";
    // The caller may not do this.
    public const string Forbidden = "forbidden";
    public const string SelfApprovalForbidden = "self-approval-forbidden";
    public const string PrincipalDisabled = "principal-disabled";
    public const string SelfReviewForbidden = "self-review-forbidden";
    public const string SelfAssignmentForbidden = "self-assignment-forbidden";
    // Nothing by that name (in this tenant).
    public const string NotFound = "not-found";
    // The state of things does not allow it now.
    public const string ConsentRequired = "consent-required";
    public const string SignUpRequired = "sign-up-required";
    public const string ActivationAlreadyOpen = "activation-already-open";
    public const string InvalidStateTransition = "invalid-state-transition";
    public const string AssignmentExists = "assignment-exists";
    public const string Conflict = "conflict";
    public const string LimitReached = "limit-reached";
    public const string AlreadyDecided = "already-decided";
    public const string MembershipCycle = "membership-cycle";
    public const string EligibilityCycle = "eligibility-cycle";
    public const string NotUnique = "not-unique";
    public const string BuiltInRole = "built-in-role";
    public const string RoleInUse = "role-in-use";
    public const string SlackInteractionReplayed = "slack-interaction-replayed";
    // Optimistic concurrency: the version read is missing or stale.
    public const string PreconditionFailed = "precondition-failed";
    public const string PreconditionRequired = "precondition-required";
    // Well-formed, but refused by policy.
    public const string NotEligible = "not-eligible";
    public const string DurationExceedsMaximum = "duration-exceeds-maximum";
    public const string JustificationRequired = "justification-required";
    public const string TicketRequired = "ticket-required";
    public const string PermanentAssignmentForbidden = "permanent-assignment-forbidden";
    public const string AssignmentDurationExceedsMaximum = "assignment-duration-exceeds-maximum";
    public const string UnknownApprover = "unknown-approver";
    public const string UnknownPrincipal = "unknown-principal";
    public const string InvalidScope = "invalid-scope";
    public const string ReadOnlyField = "read-only-field";
    public const string WebhookUrlRefused = "webhook-url-refused";
    public const string GuestNotAllowed = "guest-not-allowed";
    public const string BatchTooLarge = "batch-too-large";
    public const string BreakGlassNotAllowed = "break-glass-not-allowed";
    public const string WorkloadNotAllowed = "workload-not-allowed";
    public const string ApprovalSettingsConflict = "approval-settings-conflict";
    public const string ApprovalStageUnsatisfiable = "approval-stage-unsatisfiable";
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    public const string IdempotencyKeyInUse = "idempotency-key-in-use";
    public const string IdempotencyAnswerWithheld = "idempotency-answer-withheld";
    // Too much, too fast.
    public const string IdempotencyKeyLimit = "idempotency-key-limit";
    public const string RateLimited = "rate-limited";
    // Pim cannot answer now.
    public const string StoreUnavailable = "store-unavailable";
    public const string IdentityProviderUnavailable = "identity-provider-unavailable";
    public const string InternalError = "internal-error";
}
