using Pim.Api.Http;

namespace Pim.Api.Features.Reviews;

/// <summary>An access review instance's results as CSV (<see cref="Csv"/>: injection-safe in every locale, like the audit's).</summary>
public static class AccessReviewCsv
{
    /// <summary>The longest value of an item's field (<see cref="AccessReviewItemResponse"/>: a justification, a reason), and so the longest export.</summary>
    public const int MaxCell = 1024;

    private static readonly string[] Header =
    [
        "assignmentId", "principalId", "principalDisplayName", "roleId", "scope", "assignmentType", "assignedAt", "lastActivityAt", "recommendation",
        "recommendationReason", "decision", "decidedBy", "decidedAt", "decidedByDefault", "justification", "appliedAt", "outcome",
    ];

    public static readonly int MaxLength = Csv.MaxLength(Header.Length, MaxCell);

    public static string Write(IEnumerable<AccessReviewItemResponse> items) => Csv.Write(Header, items.Select(i => (IReadOnlyList<string?>)
    [
        i.AssignmentId, i.PrincipalId, i.PrincipalDisplayName, i.RoleId, i.Scope, i.AssignmentType, Csv.Instant(i.AssignedAt), Csv.Instant(i.LastActivityAt),
        i.Recommendation, i.RecommendationReason, i.Decision, i.DecidedBy, Csv.Instant(i.DecidedAt), i.DecidedByDefault ? "true" : "false", i.Justification?.Text,
        Csv.Instant(i.AppliedAt), i.Outcome,
    ]));
}
