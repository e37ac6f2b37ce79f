using Pim.Domain;

namespace Pim.Api.Tests.Settings;

/// <summary>
/// A role's settings as pure rules at their edges: the defaults of DESIGN §4, the approval stages the shorthand stands
/// for, the assignment windows at their maximum, when an expiry warning falls, and what the strictest policy of a
/// group's roles keeps of a refusal. No database.
/// </summary>
[Trait("Store", "none")]
public sealed class RoleSettingsEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private const string Role = "exchange-administrator";

    [Fact]
    public void The_defaults_are_those_of_the_design()
    {
        var settings = RoleSettings.Default(Role);
        var a = settings.Activation;
        Assert.Equal(Role, settings.RoleId);
        Assert.Equal((TimeSpan.FromHours(1), true, (TimeSpan?)null, true, false, false), (a.MaximumDuration, a.RequireMfa, a.MfaMaxAge,
            a.RequireJustification, a.RequireTicket, a.RequireApproval));
        Assert.Empty(a.Approvers);
        Assert.Equal(TimeSpan.FromDays(1), a.ApprovalTimeout);
        Assert.Equal((true, false), (a.AllowGuests, a.AllowWorkloads));
        Assert.Empty(a.Stages);
        Assert.Empty(a.AutoApprove);
        Assert.Equal(new BreakGlassRules(false, TimeSpan.FromHours(1)), a.BreakGlassPolicy);
        Assert.Equal(new AssignmentRules(true, TimeSpan.FromDays(365), true, TimeSpan.FromDays(180)), settings.Assignment);
        var n = settings.Notifications;
        Assert.Equal((true, true, TimeSpan.FromHours(1), true, true), (n.OnActivation.NotifyRoleAdministrators, n.OnApprovalNeeded.NotifyApprovers,
            n.OnApprovalNeeded.RemindBefore!.Value, n.OnDecision.NotifyRequester, n.OnAssignment.NotifyAssignee));
        Assert.Empty(n.OnActivation.AdditionalRecipients);
        Assert.Equal(new ExpiryWarningRules(TimeSpan.FromMinutes(15), TimeSpan.FromDays(14)), n.ExpiryWarnings);
    }

    [Fact]
    public void Guests_may_activate_any_role_but_the_two_that_rule_the_directory_and_an_unknown_role_is_taken_as_privileged()
    {
        Assert.False(RoleSettings.DefaultAllowGuests(RoleCatalog.GlobalAdministrator));
        Assert.False(RoleSettings.DefaultAllowGuests(RoleCatalog.PrivilegedRoleAdministrator));
        Assert.True(RoleSettings.DefaultAllowGuests(RoleCatalog.SecurityAdministrator));
        Assert.False(RoleSettings.Default(RoleCatalog.GlobalAdministrator).Activation.AllowGuests);
        Assert.False(RoleSettings.Default("not-in-the-catalog").Activation.AllowWorkloads);
        Assert.True(RoleSettings.Default(RoleCatalog.GlobalReader).Activation.AllowWorkloads);
    }

    [Fact]
    public void Without_stages_the_shorthand_stands_for_one_stage_of_its_approvers_and_timeout()
    {
        var shorthand = RoleSettings.Default(Role).Activation with { RequireApproval = true, Approvers = ["owners"], ApprovalTimeout = TimeSpan.FromHours(6) };
        var stage = Assert.Single(shorthand.Stages);
        Assert.Equal((1, TimeSpan.FromHours(6)), (stage.Required, stage.Timeout));
        Assert.Equal(["owners"], stage.Approvers);
        Assert.True(shorthand.NeedsApproval);
        Assert.Single((shorthand with { Approval = ApprovalRules.None }).Stages);
        Assert.Empty((shorthand with { RequireApproval = false }).Stages);
        Assert.Empty((shorthand with { Approval = null }).AutoApprove);
    }

    [Fact]
    public void Stages_replace_the_shorthand_which_becomes_that_of_the_first_stage()
    {
        var rule = new AutoApprovalRule("on-call", MemberOf: ["oncall"]);
        var first = new ApprovalStage(["owners"], 2, TimeSpan.FromHours(3), null, []);
        var rules = RoleSettings.Default(Role).Activation.WithApproval([first, ApprovalStage.Single(["leads"], TimeSpan.FromHours(8))], [rule]);
        Assert.Equal((true, TimeSpan.FromHours(3)), (rules.RequireApproval, rules.ApprovalTimeout));
        Assert.Equal(["owners"], rules.Approvers);
        Assert.Equal(2, rules.Stages.Count);
        Assert.Equal([rule], rules.AutoApprove);
        Assert.Same(first, (rules with { RequireApproval = false }).Stages[0]);

        var none = rules.WithApproval([], [rule]);
        Assert.Equal((false, RoleSettings.DefaultApprovalTimeout), (none.RequireApproval, none.ApprovalTimeout));
        Assert.Empty(none.Approvers);
        Assert.False(none.NeedsApproval);
        Assert.Equal([rule], none.AutoApprove);
    }

    [Fact]
    public void Expiry_warnings_are_the_settings_and_none_when_left_out()
    {
        var warnings = new ExpiryWarningRules(TimeSpan.FromMinutes(30), null);
        var notifications = RoleSettings.Default(Role).Notifications;
        Assert.Same(warnings, (notifications with { BeforeExpiry = warnings }).ExpiryWarnings);
        Assert.Equal(new ExpiryWarningRules(null, null), (notifications with { BeforeExpiry = null }).ExpiryWarnings);
        Assert.Equal(BreakGlassRules.Default, (RoleSettings.Default(Role).Activation with { BreakGlass = null }).BreakGlassPolicy);
    }

    [Fact]
    public void A_grant_exactly_as_long_as_the_warning_window_is_not_warned_of_and_one_tick_longer_is_warned_at_once()
    {
        var window = TimeSpan.FromMinutes(15);
        Assert.Null(ExpiryWarningRules.WarningAt(Now, Now + window, window));
        Assert.Equal(Now + Tick, ExpiryWarningRules.WarningAt(Now, Now + window + Tick, window));
        Assert.Equal(Now.AddMinutes(45), ExpiryWarningRules.WarningAt(Now, Now.AddHours(1), window));
        Assert.Null(ExpiryWarningRules.WarningAt(Now, null, window));
        Assert.Null(ExpiryWarningRules.WarningAt(Now, Now.AddHours(1), null));
    }

    [Theory]
    [InlineData(AssignmentType.Eligible, 90, "eligible")]
    [InlineData(AssignmentType.Active, 30, "active")]
    public void An_assignment_may_last_exactly_its_maximum_and_not_one_tick_more(AssignmentType type, int days, string kind)
    {
        var settings = RoleSettings.Default(Role) with { Assignment = new AssignmentRules(false, TimeSpan.FromDays(90), false, TimeSpan.FromDays(30)) };
        settings.EnsureAssignmentWindowAllowed(type, Now, Now.AddDays(days));
        var tooLong = Assert.Throws<PimException>(() => settings.EnsureAssignmentWindowAllowed(type, Now, Now.AddDays(days) + Tick));
        Assert.Equal(ErrorCodes.AssignmentDurationExceedsMaximum, tooLong.Code);
        Assert.Equal($"The settings of '{Role}' allow {kind} assignments of at most P{days}D.", tooLong.Message);
        var permanent = Assert.Throws<PimException>(() => settings.EnsureAssignmentWindowAllowed(type, Now, null));
        Assert.Equal(ErrorCodes.PermanentAssignmentForbidden, permanent.Code);
        Assert.Equal($"The settings of '{Role}' do not allow permanent {kind} assignments; give an endsAt within P{days}D.", permanent.Message);
    }

    [Fact]
    public void Each_kind_of_assignment_is_held_to_its_own_rules()
    {
        var settings = RoleSettings.Default(Role) with { Assignment = new AssignmentRules(true, TimeSpan.FromDays(90), false, TimeSpan.FromDays(30)) };
        settings.EnsureAssignmentWindowAllowed(AssignmentType.Eligible, Now, null);
        settings.EnsureAssignmentWindowAllowed(AssignmentType.Eligible, Now, Now.AddDays(60));
        Assert.Throws<PimException>(() => settings.EnsureAssignmentWindowAllowed(AssignmentType.Active, Now, null));
        Assert.Throws<PimException>(() => settings.EnsureAssignmentWindowAllowed(AssignmentType.Active, Now, Now.AddDays(60)));
    }

    // ---------------------------------------------------------------- the strictest policy of a group's roles

    private static RoleSettings Member(Func<RoleSettings, RoleSettings>? change = null) =>
        (change ?? (s => s))(RoleSettings.Default(RoleCatalog.Member));

    [Fact]
    public void A_refusal_under_a_composed_policy_keeps_its_code_fields_and_retry_time()
    {
        var governing = new GoverningPolicy(Member(), [new GoverningRole(RoleCatalog.GlobalAdministrator, "/", "admins")]);
        var errors = new Dictionary<string, string[]> { ["startsAt"] = ["too late"] };
        var refusal = Assert.Throws<PimException>(() => governing.Decide(RoleCatalog.Member, "/groups/admins",
            () => throw new PimException(ErrorCodes.ValidationFailed, "Too late.", errors) { RetryAfter = TimeSpan.FromSeconds(30) }));
        Assert.Equal((ErrorCodes.ValidationFailed, (TimeSpan?)TimeSpan.FromSeconds(30)), (refusal.Code, refusal.RetryAfter));
        Assert.Same(errors, refusal.Errors);
        Assert.Equal("Too late. 'member' at '/groups/admins' is held to the policy of every role the group confers: 'global-administrator' at '/'.",
            refusal.Message);
    }

    [Fact]
    public void A_decision_under_a_policy_that_is_the_roles_own_answers_or_refuses_as_it_is()
    {
        var own = new GoverningPolicy(Member(), []);
        var ran = false;
        own.Decide(RoleCatalog.Member, "/groups/admins", () => { ran = true; });
        Assert.True(ran);
        Assert.Equal(7, own.Decide(RoleCatalog.Member, "/groups/admins", () => 7));
        var refusal = Assert.Throws<PimException>(() => own.Decide(RoleCatalog.Member, "/groups/admins",
            () => throw new PimException(ErrorCodes.MfaRequired, "Sign in again.")));
        Assert.Equal("Sign in again.", refusal.Message);

        var composed = new GoverningPolicy(Member(), [new GoverningRole(RoleCatalog.GlobalAdministrator, "/", "admins")]);
        var wrapped = Assert.Throws<PimException>(() => composed.Decide(RoleCatalog.Member, "/groups/admins",
            () => throw new PimException(ErrorCodes.MfaRequired, "Sign in again.")));
        Assert.EndsWith("confers: 'global-administrator' at '/'.", wrapped.Message);
        var action = Assert.Throws<PimException>(() => composed.Decide(RoleCatalog.Member, "/groups/admins",
            (Action)(() => throw new PimException(ErrorCodes.MfaRequired, "Sign in again."))));
        Assert.EndsWith("confers: 'global-administrator' at '/'.", action.Message);
        Assert.True(composed.Composed);
    }

    [Fact]
    public void Permanent_active_assignments_are_allowed_only_where_every_policy_allows_them()
    {
        var open = Member(s => s with { Assignment = new AssignmentRules(true, TimeSpan.FromDays(365), true, TimeSpan.FromDays(180)) });
        var closed = RoleSettings.Default(RoleCatalog.GlobalAdministrator) with
        {
            Assignment = new AssignmentRules(true, TimeSpan.FromDays(365), false, TimeSpan.FromDays(180)),
        };
        Assert.False(GoverningPolicy.Strictest(open, [closed]).Assignment.AllowPermanentActive);
        Assert.True(GoverningPolicy.Strictest(open, [closed]).Assignment.AllowPermanentEligible);
        Assert.False(GoverningPolicy.Strictest(closed, [open]).Assignment.AllowPermanentActive);
    }

    [Fact]
    public void The_same_stage_named_in_another_order_applies_once()
    {
        var first = RoleSettings.Default(RoleCatalog.GlobalAdministrator) with
        {
            Activation = RoleSettings.Default(RoleCatalog.GlobalAdministrator).Activation.WithApproval(
                [new ApprovalStage(["ann", "ben"], 1, TimeSpan.FromHours(4), TimeSpan.FromHours(1), ["lee", "kim"])], []),
        };
        var second = RoleSettings.Default(Role) with
        {
            Activation = RoleSettings.Default(Role).Activation.WithApproval(
                [new ApprovalStage(["ben", "ann"], 1, TimeSpan.FromHours(4), TimeSpan.FromHours(1), ["kim", "lee"])], []),
        };
        Assert.Single(GoverningPolicy.Strictest(Member(), [first, second]).Activation.Stages);
        var other = second with
        {
            Activation = second.Activation.WithApproval([new ApprovalStage(["ben", "ann"], 2, TimeSpan.FromHours(4), TimeSpan.FromHours(1), ["kim", "lee"])], []),
        };
        Assert.Equal(2, GoverningPolicy.Strictest(Member(), [first, other]).Activation.Stages.Count);
    }
}
