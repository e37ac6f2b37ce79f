using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Principals;

/// <summary>A principal as the directory has it; <c>accountEnabled: false</c> (users, guests, service principals) makes it hold
/// nothing; left out, the account is enabled.</summary>
public sealed record PrincipalRequest(string Kind, string DisplayName, string? Email = null, string? HomeTenantId = null, string? HomePrincipalId = null,
    IReadOnlyList<string>? MemberOf = null, bool? AccountEnabled = null, [property: Echo] string? Id = null)
{
    public Principal ToDomain(string tenantId, string principalId) => new(tenantId, principalId, PrincipalKinds.Parse(Kind)!.Value, DisplayName, Email,
        HomeTenantId, HomePrincipalId, (MemberOf ?? []).Distinct().ToList(), AccountEnabled ?? true);
}

public sealed record PrincipalResponse(string Id, string Kind, string DisplayName, string? Email, string? HomeTenantId, string? HomePrincipalId,
    IReadOnlyList<string> MemberOf, bool AccountEnabled)
{
    public static PrincipalResponse From(Principal p) =>
        new(p.Id, PrincipalKinds.ToText(p.Kind), p.DisplayName, p.Email, p.HomeTenantId, p.HomePrincipalId, p.MemberOf, p.Enabled);
}
