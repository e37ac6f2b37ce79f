using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Tenants;

public sealed record TenantRequest(DisplayName DisplayName);
public sealed record TenantResponse([Wire<Bounds.EntityId>] string Id, [Wire<DisplayName>] string DisplayName, bool Consented,
    DateTimeOffset? ConsentedAt, [MaxItems(Tenant.MaximumSignUps)] IReadOnlyList<SignUpResponse> SignUps)
{
    public static TenantResponse From(Tenant t) => new(t.Id, t.DisplayName, t.HasConsented, t.ConsentedAt, t.SignUps.Select(SignUpResponse.From).ToList());
}

public sealed record ConsentResponse(bool Consented, DateTimeOffset? ConsentedAt, [Wire<Bounds.Subject>] string? ConsentedBy)
{
    public static ConsentResponse From(ConsentStatus s) => new(s.Consented, s.ConsentedAt, s.ConsentedBy);
}

public sealed record SignUpRequest([Wire<Vocabulary.ManagementArea>] string Area, Scope? Scope = null);
public sealed record SignUpResponse([Wire<Vocabulary.ManagementArea>] string Area, [Wire<Scope>] string Scope, DateTimeOffset SignedUpAt,
    [Wire<Bounds.Subject>] string SignedUpBy)
{
    public static SignUpResponse From(SignUp s) => new(s.Area, s.Scope, s.SignedUpAt, s.SignedUpBy);
}
public sealed record SignUpListResponse([MaxItems(Tenant.MaximumSignUps)] IReadOnlyList<SignUpResponse> Items);
