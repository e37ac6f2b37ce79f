using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Tenants;

/// <summary>Bringing a tenant under PIM: the tenant (operator directory sync), consent and sign-up.</summary>
public static class TenantEndpoints
{
    public static void MapTenants(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("").WithTags("Tenants");
        group.MapPut("", PutTenant).WithName("PutTenant").WithSummary("Create or rename a tenant (operator).").Validate<TenantRequest>();
        group.MapGet("/consent", GetConsent).WithName("GetConsent").WithSummary("Whether the tenant has consented to PIM.");
        group.MapPost("/consent", Consent).WithName("Consent")
            .WithSummary("Consent to PIM (active Global Administrator). The first consenter becomes Privileged Role and Security Administrator.");
        group.MapGet("/sign-ups", ListSignUps).WithName("ListSignUps").WithSummary("The management areas signed up for PIM.");
        group.MapGet("/sign-ups/{area:id}", GetSignUp).WithName("GetSignUp")
            .WithSummary("One sign-up: the area at ?scope= (default '/').");
        group.MapPost("/sign-ups", SignUp).WithName("SignUp")
            .WithSummary("Sign up a management area for PIM: directoryRoles (active Global or Privileged Role Administrator), or resources at a management group or subscription (its active Owner or User Access Administrator, or a Global Administrator).")
            .Validate<SignUpRequest>();
    }

    public static async Task<Results<Created<TenantResponse>, Ok<TenantResponse>>> PutTenant(TenantRequest body, CurrentCaller caller,
        TenantService tenants, CancellationToken ct)
    {
        var (tenant, created) = await tenants.UpsertTenantAsync(caller, body.DisplayName.Text, ct);
        var response = TenantResponse.From(tenant);
        return created ? TypedResults.Created($"/v1/tenants/{tenant.Id}", response) : TypedResults.Ok(response);
    }

    public static async Task<Ok<ConsentResponse>> GetConsent(CurrentCaller caller, TenantService tenants, CancellationToken ct) =>
        TypedResults.Ok(ConsentResponse.From(await tenants.GetConsentAsync(caller, ct)));

    public static async Task<Ok<ConsentResponse>> Consent(CurrentCaller caller, TenantService tenants, CancellationToken ct) =>
        TypedResults.Ok(ConsentResponse.From(await tenants.ConsentAsync(caller, ct)));

    public static async Task<Ok<SignUpListResponse>> ListSignUps(CurrentCaller caller, TenantService tenants, CancellationToken ct) =>
        TypedResults.Ok(new SignUpListResponse((await tenants.ListSignUpsAsync(caller, ct)).Select(SignUpResponse.From).ToList()));

    public static async Task<Ok<SignUpResponse>> GetSignUp([Wire<Vocabulary.ManagementArea>] string area, [AsParameters] ScopeQuery scope, CurrentCaller caller, TenantService tenants,
        CancellationToken ct) =>
        TypedResults.Ok(SignUpResponse.From(await tenants.GetSignUpAsync(caller, area, scope.Value, ct)));

    public static async Task<Results<Created<SignUpResponse>, Ok<SignUpResponse>>> SignUp(SignUpRequest body, CurrentCaller caller,
        TenantService tenants, CancellationToken ct)
    {
        var (signUp, created) = await tenants.SignUpAsync(caller, body.Area, body.Scope?.Text, ct);
        var response = SignUpResponse.From(signUp);
        if (!created) return TypedResults.Ok(response);
        var location = $"/v1/tenants/{caller.Value.TenantId}/sign-ups/{signUp.Area}" +
                       (signUp.Scope == ScopePath.Root ? "" : $"?scope={Uri.EscapeDataString(signUp.Scope)}");
        return TypedResults.Created(location, response);
    }
}
