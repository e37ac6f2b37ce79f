using Pim.Domain;

namespace Pim.Api.Tests.Activations;

/// <summary>
/// Which eligibility an activation is made through, and what a grant stands on, as pure functions: every condition of
/// the choice on its own, the longest-lasting eligibility first, and memberships held through PIM one level deep.
/// </summary>
[Trait("Store", "none")]
public sealed class EligibilityTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private const string Role = "exchange-administrator";
    private static readonly string[] Ancestors = ["/a/b", "/a", "/"];

    private static readonly Principal Erin = new("t", "erin", PrincipalKind.User, "Erin", null, null, null, ["team"])
    {
        TransitiveMemberOf = ["team", "pim-group"], DirectoryMemberOf = ["team"],
    };

    private static RoleAssignment Held(string principal = "erin", string role = Role, string scope = "/a", AssignmentType type = AssignmentType.Eligible,
        DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null) =>
        RoleAssignment.Create("t", principal, role, scope, type, startsAt ?? Now.AddDays(-1), endsAt, null, Now.AddDays(-1), "alice", null);

    private static RoleAssignment? Choose(params RoleAssignment[] held) => Eligibility.Choose(held, Role, Ancestors, Now, Erin);

    [Fact]
    public void Only_an_eligible_assignment_of_the_role_at_the_scope_or_above_in_force_now_serves()
    {
        Assert.NotNull(Choose(Held()));
        Assert.NotNull(Choose(Held(scope: "/")));
        Assert.NotNull(Choose(Held(scope: "/a/b")));
        Assert.Null(Choose(Held(type: AssignmentType.Active)));
        Assert.Null(Choose(Held(role: "sharepoint-administrator")));
        Assert.Null(Choose(Held(scope: "/a/b/c")));
        Assert.Null(Choose(Held(scope: "/x")));
        Assert.Null(Choose(Held(startsAt: Now.AddTicks(1), endsAt: Now.AddDays(1))));
        Assert.Null(Choose(Held(endsAt: Now)));
        Assert.NotNull(Choose(Held(startsAt: Now, endsAt: Now.AddTicks(1))));
    }

    [Fact]
    public void A_permanent_eligibility_is_chosen_first_then_the_one_that_lasts_longest()
    {
        var soon = Held(endsAt: Now.AddDays(1));
        var later = Held(endsAt: Now.AddDays(30));
        var permanent = Held(principal: "team");
        Assert.Same(permanent, Choose(soon, permanent, later));
        Assert.Same(permanent, Choose(permanent, soon));
        Assert.Same(later, Choose(soon, later));
        Assert.Same(later, Choose(later, soon));
    }

    [Fact]
    public void A_groups_eligibility_serves_its_members_but_for_a_membership_only_its_directory_members()
    {
        Assert.True(Eligibility.Usable(Held(principal: "erin", role: RoleCatalog.Member), Erin));
        Assert.True(Eligibility.Usable(Held(principal: "pim-group"), Erin));
        Assert.True(Eligibility.Usable(Held(principal: "team", role: RoleCatalog.Member), Erin));
        Assert.False(Eligibility.Usable(Held(principal: "pim-group", role: RoleCatalog.Member), Erin));
        Assert.False(Eligibility.Usable(Held(principal: "other", role: RoleCatalog.Member), Erin));
        Assert.True(Eligibility.Usable(Held(principal: "other"), null));
        Assert.False(Eligibility.Usable(Held(principal: "team", role: RoleCatalog.Member), null));
        Assert.Null(Eligibility.Choose([Held(principal: "pim-group", role: RoleCatalog.Member, scope: "/")], RoleCatalog.Member, Ancestors, Now, Erin));
    }
}
