using Pim.Domain;

namespace Pim.Api.Tests.Reviews;

/// <summary>The rules of access reviews as pure functions: their definition, an instance's clock, and the reasons of recommendations.</summary>
[Trait("Store", "none")]
public sealed class AccessReviewRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static NewAccessReview Definition(TimeSpan? recurrence = null, TimeSpan? duration = null, AccessReviewers? reviewers = null) =>
        new("Admins", "/", ["user-administrator", "exchange-administrator", "exchange-administrator"], ReviewedAssignments.Both,
            reviewers ?? AccessReviewers.RoleAdministrators, recurrence, duration ?? TimeSpan.FromDays(14), AccessReviewDefault.Recommendation, false, true);

    [Fact]
    public void A_review_lasts_at_most_its_recurrence_names_its_reviewers_and_starts_at_once()
    {
        var review = AccessReview.Create("t", Definition(TimeSpan.FromDays(30)), Now, "alice");
        Assert.Equal((Now, 0), (review.NextInstanceAt, review.InstanceCount));
        Assert.Equal(["exchange-administrator", "user-administrator"], review.RoleIds);
        Assert.True(review.Covers("exchange-administrator"));
        Assert.False(review.Covers("global-administrator"));
        Assert.Equal("duration", Assert.Single(Assert.Throws<PimException>(() =>
            AccessReview.Create("t", Definition(TimeSpan.FromDays(7), TimeSpan.FromDays(14)), Now, "alice")).Errors!).Key);
        Assert.Throws<PimException>(() => AccessReview.Create("t", Definition(duration: TimeSpan.FromHours(12)), Now, "alice"));
        Assert.Throws<PimException>(() => AccessReview.Create("t", Definition(reviewers: AccessReviewers.Of([])), Now, "alice"));
    }

    [Fact]
    public void Each_instance_starts_a_recurrence_after_the_last_and_a_one_time_review_runs_once()
    {
        var recurring = AccessReview.Create("t", Definition(TimeSpan.FromDays(30)), Now, "alice");
        var first = recurring.StartInstance(Now);
        Assert.Equal((1, Now.AddDays(30)), (first.Sequence, recurring.NextInstanceAt));
        Assert.Equal(2, recurring.StartInstance(Now.AddDays(30)).Sequence);
        var once = AccessReview.Create("t", Definition(), Now, "alice");
        once.StartInstance(Now);
        Assert.Null(once.NextInstanceAt);
    }

    [Fact]
    public void An_instance_is_reminded_three_days_before_its_end_or_halfway_and_its_status_is_what_its_clock_says()
    {
        var review = AccessReview.Create("t", Definition(), Now, "alice");
        var instance = review.StartInstance(Now);
        Assert.Equal((Now.AddDays(14), Now.AddDays(11)), (instance.EndsAt, instance.RemindAt));
        Assert.Equal(Now.AddHours(12), AccessReview.Create("t", Definition(duration: TimeSpan.FromDays(1)), Now, "alice").StartInstance(Now).RemindAt);
        Assert.Equal(AccessReviewInstanceStatus.InProgress, instance.StatusAt(Now.AddDays(13)));
        Assert.Equal(AccessReviewInstanceStatus.Ended, instance.StatusAt(Now.AddDays(14)));
        Assert.Equal(ErrorCodes.InvalidStateTransition, Assert.Throws<PimException>(() => instance.EnsureInProgress(Now.AddDays(14))).Code);
        instance.Applied(Now.AddDays(15));
        Assert.Equal(AccessReviewInstanceStatus.Applied, instance.StatusAt(Now.AddDays(15)));
        Assert.Throws<PimException>(() => instance.Applied(Now.AddDays(16)));
    }

    [Fact]
    public void An_item_is_decided_once_and_its_recommendation_says_why()
    {
        AccessReviewItem Item(AccessReviewDecision recommendation, DateTimeOffset assignedAt, DateTimeOffset? lastActivityAt) =>
            AccessReviewItem.Rehydrate("t", "i", "a", "bob", "Bob", "exchange-administrator", "/", AssignmentType.Eligible, assignedAt, lastActivityAt,
                recommendation, null, null, null, null, false, null, null);
        Assert.Equal("Neither activated nor used in the 30 days before the review started (never activated or used).",
            Item(AccessReviewDecision.Remove, Now.AddDays(-90), null).RecommendationReason(Now));
        Assert.Equal("Neither activated nor used in the 30 days before the review started (last on 2026-08-29).",
            Item(AccessReviewDecision.Remove, Now.AddDays(-120), Now.AddDays(-90)).RecommendationReason(Now));
        Assert.Equal("Activated or used in the 30 days before the review started (last on 2026-11-20).",
            Item(AccessReviewDecision.Keep, Now.AddDays(-90), Now.AddDays(-7)).RecommendationReason(Now));
        Assert.Equal("Assigned on 2026-11-17, less than 30 days before the review started.",
            Item(AccessReviewDecision.Keep, Now.AddDays(-10), null).RecommendationReason(Now));

        var item = Item(AccessReviewDecision.Keep, Now, null);
        item.Decide(AccessReviewDecision.Remove, "sam", "left", Now);
        Assert.Equal(ErrorCodes.InvalidStateTransition, Assert.Throws<PimException>(() => item.Decide(AccessReviewDecision.Keep, "rita", "stays", Now)).Code);
        Assert.Equal((AccessReviewDecision.Remove, "sam"), (item.Decision, item.DecidedBy));
    }

    [Fact]
    public void Recurrences_are_a_closed_list()
    {
        Assert.True(AccessReviewRecurrences.TryParse("once", out var once));
        Assert.Null(once);
        Assert.True(AccessReviewRecurrences.TryParse("P90D", out var quarterly));
        Assert.Equal(TimeSpan.FromDays(90), quarterly);
        Assert.False(AccessReviewRecurrences.TryParse("P8D", out _));
        Assert.False(AccessReviewRecurrences.TryParse("P3M", out _));
    }
}
