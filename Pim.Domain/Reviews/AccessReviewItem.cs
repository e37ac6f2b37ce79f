using System.Globalization;

namespace Pim.Domain;

/// <summary>What applying a removal found: the assignment was removed, or it was already gone.</summary>
public static class AccessReviewOutcomes
{
    public const string Removed = "removed";
    public const string AlreadyGone = "alreadyGone";
    public static readonly IReadOnlyList<string> All = [Removed, AlreadyGone];
}

/// <summary>
/// One assignment under review in an instance (its id is the assignment's), with Pim's recommendation — remove when the
/// assignment was neither activated nor used in the 30 days before the instance started (and is older than that) — and
/// the decision: a reviewer's, or the review's default at the end. Decided once.
/// </summary>
public sealed class AccessReviewItem
{
    private AccessReviewItem() { }

    public string TenantId { get; private init; } = "";
    public string InstanceId { get; private init; } = "";
    public string AssignmentId { get; private init; } = "";
    public string PrincipalId { get; private init; } = "";
    /// <summary>As the directory names the principal now; null when it is gone.</summary>
    public string? PrincipalDisplayName { get; private init; }
    public string RoleId { get; private init; } = "";
    public string Scope { get; private init; } = "";
    public AssignmentType AssignmentType { get; private init; }
    public DateTimeOffset AssignedAt { get; private init; }
    /// <summary>The last activation made through the assignment or use of it, before the instance started; null: none.</summary>
    public DateTimeOffset? LastActivityAt { get; private init; }
    public AccessReviewDecision Recommendation { get; private init; }
    public AccessReviewDecision? Decision { get; private set; }
    public string? DecidedBy { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public string? Justification { get; private set; }
    public bool DecidedByDefault { get; private init; }
    public DateTimeOffset? AppliedAt { get; private set; }
    public string? Outcome { get; private set; }

    public static AccessReviewItem Rehydrate(string tenantId, string instanceId, string assignmentId, string principalId, string? principalDisplayName,
        string roleId, string scope, AssignmentType assignmentType, DateTimeOffset assignedAt, DateTimeOffset? lastActivityAt,
        AccessReviewDecision recommendation, AccessReviewDecision? decision, string? decidedBy, DateTimeOffset? decidedAt, string? justification,
        bool decidedByDefault, DateTimeOffset? appliedAt, string? outcome) => new()
    {
        TenantId = tenantId, InstanceId = instanceId, AssignmentId = assignmentId, PrincipalId = principalId, PrincipalDisplayName = principalDisplayName,
        RoleId = roleId, Scope = scope, AssignmentType = assignmentType, AssignedAt = assignedAt, LastActivityAt = lastActivityAt,
        Recommendation = recommendation, Decision = decision, DecidedBy = decidedBy, DecidedAt = decidedAt, Justification = justification,
        DecidedByDefault = decidedByDefault, AppliedAt = appliedAt, Outcome = outcome,
    };

    /// <summary>A reviewer's decision; an item is decided once.</summary>
    public void Decide(AccessReviewDecision decision, string reviewerId, string? justification, DateTimeOffset now)
    {
        if (Decision is { } made)
            throw new PimException(ErrorCodes.InvalidStateTransition,
                $"Item '{AssignmentId}' was already decided ({AccessReviewDecisions.ToText(made)}) by {DecidedBy}.");
        Decision = decision;
        DecidedBy = reviewerId;
        DecidedAt = now;
        Justification = justification;
    }

    public void Applied(string outcome, DateTimeOffset now)
    {
        AppliedAt = now;
        Outcome = outcome;
    }

    /// <summary>Why Pim recommends what it does, in words, from what it knew when the instance started at <paramref name="startedAt"/>.</summary>
    public string RecommendationReason(DateTimeOffset startedAt)
    {
        var days = ((int)AccessReview.RecommendationLookback.TotalDays).ToString(CultureInfo.InvariantCulture);
        var last = LastActivityAt is { } at ? $"last on {Day(at)}" : "never activated or used";
        if (Recommendation == AccessReviewDecision.Remove) return $"Neither activated nor used in the {days} days before the review started ({last}).";
        return AssignedAt >= startedAt - AccessReview.RecommendationLookback && (LastActivityAt is null || LastActivityAt < startedAt - AccessReview.RecommendationLookback)
            ? $"Assigned on {Day(AssignedAt)}, less than {days} days before the review started."
            : $"Activated or used in the {days} days before the review started ({last}).";
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
