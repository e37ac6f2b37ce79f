using Pim.Domain;

namespace Pim.Api.Tests.Tenants;

/// <summary>The tenant aggregate: consent once, sign-up after consent.</summary>
[Trait("Store", "none")]
public sealed class TenantAggregateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Consent_is_recorded_once()
    {
        var tenant = Tenant.Create("contoso", "Contoso");
        Assert.True(tenant.Consent("alice", Now));
        Assert.False(tenant.Consent("gina", Now.AddDays(1)));
        Assert.Equal(("alice", (DateTimeOffset?)Now), (tenant.ConsentedBy, tenant.ConsentedAt));
    }

    [Fact]
    public void Sign_up_needs_consent_and_happens_once()
    {
        var tenant = Tenant.Create("contoso", "Contoso");
        Assert.Equal(ErrorCodes.ConsentRequired, Assert.Throws<PimException>(() => tenant.SignUp(ManagementArea.DirectoryRoles, ScopePath.Root, "alice", Now)).Code);
        Assert.Equal(ErrorCodes.ConsentRequired, Assert.Throws<PimException>(() => tenant.EnsureSignedUp(ManagementArea.DirectoryRoles)).Code);
        tenant.Consent("alice", Now);
        Assert.Equal(ErrorCodes.SignUpRequired, Assert.Throws<PimException>(() => tenant.EnsureSignedUp(ManagementArea.DirectoryRoles)).Code);
        Assert.NotNull(tenant.SignUp(ManagementArea.DirectoryRoles, ScopePath.Root, "alice", Now));
        Assert.Null(tenant.SignUp(ManagementArea.DirectoryRoles, ScopePath.Root, "alice", Now));
        tenant.EnsureSignedUp(ManagementArea.DirectoryRoles);
    }
}
