namespace Pim.Domain;

/// <summary>
/// Which items of an instance a reviewer sees: only <see cref="OnlyPrincipalId"/>'s (a self-review), or every item but
/// those held by <see cref="ExceptPrincipalIds"/> (the reviewer and its groups: nobody reviews their own assignment),
/// and only at or below <see cref="UnderScopes"/> when given (a resource administrator).
/// </summary>
public sealed record ReviewerItems(string? OnlyPrincipalId, IReadOnlyList<string> ExceptPrincipalIds, IReadOnlyList<string>? UnderScopes);

public interface IAccessReviews
{
    Task InsertAsync(AccessReview review, CancellationToken ct);
    Task<AccessReview?> FindAsync(string tenantId, string reviewId, CancellationToken ct);
    Task<IReadOnlyList<AccessReview>> ListAsync(string tenantId, string? after, int limit, CancellationToken ct);
    Task<int> CountAsync(string tenantId, CancellationToken ct);
    /// <summary>Claims (locks, skipping what other sweepers hold) reviews in any tenant whose next instance is due.</summary>
    Task<IReadOnlyList<AccessReview>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>
    /// Records the instance the review just started (<see cref="AccessReview.StartInstance"/>) and its items: the
    /// assignments in the review's scope at <paramref name="now"/>, each with its recommendation, in one set-based
    /// statement. Returns how many items it holds.
    /// </summary>
    Task<int> StartInstanceAsync(AccessReview review, AccessReviewInstance instance, DateTimeOffset now, CancellationToken ct);
    Task<AccessReviewInstance?> FindInstanceAsync(string tenantId, string reviewId, string instanceId, CancellationToken ct);
    /// <summary>Reads the instance and holds it until the unit of work ends, so that no sweeper ends or applies it meanwhile.</summary>
    Task<AccessReviewInstance?> FindInstanceForUpdateAsync(string tenantId, string reviewId, string instanceId, CancellationToken ct);
    /// <summary>A review's instances, newest first.</summary>
    Task<IReadOnlyList<AccessReviewInstance>> ListInstancesAsync(string tenantId, string reviewId, string? after, int limit, CancellationToken ct);
    Task<AccessReviewProgress> ProgressAsync(string tenantId, string instanceId, CancellationToken ct);
    Task UpdateInstanceAsync(AccessReviewInstance instance, CancellationToken ct);
    /// <summary>Claims instances in progress whose reminder is due.</summary>
    Task<IReadOnlyList<AccessReviewInstance>> ClaimDueRemindersAsync(DateTimeOffset now, int limit, CancellationToken ct);
    /// <summary>Claims instances that reached their end and whose undecided items have not taken the default yet.</summary>
    Task<IReadOnlyList<AccessReviewInstance>> ClaimDueEndsAsync(DateTimeOffset now, int limit, CancellationToken ct);
    /// <summary>Claims ended instances of autoApply reviews whose removals are not all applied.</summary>
    Task<IReadOnlyList<AccessReviewInstance>> ClaimDueApplicationsAsync(int limit, CancellationToken ct);

    Task<AccessReviewItem?> FindItemAsync(string tenantId, string instanceId, string assignmentId, CancellationToken ct);
    /// <summary>Items in assignment-id order, after the key <paramref name="after"/>; all of them without <paramref name="reviewer"/>.</summary>
    Task<IReadOnlyList<AccessReviewItem>> ListItemsAsync(string tenantId, string instanceId, ReviewerItems? reviewer, string? after, int limit,
        CancellationToken ct);
    /// <summary>Records a reviewer's decision unless the item was decided first; false then.</summary>
    Task<bool> DecideAsync(AccessReviewItem item, CancellationToken ct);
    /// <summary>Every undecided item takes the default (its recommendation, for that default), set-based; returns how many.</summary>
    Task<int> DecideByDefaultAsync(string tenantId, string instanceId, AccessReviewDefault decision, DateTimeOffset now, CancellationToken ct);
    /// <summary>Who holds the undecided items (users, guests and service principals: the reviewers of a self-review).</summary>
    Task<IReadOnlyList<string>> ListUndecidedHoldersAsync(string tenantId, string instanceId, CancellationToken ct);
    /// <summary>Items decided 'remove' whose removal is not applied yet.</summary>
    Task<IReadOnlyList<AccessReviewItem>> ListToApplyAsync(string tenantId, string instanceId, int limit, CancellationToken ct);
    Task MarkAppliedAsync(AccessReviewItem item, CancellationToken ct);
}
