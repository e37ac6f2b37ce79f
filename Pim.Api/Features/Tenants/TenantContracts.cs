using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Tenants;

public sealed record TenantRequest(DisplayName DisplayName);
public sealed record TenantResponse(string Id, string DisplayName, bool Consented, DateTimeOffset? ConsentedAt, IReadOnlyList<SignUpResponse> SignUps)
{
    public static TenantResponse From(Tenant t) => new(t.Id, t.DisplayName, t.HasConsented, t.ConsentedAt, t.SignUps.Select(SignUpResponse.From).ToList());
}

public sealed record ConsentResponse(bool Consented, DateTimeOffset? ConsentedAt, string? ConsentedBy)
{
    public static ConsentResponse From(ConsentStatus s) => new(s.Consented, s.ConsentedAt, s.ConsentedBy);
}

public sealed record SignUpRequest(string Area, Scope? Scope = null);
public sealed record SignUpResponse(string Area, string Scope, DateTimeOffset SignedUpAt, string SignedUpBy)
{
    public static SignUpResponse From(SignUp s) => new(s.Area, s.Scope, s.SignedUpAt, s.SignedUpBy);
}
public sealed record SignUpListResponse(IReadOnlyList<SignUpResponse> Items);
