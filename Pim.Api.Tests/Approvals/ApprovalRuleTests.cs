using Pim.Domain;

namespace Pim.Api.Tests.Approvals;

/// <summary>The rules of approval as pure functions: stages and quorum, escalation, auto-approval, the shorthand, notices.</summary>
[Trait("Store", "none")]
public sealed class ApprovalRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private static ApproverFacts Person(string id, params string[] groups) => new(id, groups, HoldsDefaultApproverRole: false, Enabled: true);
    private static readonly ApproverFacts Administrator = new("admin", [], HoldsDefaultApproverRole: true, Enabled: true);

    private static ApprovalStage Stage(int required, params string[] approvers) => new(approvers, required, TimeSpan.FromHours(4), null, []);

    [Fact]
    public void A_stage_passes_at_its_quorum_of_distinct_approvers_and_the_next_begins_then()
    {
        var progress = ApprovalProgress.Start([Stage(2, "ann", "ben", "cid"), Stage(1)], null, Now);
        var (afterAnn, step) = progress.Record("ann", true, "ok", Now.AddMinutes(5));
        Assert.Equal(ApprovalStep.Counted, step);
        Assert.True(afterAnn.HasDecided("ann"));
        Assert.Equal(Now.AddHours(4), afterAnn.Deadline);

        var (afterBen, passed) = afterAnn.Record("ben", true, "ok", Now.AddMinutes(10));
        Assert.Equal(ApprovalStep.StagePassed, passed);
        Assert.Equal((1, Now.AddMinutes(10)), (afterBen.CurrentStage, afterBen.StageStartedAt));
        Assert.Equal(Now.AddMinutes(10).AddHours(4), afterBen.Deadline);
        Assert.True(afterBen.HasDecided("ann")); // a person's decision counts in one stage only
        Assert.False(afterBen.MayBeDecidedBy(Person("ann"), Now.AddMinutes(11))); // stage 2: the default approvers
        Assert.True(afterBen.MayBeDecidedBy(Administrator, Now.AddMinutes(11)));

        var (done, approved) = afterBen.Record("admin", true, "ok", Now.AddMinutes(20));
        Assert.Equal(ApprovalStep.Approved, approved);
        Assert.True(done.IsComplete);
        Assert.Equal([StageStatus.Approved, StageStatus.Approved], [done.StatusOf(0, null), done.StatusOf(1, null)]);
    }

    [Fact]
    public void Any_deny_ends_the_approval()
    {
        var progress = ApprovalProgress.Start([Stage(2, "ann", "ben", "cid")], null, Now);
        var (afterAnn, _) = progress.Record("ann", true, null, Now);
        Assert.Equal(ApprovalStep.Denied, afterAnn.Record("ben", false, "no", Now).Step);
    }

    [Fact]
    public void Approvers_are_people_or_their_groups_and_a_disabled_account_decides_nothing()
    {
        var stage = Stage(1, "owners");
        Assert.True(stage.MayBeDecidedBy(Person("ann", "owners"), Now, Now));
        Assert.False(stage.MayBeDecidedBy(Person("ann", "others"), Now, Now));
        Assert.False(stage.MayBeDecidedBy(Person("ann", "owners") with { Enabled = false }, Now, Now));
        Assert.False(stage.MayBeDecidedBy(Administrator, Now, Now)); // named approvers replace the default ones
        Assert.False(Stage(1).MayBeDecidedBy(Administrator with { Enabled = false }, Now, Now));
    }

    [Fact]
    public void Escalation_approvers_join_the_stage_once_it_escalates()
    {
        var stage = new ApprovalStage(["ann"], 1, TimeSpan.FromHours(4), TimeSpan.FromHours(2), ["security-leads"]);
        var lead = Person("lee", "security-leads");
        Assert.False(stage.MayBeDecidedBy(lead, Now, Now.AddHours(2).AddTicks(-10)));
        Assert.True(stage.MayBeDecidedBy(lead, Now, Now.AddHours(2)));
        Assert.Equal(Now.AddHours(2), stage.EscalatesAt(Now));
        Assert.Null(Stage(1, "ann").EscalatesAt(Now));
    }

    [Fact]
    public void The_reminder_is_before_the_deadline_and_never_before_the_stage_began()
    {
        Assert.Equal(Now.AddHours(3), ApprovalProgress.Start([Stage(1)], TimeSpan.FromHours(1), Now).RemindsAt);
        Assert.Null(ApprovalProgress.Start([Stage(1)], TimeSpan.FromHours(4), Now).RemindsAt);
        Assert.Null(ApprovalProgress.Start([Stage(1)], null, Now).RemindsAt);
    }

    [Fact]
    public void An_auto_approval_rule_holds_when_every_condition_it_names_does()
    {
        var rule = new AutoApprovalRule("standard-change", MemberOf: ["oncall"], MaximumDuration: TimeSpan.FromHours(1), TicketSystems: ["ServiceNow"],
            TicketNumberPattern: "CHG[0-9]{4,10}");
        var ticket = new Ticket("CHG12345", "servicenow");
        Assert.True(rule.Matches(["oncall"], TimeSpan.FromHours(1), ticket, Now));
        Assert.False(rule.Matches(["others"], TimeSpan.FromHours(1), ticket, Now));
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(2), ticket, Now));
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(1), ticket with { System = "Jira" }, Now));
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(1), ticket with { Number = "XCHG12345" }, Now)); // the whole number
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(1), ticket with { Number = "CHG12345\n" }, Now));
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(1), null, Now));
        Assert.False(new AutoApprovalRule("empty").Matches(["oncall"], TimeSpan.FromMinutes(1), ticket, Now)); // no condition: never
    }

    [Fact]
    public void A_pattern_that_takes_too_long_matches_nothing()
    {
        var rule = new AutoApprovalRule("catastrophic", TicketNumberPattern: "(a+)+$");
        Assert.Null(AutoApprovalRule.PatternProblem("(a+)+$"));
        var hostile = new Ticket(new string('a', 5000) + "!", null);
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), hostile, Now));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
        Assert.NotNull(AutoApprovalRule.PatternProblem("(unclosed"));
        Assert.NotNull(AutoApprovalRule.PatternProblem(new string('a', AutoApprovalRule.MaximumPatternLength + 1)));
    }

    [Fact]
    public void A_weekly_window_is_read_in_its_time_zone()
    {
        var window = new WeeklyWindow("Europe/Berlin", [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
            new TimeOnly(8, 0), new TimeOnly(18, 0));
        // Wednesday 2026-12-02 07:30 UTC is 08:30 in Berlin (CET, UTC+1); 17:00 UTC is 18:00 there (closed).
        Assert.True(window.Contains(new DateTimeOffset(2026, 12, 2, 7, 30, 0, TimeSpan.Zero)));
        Assert.False(window.Contains(new DateTimeOffset(2026, 12, 2, 6, 59, 0, TimeSpan.Zero)));
        Assert.False(window.Contains(new DateTimeOffset(2026, 12, 2, 17, 0, 0, TimeSpan.Zero)));
        // In summer Berlin is UTC+2: 06:30 UTC is 08:30 there.
        Assert.True(window.Contains(new DateTimeOffset(2026, 7, 1, 6, 30, 0, TimeSpan.Zero)));
        // Saturday.
        Assert.False(window.Contains(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero)));
        Assert.False(new WeeklyWindow("Nowhere/Atlantis", [DayOfWeek.Monday], new TimeOnly(0, 0), new TimeOnly(23, 59))
            .Contains(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero)));
    }

    private static ActivationRules Rules(params ApprovalStage[] stages) =>
        RoleSettings.Default("exchange-administrator").Activation.WithApproval(stages, []);

    [Fact]
    public void The_shorthand_reads_as_one_stage_and_writes_one_without_losing_its_quorum()
    {
        var none = Rules();
        var one = ApprovalShorthand.Resolve(none, requireApproval: true, approvers: ["owners"], approvalTimeout: TimeSpan.FromHours(4), sent: null);
        Assert.True(ApprovalShorthand.SameStages([new ApprovalStage(["owners"], 1, TimeSpan.FromHours(4), null, [])], one.Stages));

        var quorum = Rules(new ApprovalStage(["owners"], 2, TimeSpan.FromHours(4), TimeSpan.FromHours(1), ["leads"]));
        var renamed = ApprovalShorthand.Resolve(quorum, null, ["admins"], null, sent: new ApprovalRules(quorum.Stages, []));
        Assert.Equal(["admins"], renamed.Stages[0].Approvers);
        Assert.Equal(["leads"], renamed.Stages[0].EscalateTo);
        Assert.Equal(2, renamed.Stages[0].Required);
        Assert.Empty(ApprovalShorthand.Resolve(quorum, false, null, null, null).Stages);
    }

    [Fact]
    public void The_shorthand_sent_back_as_read_leaves_the_stages_as_sent()
    {
        var two = Rules(Stage(2, "ann", "ben"), Stage(1));
        var (require, approvers, timeout) = ApprovalShorthand.Of(two.Stages);
        var edited = new ApprovalRules([Stage(1, "ann"), Stage(1), Stage(1, "cid")], []);
        Assert.Equal(3, ApprovalShorthand.Resolve(two, require, approvers, timeout, edited).Stages.Count);
        // Left out altogether, the stages in force are kept.
        Assert.Equal(2, ApprovalShorthand.Resolve(two, require, approvers, timeout, null).Stages.Count);
    }

    [Fact]
    public void A_shorthand_that_disagrees_with_the_stages_or_rewrites_several_is_refused()
    {
        var two = Rules(Stage(2, "ann", "ben"), Stage(1));
        Assert.Equal(ErrorCodes.ApprovalSettingsConflict,
            Assert.Throws<PimException>(() => ApprovalShorthand.Resolve(two, false, null, null, null)).Code);
        var edited = new ApprovalRules([Stage(1, "cid")], []);
        Assert.Equal(ErrorCodes.ApprovalSettingsConflict,
            Assert.Throws<PimException>(() => ApprovalShorthand.Resolve(two, true, ["dee"], null, edited)).Code);
        // Both changed, in agreement: fine.
        Assert.Single(ApprovalShorthand.Resolve(two, true, ["cid"], TimeSpan.FromHours(4), edited).Stages);
    }

    [Fact]
    public void Expiry_warnings_are_ahead_of_the_end_and_never_for_a_grant_no_longer_than_the_window()
    {
        Assert.Equal(Now.AddMinutes(45), ExpiryWarningRules.WarningAt(Now, Now.AddHours(1), TimeSpan.FromMinutes(15)));
        Assert.Null(ExpiryWarningRules.WarningAt(Now, Now.AddMinutes(10), TimeSpan.FromMinutes(15)));
        Assert.Null(ExpiryWarningRules.WarningAt(Now, null, TimeSpan.FromMinutes(15)));
        Assert.Null(ExpiryWarningRules.WarningAt(Now, Now.AddHours(1), null));
    }
}
