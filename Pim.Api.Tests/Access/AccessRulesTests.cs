using Pim.Domain;

namespace Pim.Api.Tests.Access;

/// <summary>
/// The rules of an evaluation's answer as pure functions: why a principal holds nothing (in the order the reasons
/// speak), and when a grant is in force or has ended — at its start, just before and at its end. No database.
/// </summary>
[Trait("Store", "none")]
public sealed class AccessRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static AccessStanding Standing(PrincipalKind? kind = PrincipalKind.User, bool enabled = true, bool eligible = false, bool expired = false) =>
        new(TenantKnown: true, ScopeKnown: true, kind, enabled, eligible, expired);

    [Fact]
    public void A_principal_the_directory_does_not_know_or_not_of_the_kind_asked_about_is_unknown_before_anything_else()
    {
        Assert.Equal(DenyReasons.UnknownPrincipal, AccessRules.WhyNot(Standing(kind: null, enabled: false, eligible: true, expired: true)));
        Assert.Equal(DenyReasons.UnknownPrincipal, AccessRules.WhyNot(Standing(PrincipalKind.Group, enabled: false, expired: true), PrincipalKind.User));
        Assert.Equal(DenyReasons.UnknownPrincipal, AccessRules.WhyNot(Standing(kind: null), PrincipalKind.User));
        Assert.Equal(DenyReasons.NotEligible, AccessRules.WhyNot(Standing(PrincipalKind.User), PrincipalKind.User));
        Assert.Equal(DenyReasons.NotEligible, AccessRules.WhyNot(Standing(PrincipalKind.Group)));
    }

    [Fact]
    public void A_disabled_principal_is_disabled_whatever_it_could_hold()
    {
        Assert.Equal(DenyReasons.PrincipalDisabled, AccessRules.WhyNot(Standing(enabled: false, eligible: true, expired: true)));
        Assert.Equal(DenyReasons.PrincipalDisabled, AccessRules.WhyNot(Standing(enabled: false)));
    }

    [Fact]
    public void An_ended_grant_speaks_before_an_eligibility_and_an_eligibility_before_nothing()
    {
        Assert.Equal(DenyReasons.Expired, AccessRules.WhyNot(Standing(eligible: true, expired: true)));
        Assert.Equal(DenyReasons.Expired, AccessRules.WhyNot(Standing(expired: true)));
        Assert.Equal(DenyReasons.EligibleNotActive, AccessRules.WhyNot(Standing(eligible: true)));
        Assert.Equal(DenyReasons.NotEligible, AccessRules.WhyNot(Standing()));
    }

    [Fact]
    public void A_grant_is_in_force_from_its_start_until_just_before_its_end()
    {
        Assert.False(AccessRules.InForce(Now, Now.AddHours(1), Now - Tick));
        Assert.True(AccessRules.InForce(Now, Now.AddHours(1), Now));
        Assert.True(AccessRules.InForce(Now, Now.AddHours(1), Now.AddHours(1) - Tick));
        Assert.False(AccessRules.InForce(Now, Now.AddHours(1), Now.AddHours(1)));
        Assert.True(AccessRules.InForce(Now, null, Now.AddYears(10)));
        Assert.False(AccessRules.InForce(Now, null, Now - Tick));
    }

    [Fact]
    public void A_grant_has_ended_at_its_end_and_a_permanent_one_never()
    {
        Assert.False(AccessRules.Ended(Now, Now - Tick));
        Assert.True(AccessRules.Ended(Now, Now));
        Assert.True(AccessRules.Ended(Now, Now + Tick));
        Assert.False(AccessRules.Ended(null, Now));
    }
}
