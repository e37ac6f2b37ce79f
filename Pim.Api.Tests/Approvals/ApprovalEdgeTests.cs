using Pim.Domain;

namespace Pim.Api.Tests.Approvals;

/// <summary>
/// The rules of approval at their edges: a stage's quorum counts only that stage's approvals, who may decide a stage
/// (and from which instant an escalation lets more in), when a reminder is due, and every condition of an
/// auto-approval rule on its own and at its limit. Pure, no database.
/// </summary>
[Trait("Store", "none")]
public sealed class ApprovalEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero); // a Wednesday
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static ApproverFacts Person(string id, params string[] groups) => new(id, groups, HoldsDefaultApproverRole: false, Enabled: true);

    private static ApprovalStage Stage(int required, params string[] approvers) => new(approvers, required, TimeSpan.FromHours(4), null, []);

    // ---------------------------------------------------------------- stages and quorum

    [Fact]
    public void An_approval_has_at_least_one_stage()
    {
        var refusal = Assert.Throws<ArgumentException>(() => ApprovalProgress.Start([], null, Now));
        Assert.Equal("stages", refusal.ParamName);
        Assert.StartsWith("An approval has at least one stage.", refusal.Message);
    }

    [Fact]
    public void An_approval_from_an_earlier_stage_counts_nothing_toward_a_later_stages_quorum()
    {
        var progress = ApprovalProgress.Start([Stage(1, "ann"), Stage(2, "ben", "cid")], null, Now);
        var (second, passed) = progress.Record("ann", true, "ok", Now);
        Assert.Equal(ApprovalStep.StagePassed, passed);
        var (afterBen, counted) = second.Record("ben", true, "ok", Now.AddMinutes(1));
        Assert.Equal(ApprovalStep.Counted, counted);
        Assert.Equal((1, Now), (afterBen.CurrentStage, afterBen.StageStartedAt));
        Assert.Equal(ApprovalStep.Approved, afterBen.Record("cid", true, "ok", Now.AddMinutes(2)).Step);
    }

    [Fact]
    public void A_quorum_is_met_by_exactly_its_number_of_approvals()
    {
        var progress = ApprovalProgress.Start([Stage(3, "ann", "ben", "cid", "dee")], null, Now);
        var (one, _) = progress.Record("ann", true, null, Now);
        var (two, step) = one.Record("ben", true, null, Now);
        Assert.Equal(ApprovalStep.Counted, step);
        var (three, last) = two.Record("cid", true, null, Now.AddMinutes(3));
        Assert.Equal(ApprovalStep.Approved, last);
        Assert.True(three.IsComplete);
        Assert.Equal((1, Now.AddMinutes(3)), (three.CurrentStage, three.StageStartedAt));
        Assert.Null(three.RemindsAt);
        Assert.Null(three.EscalatesAt);
        Assert.False(three.MayBeDecidedBy(Person("dee"), Now.AddMinutes(4)));
    }

    [Fact]
    public void Decisions_are_kept_in_the_order_they_were_made_with_their_stage_and_a_deny_among_them()
    {
        var progress = ApprovalProgress.Start([Stage(1, "ann"), Stage(2, "ben", "cid")], null, Now);
        var (second, _) = progress.Record("ann", true, "first", Now);
        var (afterBen, _) = second.Record("ben", true, "second", Now.AddMinutes(1));
        var (denied, step) = afterBen.Record("cid", false, "no", Now.AddMinutes(2));
        Assert.Equal(ApprovalStep.Denied, step);
        Assert.Equal([
            new StageDecision(0, "ann", true, "first", Now),
            new StageDecision(1, "ben", true, "second", Now.AddMinutes(1)),
            new StageDecision(1, "cid", false, "no", Now.AddMinutes(2)),
        ], denied.Decisions);
        Assert.Equal(["ann", "ben", "cid"], denied.Decided);
        Assert.Equal(1, denied.CurrentStage);
        Assert.False(denied.HasDecided("dee"));
        Assert.True(denied.HasDecided("cid"));
    }

    [Fact]
    public void A_complete_approval_takes_no_more_decisions()
    {
        var (done, _) = ApprovalProgress.Start([Stage(1, "ann")], null, Now).Record("ann", true, null, Now);
        Assert.Equal("The approval is complete.", Assert.Throws<InvalidOperationException>(() => done.Record("ben", true, null, Now)).Message);
    }

    [Fact]
    public void A_stage_shows_approved_before_the_current_one_how_the_request_closed_at_it_and_not_started_after()
    {
        var (second, _) = ApprovalProgress.Start([Stage(1, "ann"), Stage(1, "ben"), Stage(1, "cid")], null, Now).Record("ann", true, null, Now);
        Assert.Equal(StageStatus.Approved, second.StatusOf(0, null));
        Assert.Equal(StageStatus.Pending, second.StatusOf(1, null));
        Assert.Equal(StageStatus.Denied, second.StatusOf(1, StageStatus.Denied));
        Assert.Equal(StageStatus.NotStarted, second.StatusOf(2, StageStatus.Denied));
        Assert.Equal(StageStatus.Approved, second.StatusOf(0, StageStatus.TimedOut));
    }

    [Fact]
    public void A_reminder_falls_before_the_deadline_and_never_at_or_before_the_stage_began()
    {
        var stage = Stage(1, "ann"); // four hours
        Assert.Null(ApprovalProgress.Start([stage], TimeSpan.FromHours(4), Now).RemindsAt);
        Assert.Equal(Now + Tick, ApprovalProgress.Start([stage], TimeSpan.FromHours(4) - Tick, Now).RemindsAt);
        Assert.Equal(Now.AddHours(3), ApprovalProgress.Start([stage], TimeSpan.FromHours(1), Now).RemindsAt);
        Assert.Equal(Now.AddHours(4), ApprovalProgress.Start([stage], TimeSpan.FromHours(1), Now).Deadline);
    }

    // ---------------------------------------------------------------- who decides

    [Fact]
    public void A_workload_or_a_disabled_account_decides_no_stage_and_anyone_else_named_does()
    {
        var stage = Stage(1, "owners", "ann");
        Assert.True(stage.MayBeDecidedBy(Person("ann"), Now, Now));
        Assert.True(stage.MayBeDecidedBy(Person("bea", "owners"), Now, Now));
        Assert.False(stage.MayBeDecidedBy(Person("ann") with { Workload = true }, Now, Now));
        Assert.False(stage.MayBeDecidedBy(Person("ann") with { Enabled = false }, Now, Now));
        var defaults = Stage(1);
        var administrator = new ApproverFacts("admin", [], HoldsDefaultApproverRole: true, Enabled: true);
        Assert.True(defaults.MayBeDecidedBy(administrator, Now, Now));
        Assert.False(defaults.MayBeDecidedBy(administrator with { Workload = true }, Now, Now));
        Assert.False(defaults.MayBeDecidedBy(Person("ann"), Now, Now));
    }

    [Fact]
    public void An_escalation_lets_its_approvers_in_from_exactly_its_instant_and_nobody_else()
    {
        var stage = new ApprovalStage(["ann"], 1, TimeSpan.FromHours(4), TimeSpan.FromHours(2), ["leads"]);
        Assert.Equal(Now.AddHours(2), stage.EscalatesAt(Now));
        Assert.False(stage.MayBeDecidedBy(Person("lee", "leads"), Now, Now.AddHours(2) - Tick));
        Assert.True(stage.MayBeDecidedBy(Person("lee", "leads"), Now, Now.AddHours(2)));
        Assert.False(stage.MayBeDecidedBy(Person("lee", "others"), Now, Now.AddHours(2)));
        Assert.True(stage.MayBeDecidedBy(Person("ann"), Now, Now.AddHours(1)));
        Assert.True(stage.MayBeDecidedBy(Person("ann"), Now, Now.AddHours(3)));
        Assert.False(stage.MayBeDecidedBy(Person("lee", "leads") with { Workload = true }, Now, Now.AddHours(3)));
    }

    [Fact]
    public void A_stage_escalates_only_with_both_a_delay_and_someone_to_escalate_to()
    {
        Assert.Null(new ApprovalStage(["ann"], 1, TimeSpan.FromHours(4), TimeSpan.FromHours(2), []).EscalatesAt(Now));
        Assert.Null(new ApprovalStage(["ann"], 1, TimeSpan.FromHours(4), null, ["leads"]).EscalatesAt(Now));
        var progress = ApprovalProgress.Start([new ApprovalStage(["ann"], 1, TimeSpan.FromHours(4), TimeSpan.FromMinutes(30), ["leads"])], null, Now);
        Assert.Equal(Now.AddMinutes(30), progress.EscalatesAt);
        var single = ApprovalStage.Single(["ann"], TimeSpan.FromHours(4));
        Assert.Equal((1, TimeSpan.FromHours(4), (TimeSpan?)null), (single.Required, single.Timeout, single.EscalateAfter));
        Assert.Equal(["ann"], single.Approvers);
        Assert.Empty(single.EscalateTo);
        Assert.Empty(ApprovalRules.None.Stages);
        Assert.Empty(ApprovalRules.None.AutoApprove);
    }

    // ---------------------------------------------------------------- auto-approval

    private static readonly Ticket Change = new("CHG1234", "ServiceNow");

    [Fact]
    public void A_rule_names_at_least_one_condition_and_an_empty_list_is_no_condition()
    {
        Assert.False(new AutoApprovalRule("none").HasConditions);
        Assert.False(new AutoApprovalRule("empty", MemberOf: [], TicketSystems: []).HasConditions);
        Assert.True(new AutoApprovalRule("m", MemberOf: ["oncall"]).HasConditions);
        Assert.True(new AutoApprovalRule("d", MaximumDuration: TimeSpan.FromHours(1)).HasConditions);
        Assert.True(new AutoApprovalRule("s", TicketSystems: ["ServiceNow"]).HasConditions);
        Assert.True(new AutoApprovalRule("p", TicketNumberPattern: "CHG.*").HasConditions);
        Assert.True(new AutoApprovalRule("w", Window: new WeeklyWindow("UTC", [DayOfWeek.Monday], new TimeOnly(8, 0), new TimeOnly(9, 0))).HasConditions);
        Assert.False(new AutoApprovalRule("empty", MemberOf: [], TicketSystems: []).Matches(["oncall"], TimeSpan.FromMinutes(1), Change, Now));
    }

    [Fact]
    public void Membership_of_any_one_of_the_rules_groups_will_do()
    {
        var rule = new AutoApprovalRule("either", MemberOf: ["oncall", "sre"]);
        Assert.True(rule.Matches(["sre"], TimeSpan.FromHours(8), null, Now));
        Assert.True(rule.Matches(["others", "oncall"], TimeSpan.FromHours(8), null, Now));
        Assert.False(rule.Matches(["others"], TimeSpan.FromHours(8), null, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(8), null, Now));
        Assert.True(new AutoApprovalRule("no-groups", MemberOf: [], MaximumDuration: TimeSpan.FromHours(1)).Matches([], TimeSpan.FromHours(1), null, Now));
    }

    [Fact]
    public void A_duration_of_exactly_the_rules_maximum_matches_and_one_tick_more_does_not()
    {
        var rule = new AutoApprovalRule("short", MaximumDuration: TimeSpan.FromHours(1));
        Assert.True(rule.Matches([], TimeSpan.FromHours(1), null, Now));
        Assert.True(rule.Matches([], TimeSpan.FromHours(1) - Tick, null, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1) + Tick, null, Now));
    }

    [Fact]
    public void The_ticket_system_is_any_of_the_rules_compared_without_case_and_a_ticket_without_one_matches_none()
    {
        var rule = new AutoApprovalRule("systems", TicketSystems: ["Jira", "ServiceNow"]);
        Assert.True(rule.Matches([], TimeSpan.FromHours(1), Change with { System = "SERVICENOW" }, Now));
        Assert.True(rule.Matches([], TimeSpan.FromHours(1), Change with { System = "jira" }, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), Change with { System = "Remedy" }, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), Change with { System = null }, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), null, Now));
        Assert.True(new AutoApprovalRule("no-systems", TicketSystems: [], MaximumDuration: TimeSpan.FromHours(1)).Matches([], TimeSpan.FromHours(1), null, Now));
    }

    [Fact]
    public void The_ticket_number_must_match_the_pattern_whole()
    {
        var rule = new AutoApprovalRule("changes", TicketNumberPattern: "CHG[0-9]+");
        Assert.True(rule.Matches([], TimeSpan.FromHours(1), Change, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), Change with { Number = "INC1234" }, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), Change with { Number = "CHG1234x" }, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), Change with { Number = "xCHG1234" }, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), Change with { Number = "" }, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), null, Now));
        Assert.False(new AutoApprovalRule("broken", TicketNumberPattern: "(unclosed").Matches([], TimeSpan.FromHours(1), Change, Now));
    }

    [Fact]
    public void A_rules_weekly_window_opens_at_its_start_and_closes_at_its_end()
    {
        var rule = new AutoApprovalRule("office", Window: new WeeklyWindow("UTC", [DayOfWeek.Wednesday], new TimeOnly(9, 0), new TimeOnly(17, 0)));
        Assert.True(rule.Matches([], TimeSpan.FromHours(1), null, Now));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), null, Now - Tick));
        Assert.True(rule.Matches([], TimeSpan.FromHours(1), null, Now.AddHours(8) - Tick));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), null, Now.AddHours(8)));
        Assert.False(rule.Matches([], TimeSpan.FromHours(1), null, Now.AddDays(1)));
    }

    [Fact]
    public void Every_condition_a_rule_names_must_hold()
    {
        var rule = new AutoApprovalRule("all", MemberOf: ["oncall"], MaximumDuration: TimeSpan.FromHours(1), TicketSystems: ["ServiceNow"],
            TicketNumberPattern: "CHG[0-9]+", Window: new WeeklyWindow("UTC", [DayOfWeek.Wednesday], new TimeOnly(9, 0), new TimeOnly(17, 0)));
        Assert.True(rule.Matches(["oncall"], TimeSpan.FromHours(1), Change, Now));
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(1), Change, Now.AddHours(-1)));
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(1), Change with { Number = "INC1" }, Now));
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(1), Change with { System = "Jira" }, Now));
        Assert.False(rule.Matches(["oncall"], TimeSpan.FromHours(2), Change, Now));
        Assert.False(rule.Matches(["sre"], TimeSpan.FromHours(1), Change, Now));
    }

    [Fact]
    public void The_first_rule_in_the_settings_order_that_holds_is_the_one_that_approves()
    {
        AutoApprovalRule[] rules =
        [
            new("long", MaximumDuration: TimeSpan.FromMinutes(10)), new("on-call", MemberOf: ["oncall"]), new("any-short", MaximumDuration: TimeSpan.FromHours(1)),
        ];
        Assert.Equal("on-call", AutoApprovalRule.FirstMatch(rules, ["oncall"], TimeSpan.FromMinutes(30), null, Now)?.Name);
        Assert.Equal("long", AutoApprovalRule.FirstMatch(rules, ["oncall"], TimeSpan.FromMinutes(5), null, Now)?.Name);
        Assert.Equal("any-short", AutoApprovalRule.FirstMatch(rules, [], TimeSpan.FromMinutes(30), null, Now)?.Name);
        Assert.Null(AutoApprovalRule.FirstMatch(rules, [], TimeSpan.FromHours(2), null, Now));
    }

    [Fact]
    public void A_pattern_may_be_two_hundred_characters_long_and_not_one_more_and_the_refusal_says_why()
    {
        Assert.Null(AutoApprovalRule.PatternProblem(new string('a', AutoApprovalRule.MaximumPatternLength)));
        Assert.Equal("ticketNumberPattern may be at most 200 characters.",
            AutoApprovalRule.PatternProblem(new string('a', AutoApprovalRule.MaximumPatternLength + 1)));
        Assert.StartsWith("ticketNumberPattern is not a regular expression: ", AutoApprovalRule.PatternProblem("(unclosed"));
    }

    [Fact]
    public void A_zone_this_machine_does_not_know_is_none_and_opens_no_window()
    {
        Assert.Null(WeeklyWindow.FindZone("Nowhere/Atlantis"));
        Assert.NotNull(WeeklyWindow.FindZone("Europe/Berlin"));
        Assert.False(new AutoApprovalRule("lost", Window: new WeeklyWindow("Nowhere/Atlantis", [DayOfWeek.Wednesday], new TimeOnly(0, 0),
            new TimeOnly(23, 59))).Matches([], TimeSpan.FromHours(1), null, Now));
    }
}
