using Pim.Domain;

namespace Pim.Api.Tests.Assignments;

/// <summary>The assignment aggregate: its type changes.</summary>
[Trait("Store", "none")]
public sealed class RoleAssignmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Make_eligible_and_make_active_swap_the_type_once()
    {
        var assignment = RoleAssignment.Create("contoso", "bob", "exchange-administrator", "/", AssignmentType.Active, Now, null, null, Now, "sync", null);
        assignment.MakeEligible(RoleSettings.Default("exchange-administrator"), Now);
        Assert.Equal(AssignmentType.Eligible, assignment.Type);
        Assert.Equal(ErrorCodes.InvalidStateTransition, Assert.Throws<PimException>(() => assignment.MakeEligible(RoleSettings.Default("exchange-administrator"), Now)).Code);
        assignment.MakeActive(RoleSettings.Default("exchange-administrator"), Now);
        Assert.Equal(AssignmentType.Active, assignment.Type);
    }
}
