using Pim.Domain;

namespace Pim.Api.Tests.Access;

/// <summary>Who the caller is in a tenant.</summary>
[Trait("Store", "none")]
public sealed class CallerTests
{
    [Fact]
    public void Callers_from_another_tenant_are_told_not_found_and_services_forbidden()
    {
        var token = new TokenFacts("mallory", "fabrikam", new HashSet<string>(), false, null);
        Assert.Equal(ErrorCodes.NotFound, Assert.Throws<PimException>(() => new Caller("contoso", null, token, RequestOrigin.None).RequirePrincipal()).Code);
        var service = token with { TenantId = null };
        Assert.Equal(ErrorCodes.Forbidden, Assert.Throws<PimException>(() => new Caller("contoso", null, service, RequestOrigin.None).RequirePrincipal()).Code);
    }
}
