namespace Pim.Domain;

public enum AccessReviewInstanceStatus { InProgress, Ended, Applied }

/// <summary>How far an instance's items are: how many there are, decided, to keep, to remove, and removals applied.</summary>
public sealed record AccessReviewProgress(int Items, int Decided, int Kept, int Removed, int Applied);

/// <summary>
/// One run of an access review: it covers the assignments in scope when it started, reviewers decide until it ends, a
/// reminder goes out before the end, and at the end undecided items take the review's default; then its results are
/// applied (at once with autoApply, else when an administrator applies them). Its status is what its instants say.
/// </summary>
public sealed class AccessReviewInstance
{
    /// <summary>The reminder goes out this long before the end (halfway through a shorter review).</summary>
    public static readonly TimeSpan ReminderLead = TimeSpan.FromDays(3);

    private AccessReviewInstance(string tenantId, string id, string reviewId, int sequence, DateTimeOffset startsAt, DateTimeOffset endsAt,
        DateTimeOffset remindAt, DateTimeOffset? remindedAt, DateTimeOffset? endedAt, DateTimeOffset? appliedAt)
    {
        TenantId = tenantId;
        Id = id;
        ReviewId = reviewId;
        Sequence = sequence;
        StartsAt = startsAt;
        EndsAt = endsAt;
        RemindAt = remindAt;
        RemindedAt = remindedAt;
        EndedAt = endedAt;
        AppliedAt = appliedAt;
    }

    public string TenantId { get; }
    public string Id { get; }
    public string ReviewId { get; }
    public int Sequence { get; }
    public DateTimeOffset StartsAt { get; }
    public DateTimeOffset EndsAt { get; }
    public DateTimeOffset RemindAt { get; }
    public DateTimeOffset? RemindedAt { get; private set; }
    /// <summary>When the undecided items took the default (the decisions are final).</summary>
    public DateTimeOffset? EndedAt { get; private set; }
    /// <summary>When the removals were applied.</summary>
    public DateTimeOffset? AppliedAt { get; private set; }

    public AccessReviewInstanceStatus StatusAt(DateTimeOffset now) =>
        AppliedAt is not null ? AccessReviewInstanceStatus.Applied
        : EndedAt is not null || now >= EndsAt ? AccessReviewInstanceStatus.Ended
        : AccessReviewInstanceStatus.InProgress;

    public static AccessReviewInstance Start(AccessReview review, int sequence, DateTimeOffset now)
    {
        var lead = review.Duration / 2 < ReminderLead ? review.Duration / 2 : ReminderLead;
        var endsAt = now + review.Duration;
        return new AccessReviewInstance(review.TenantId, NewId.Next(), review.Id, sequence, now, endsAt, Clock.Normalize(endsAt - lead), null, null, null);
    }

    public static AccessReviewInstance Rehydrate(string tenantId, string id, string reviewId, int sequence, DateTimeOffset startsAt, DateTimeOffset endsAt,
        DateTimeOffset remindAt, DateTimeOffset? remindedAt, DateTimeOffset? endedAt, DateTimeOffset? appliedAt) =>
        new(tenantId, id, reviewId, sequence, startsAt, endsAt, remindAt, remindedAt, endedAt, appliedAt);

    /// <summary>Reviewers decide only while the instance is in progress.</summary>
    public void EnsureInProgress(DateTimeOffset now)
    {
        if (StatusAt(now) != AccessReviewInstanceStatus.InProgress)
            throw new PimException(ErrorCodes.InvalidStateTransition, $"Access review instance '{Id}' ended at {EndsAt:O}: its decisions are final.");
    }

    /// <summary>Only an instance in progress is stopped early; once it has ended (at its end or stopped), its decisions are final.</summary>
    public void EnsureStoppable(DateTimeOffset now)
    {
        if (StatusAt(now) != AccessReviewInstanceStatus.InProgress)
            throw new PimException(ErrorCodes.InvalidStateTransition, $"Access review instance '{Id}' ended at {EndedAt ?? EndsAt:O}: there is nothing to stop.");
    }

    public void Reminded(DateTimeOffset now) => RemindedAt = now;

    public void Ended(DateTimeOffset now) => EndedAt ??= now;

    public void Applied(DateTimeOffset now)
    {
        if (AppliedAt is not null)
            throw new PimException(ErrorCodes.InvalidStateTransition, $"The results of access review instance '{Id}' were applied at {AppliedAt:O}.");
        AppliedAt = now;
    }

    public static string Wire(AccessReviewInstanceStatus status) => status switch
    {
        AccessReviewInstanceStatus.InProgress => "inProgress",
        AccessReviewInstanceStatus.Ended => "ended",
        _ => "applied",
    };

    public static readonly IReadOnlyList<string> Statuses = [.. Enum.GetValues<AccessReviewInstanceStatus>().Select(Wire)];
}
