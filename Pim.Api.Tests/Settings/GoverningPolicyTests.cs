using Pim.Domain;

namespace Pim.Api.Tests.Settings;

/// <summary>
/// The policy a grant of a group's role is held to, as pure functions: the strictest of the group role's own settings and
/// of every role the group confers; which eligibilities a principal may activate through; who counts as a guest; and
/// the rule that a person's approval counts in one stage only.
/// </summary>
[Trait("Store", "none")]
public sealed class GoverningPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The group role's own settings, as relaxed as an owner could make them.</summary>
    private static RoleSettings Relaxed => RoleSettings.Default(RoleCatalog.Member) with
    {
        Activation = RoleSettings.Default(RoleCatalog.Member).Activation with
        {
            MaximumDuration = TimeSpan.FromHours(72), RequireMfa = false, RequireJustification = false, AllowGuests = true, AllowWorkloads = true,
            BreakGlass = new BreakGlassRules(true, TimeSpan.FromHours(4)),
        },
        Assignment = new AssignmentRules(true, TimeSpan.FromDays(3650), true, TimeSpan.FromDays(3650)),
    };

    private static ApprovalStage Stage(params string[] approvers) => new(approvers, 1, TimeSpan.FromHours(4), null, []);

    private static RoleSettings Requiring(string roleId, Func<ActivationRules, ActivationRules> change) =>
        RoleSettings.Default(roleId) with { Activation = change(RoleSettings.Default(roleId).Activation) };

    [Fact]
    public void Every_requirement_of_a_conferred_role_applies_and_the_group_roles_own_settings_relax_none()
    {
        var global = Requiring(RoleCatalog.GlobalAdministrator, a => a with
        {
            MaximumDuration = TimeSpan.FromHours(2), MfaMaxAge = TimeSpan.FromMinutes(30), RequireTicket = true,
        });
        var strictest = GoverningPolicy.Strictest(Relaxed, [global]);
        var rules = strictest.Activation;
        Assert.Equal(RoleCatalog.Member, strictest.RoleId);
        Assert.Equal(TimeSpan.FromHours(2), rules.MaximumDuration);
        Assert.True(rules.RequireMfa);
        Assert.Equal(TimeSpan.FromMinutes(30), rules.MfaMaxAge);
        Assert.True(rules.RequireJustification);
        Assert.True(rules.RequireTicket);
        Assert.False(rules.AllowGuests);
        Assert.False(rules.AllowWorkloads);
        Assert.False(rules.BreakGlassPolicy.Allowed);
        Assert.Equal(TimeSpan.FromHours(1), rules.BreakGlassPolicy.MaximumDuration);
        Assert.Equal(new AssignmentRules(true, TimeSpan.FromDays(365), true, TimeSpan.FromDays(180)), strictest.Assignment);
    }

    [Fact]
    public void The_shortest_MFA_age_of_those_that_require_MFA_applies_and_none_when_none_sets_one()
    {
        var thirty = Requiring("exchange-administrator", a => a with { MfaMaxAge = TimeSpan.FromMinutes(30) });
        var ten = Requiring("sharepoint-administrator", a => a with { MfaMaxAge = TimeSpan.FromMinutes(10) });
        var ignored = Requiring("teams-administrator", a => a with { RequireMfa = false, MfaMaxAge = TimeSpan.FromMinutes(1) });
        Assert.Equal(TimeSpan.FromMinutes(10), GoverningPolicy.Strictest(Relaxed, [thirty, ten, ignored]).Activation.MfaMaxAge);
        Assert.Null(GoverningPolicy.Strictest(Relaxed, [RoleSettings.Default("exchange-administrator")]).Activation.MfaMaxAge);
    }

    [Fact]
    public void Break_glass_and_permanence_are_allowed_only_where_every_policy_allows_them()
    {
        var open = Relaxed;
        var closedPermanence = RoleSettings.Default("exchange-administrator") with
        {
            Activation = Relaxed.Activation,
            Assignment = new AssignmentRules(false, TimeSpan.FromDays(90), true, TimeSpan.FromDays(30)),
        };
        var strictest = GoverningPolicy.Strictest(open, [closedPermanence]);
        Assert.True(strictest.Activation.BreakGlassPolicy.Allowed); // both allow it
        Assert.Equal(new AssignmentRules(false, TimeSpan.FromDays(90), true, TimeSpan.FromDays(30)), strictest.Assignment);
    }

    [Fact]
    public void Every_approval_stage_of_every_policy_applies_once_and_an_auto_approval_rule_only_where_one_policy_alone_asks_for_approval()
    {
        var rule = new AutoApprovalRule("on-call", MemberOf: ["oncall"]);
        var global = RoleSettings.Default(RoleCatalog.GlobalAdministrator) with
        {
            Activation = RoleSettings.Default(RoleCatalog.GlobalAdministrator).Activation.WithApproval([Stage("security-leads")], [rule]),
        };
        var alone = GoverningPolicy.Strictest(Relaxed, [global]).Activation;
        Assert.Equal(["security-leads"], alone.Stages.Single().Approvers);
        Assert.Equal([rule], alone.AutoApprove);

        var exchange = RoleSettings.Default("exchange-administrator") with
        {
            Activation = RoleSettings.Default("exchange-administrator").Activation.WithApproval([Stage("exchange-owners"), Stage("security-leads")], []),
        };
        var sameStageAgain = global with { RoleId = "sharepoint-administrator" };
        var both = GoverningPolicy.Strictest(Relaxed, [global, exchange, sameStageAgain]).Activation;
        Assert.Equal(["security-leads", "exchange-owners"], both.Stages.Select(s => s.Approvers.Single()).ToArray());
        Assert.True(both.NeedsApproval);
        Assert.Empty(both.AutoApprove);
        Assert.Equal(["security-leads"], both.Approvers); // the shorthand is the first stage's
    }

    [Fact]
    public void Whoever_any_policy_tells_is_told()
    {
        var quiet = Relaxed with
        {
            Notifications = Relaxed.Notifications with
            {
                OnActivation = new ActivationNotification(false, ["soc@contoso.example"]),
                OnApprovalNeeded = new ApprovalNeededNotification(false),
                OnDecision = new DecisionNotification(false),
                OnAssignment = new AssignmentNotification(false),
            },
        };
        var loud = RoleSettings.Default(RoleCatalog.GlobalAdministrator) with
        {
            Notifications = RoleSettings.Default(RoleCatalog.GlobalAdministrator).Notifications with
            {
                OnActivation = new ActivationNotification(true, ["SOC@contoso.example", "ciso@contoso.example"]),
            },
        };
        var told = GoverningPolicy.Strictest(quiet, [loud]).Notifications;
        Assert.True(told.OnActivation.NotifyRoleAdministrators);
        Assert.Equal(["soc@contoso.example", "ciso@contoso.example"], told.OnActivation.AdditionalRecipients);
        Assert.True(told.OnApprovalNeeded.NotifyApprovers);
        Assert.True(told.OnDecision.NotifyRequester);
        Assert.True(told.OnAssignment.NotifyAssignee);
    }

    [Fact]
    public void Without_conferred_roles_the_policy_is_the_roles_own()
    {
        Assert.Same(Relaxed.Activation.Approvers, GoverningPolicy.Strictest(Relaxed, []).Activation.Approvers);
        var plain = new GoverningPolicy(Relaxed, []);
        Assert.False(plain.Composed);
        Assert.Equal("", plain.Explanation(RoleCatalog.Member, "/groups/team"));
    }

    [Fact]
    public void A_refusal_under_a_composed_policy_names_the_roles_it_was_composed_from()
    {
        var governing = new GoverningPolicy(RoleSettings.Default(RoleCatalog.Member),
            [new GoverningRole(RoleCatalog.GlobalAdministrator, "/", "admins"), new GoverningRole("exchange-administrator", "/", "root-admins")]);
        var refusal = Assert.Throws<PimException>(() => governing.Decide(RoleCatalog.Member, "/groups/admins",
            () => throw new PimException(ErrorCodes.MfaRequired, "This role requires multi-factor authentication.")));
        Assert.Equal(ErrorCodes.MfaRequired, refusal.Code);
        Assert.Equal("This role requires multi-factor authentication. 'member' at '/groups/admins' is held to the policy of every role the group " +
                     "confers: 'global-administrator' at '/', 'exchange-administrator' at '/' (through 'root-admins').", refusal.Message);
    }

    [Fact]
    public void Defaults_let_workloads_activate_no_privileged_role()
    {
        Assert.False(RoleSettings.Default("security-administrator").Activation.AllowWorkloads);
        Assert.False(RoleSettings.Default("custom-deployer", privileged: true).Activation.AllowWorkloads);
        Assert.True(RoleSettings.Default("custom-reader", privileged: false).Activation.AllowWorkloads);
        Assert.True(RoleSettings.Default(RoleCatalog.GlobalReader).Activation.AllowWorkloads);
        Assert.True(RoleSettings.Default(RoleCatalog.Member).Activation.AllowWorkloads);
    }

    private static Principal Person(string id, IReadOnlyList<string> directory, IReadOnlyList<string> all, PrincipalKind kind = PrincipalKind.User) =>
        new("t", id, kind, id, null, null, null, directory) { TransitiveMemberOf = all, DirectoryMemberOf = directory };

    private static RoleAssignment Eligible(string holder, string roleId, string scope) =>
        RoleAssignment.Create("t", holder, roleId, scope, AssignmentType.Eligible, Now, null, null, Now, "alice", null, directorySync: false, null);

    [Fact]
    public void A_membership_held_through_PIM_is_no_basis_for_another_membership_but_is_for_the_groups_other_roles()
    {
        // Erin is in "a" in the directory and in "b" only through a membership she activated.
        var erin = Person("erin", directory: ["a"], all: ["a", "b"]);
        Assert.True(Eligibility.Usable(Eligible("a", RoleCatalog.Member, "/groups/c"), erin));
        Assert.False(Eligibility.Usable(Eligible("b", RoleCatalog.Member, "/groups/c"), erin));
        Assert.True(Eligibility.Usable(Eligible("b", "user-administrator", "/"), erin));
        Assert.True(Eligibility.Usable(Eligible("erin", RoleCatalog.Member, "/groups/c"), erin));
        Assert.False(Eligibility.Usable(Eligible("b", RoleCatalog.Member, "/groups/c"), null));

        var through = Eligibility.Choose([Eligible("b", RoleCatalog.Member, "/groups/c"), Eligible("a", RoleCatalog.Member, "/groups/c")],
            RoleCatalog.Member, ["/groups/c"], Now, erin);
        Assert.Equal("a", through!.PrincipalId);
        Assert.Null(Eligibility.Choose([Eligible("b", RoleCatalog.Member, "/groups/c")], RoleCatalog.Member, ["/groups/c"], Now, erin));
    }

    [Fact]
    public void A_membership_that_stood_on_the_directory_is_lost_when_only_a_membership_held_through_PIM_is_left()
    {
        var eligibility = Eligible("a", RoleCatalog.Member, "/groups/b");
        var request = ActivationRequest.Create("t", "erin", eligibility, "/groups/b", new ActivationAsk(RoleCatalog.Member, "/groups/b", null, "x", null, null),
            new ActivationVerdict(ActivationOutcome.Active, TimeSpan.FromHours(1), Now), RoleSettings.Default(RoleCatalog.Member), Now);
        Assert.Null(GrantBasis.Lost(request, Person("erin", ["a"], ["a", "b"]), eligibility, ["/groups/b"]));
        Assert.Equal(RevocationReasons.MembershipRemoved, GrantBasis.Lost(request, Person("erin", [], ["a", "b"]), eligibility, ["/groups/b"]));
    }

    [Fact]
    public void A_guest_is_a_guest_by_kind_whatever_its_token_and_conditions_read_the_directory_groups()
    {
        var resourceToken = new Caller("t", "gus", new TokenFacts("gus", "t", new HashSet<string>(), true, null), RequestOrigin.None);
        Assert.True(Requester.Of(Person("gus", [], [], PrincipalKind.Guest), resourceToken).Guest);
        Assert.False(Requester.Of(Person("erin", [], []), resourceToken).Guest);
        var homeToken = new Caller("t", "gus", new TokenFacts("gus-home", "fabrikam", new HashSet<string>(), true, null), RequestOrigin.None);
        Assert.True(Requester.Of(Person("gus", [], [], PrincipalKind.Guest), homeToken).Guest);
        Assert.Equal(["a"], Requester.Of(Person("erin", ["a"], ["a", "oncall"]), resourceToken).Groups!);
        Assert.True(Requester.Of(Person("ci", [], [], PrincipalKind.ServicePrincipal), resourceToken).Workload);
    }

    [Fact]
    public void A_persons_approval_counts_in_one_stage_only_and_a_workload_decides_none()
    {
        var progress = ApprovalProgress.Start([Stage("first"), Stage("second")], null, Now);
        var gil = new ApproverFacts("gil", ["first", "second"], HoldsDefaultApproverRole: false, Enabled: true);
        var (next, step) = progress.Record("gil", true, "ok", Now);
        Assert.Equal(ApprovalStep.StagePassed, step);
        Assert.True(next.HasDecided("gil"));
        Assert.Equal(["gil"], next.Decided);
        var request = ActivationRequest.Rehydrate("t", "r1", "bob", "exchange-administrator", "/", "a1", ActivationStatus.PendingApproval,
            TimeSpan.FromHours(1), "x", null, Now, Now, null, null, next.Deadline, null, null, 1, approval: next);
        Assert.False(request.MayBeDecidedBy(gil, Now));
        Assert.Equal(ErrorCodes.AlreadyDecided, Assert.Throws<PimException>(() => request.Decide(gil, true, "again", Now)).Code);
        Assert.True(request.MayBeDecidedBy(new ApproverFacts("hal", ["second"], false, true), Now));

        var workload = new ApproverFacts("ci", ["first"], HoldsDefaultApproverRole: true, Enabled: true, Workload: true);
        Assert.False(progress.MayBeDecidedBy(workload, Now));
        Assert.False(ApprovalProgress.Start([new ApprovalStage([], 1, TimeSpan.FromHours(1), null, [])], null, Now).MayBeDecidedBy(workload, Now));
    }
}
