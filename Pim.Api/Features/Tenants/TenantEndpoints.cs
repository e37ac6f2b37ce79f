using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Infrastructure;
using Pim.Domain;

namespace Pim.Api.Features.Tenants;

public sealed record TenantRequest(string DisplayName);
public sealed record TenantResponse(string Id, string DisplayName, bool Consented, DateTimeOffset? ConsentedAt, IReadOnlyList<SignUpResponse> SignUps)
{
    public static TenantResponse From(Tenant t) => new(t.Id, t.DisplayName, t.HasConsented, t.ConsentedAt, t.SignUps.Select(SignUpResponse.From).ToList());
}

/// <summary>A principal as the directory has it; <c>accountEnabled: false</c> (users, guests, service principals) makes it hold
/// nothing; left out, the account is enabled.</summary>
public sealed record PrincipalRequest(string Kind, string DisplayName, string? Email = null, string? HomeTenantId = null, string? HomePrincipalId = null,
    IReadOnlyList<string>? MemberOf = null, bool? AccountEnabled = null);
public sealed record PrincipalResponse(string Id, string Kind, string DisplayName, string? Email, string? HomeTenantId, string? HomePrincipalId,
    IReadOnlyList<string> MemberOf, bool AccountEnabled)
{
    public static PrincipalResponse From(Principal p) =>
        new(p.Id, PrincipalKinds.ToText(p.Kind), p.DisplayName, p.Email, p.HomeTenantId, p.HomePrincipalId, p.MemberOf, p.Enabled);
}

public sealed record ConsentResponse(bool Consented, DateTimeOffset? ConsentedAt, string? ConsentedBy)
{
    public static ConsentResponse From(ConsentStatus s) => new(s.Consented, s.ConsentedAt, s.ConsentedBy);
}

public sealed record SignUpRequest(string Area, string? Scope = null);
public sealed record SignUpResponse(string Area, string Scope, DateTimeOffset SignedUpAt, string SignedUpBy)
{
    public static SignUpResponse From(SignUp s) => new(s.Area, s.Scope, s.SignedUpAt, s.SignedUpBy);
}
public sealed record SignUpListResponse(IReadOnlyList<SignUpResponse> Items);

public sealed class TenantRequestValidator : AbstractValidator<TenantRequest>
{
    public TenantRequestValidator() => RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Rules.MaxDisplayName);
}

public sealed class PrincipalRequestValidator : AbstractValidator<PrincipalRequest>
{
    public PrincipalRequestValidator()
    {
        RuleFor(r => r.Kind).NotEmpty().Must(k => PrincipalKinds.Parse(k) is not null).WithMessage("'kind' must be one of: user, guest, servicePrincipal, group.");
        RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Rules.MaxDisplayName);
        RuleFor(r => r.Email).MaximumLength(Rules.MaxEmail).EmailAddress();
        RuleFor(r => r.HomeTenantId).NotEmpty().MustBeId().When(r => r.Kind == "guest");
        RuleFor(r => r.HomePrincipalId).NotEmpty().MustBeId().When(r => r.Kind == "guest");
        RuleFor(r => r.HomeTenantId).Null().WithMessage("Only guests have a home tenant.").When(r => r.Kind != "guest");
        RuleFor(r => r.HomePrincipalId).Null().WithMessage("Only guests have a home principal.").When(r => r.Kind != "guest");
        RuleFor(r => r.MemberOf).Must(m => m is null || m.Count <= 100).WithMessage("'memberOf' may name at most 100 groups.");
        RuleForEach(r => r.MemberOf).NotEmpty().MustBeId();
        RuleFor(r => r.AccountEnabled).NotEqual(false).When(r => r.Kind == "group")
            .WithMessage("A group is not disabled: delete it, or sync its members without it.");
    }
}

public sealed class SignUpRequestValidator : AbstractValidator<SignUpRequest>
{
    public SignUpRequestValidator()
    {
        RuleFor(r => r.Area).NotEmpty().Must(a => ManagementArea.All.Contains(a))
            .WithMessage($"'area' must be one of: {string.Join(", ", ManagementArea.All)}.");
        RuleFor(r => r.Scope).NotEmpty().When(r => r.Area == ManagementArea.Resources).WithMessage("Resources are signed up at a scope.");
        RuleFor(r => r.Scope).MustBeScope();
    }
}

/// <summary>Bringing a tenant under PIM: directory sync (operator), consent and sign-up.</summary>
public static class TenantEndpoints
{
    public static void MapTenants(this RouteGroupBuilder tenant)
    {
        var group = tenant.WithTags("Tenants");
        group.MapPut("", PutTenant).WithName("PutTenant").WithSummary("Create or rename a tenant (operator).").Validate<TenantRequest>();
        group.MapPut("/principals/{principalId:id}", PutPrincipal).WithName("PutPrincipal")
            .WithSummary("Create or replace a user, guest, service principal or group (operator directory sync).").Validate<PrincipalRequest>();
        group.MapGet("/principals/{principalId:id}", GetPrincipal).WithName("GetPrincipal").WithSummary("Read one principal.");
        group.MapDelete("/principals/{principalId:id}", DeletePrincipal).WithName("DeletePrincipal")
            .WithSummary("Remove a principal (operator directory sync): its assignments go, and every activation or waiting request that stood on it is revoked.");
        group.MapGet("/consent", GetConsent).WithName("GetConsent").WithSummary("Whether the tenant has consented to PIM.");
        group.MapPost("/consent", Consent).WithName("Consent")
            .WithSummary("Consent to PIM (active Global Administrator). The first consenter becomes Privileged Role and Security Administrator.");
        group.MapGet("/sign-ups", ListSignUps).WithName("ListSignUps").WithSummary("The management areas signed up for PIM.");
        group.MapPost("/sign-ups", SignUp).WithName("SignUp")
            .WithSummary("Sign up a management area for PIM: directoryRoles (active Global or Privileged Role Administrator), or resources at a management group or subscription (its active Owner or User Access Administrator, or a Global Administrator).")
            .Validate<SignUpRequest>();
    }

    public static async Task<Results<Created<TenantResponse>, Ok<TenantResponse>>> PutTenant(
        string tenantId, TenantRequest body, Callers callers, OnboardingService onboarding, CancellationToken ct)
    {
        var (tenant, created) = await onboarding.UpsertTenantAsync(await callers.ResolveAsync(tenantId, ct), body.DisplayName, ct);
        var response = TenantResponse.From(tenant);
        return created ? TypedResults.Created($"/v1/tenants/{tenant.Id}", response) : TypedResults.Ok(response);
    }

    public static async Task<Results<Created<PrincipalResponse>, Ok<PrincipalResponse>>> PutPrincipal(
        string tenantId, string principalId, PrincipalRequest body, Callers callers, OnboardingService onboarding, CancellationToken ct)
    {
        var caller = await callers.ResolveAsync(tenantId, ct);
        var principal = new Principal(tenantId, principalId, PrincipalKinds.Parse(body.Kind)!.Value, body.DisplayName, body.Email, body.HomeTenantId, body.HomePrincipalId,
            (body.MemberOf ?? []).Distinct().ToList(), body.AccountEnabled ?? true);
        var (saved, created) = await onboarding.UpsertPrincipalAsync(caller, principal, ct);
        var response = PrincipalResponse.From(saved);
        return created ? TypedResults.Created($"/v1/tenants/{tenantId}/principals/{principalId}", response) : TypedResults.Ok(response);
    }

    public static async Task<Ok<PrincipalResponse>> GetPrincipal(
        string tenantId, string principalId, Callers callers, OnboardingService onboarding, CancellationToken ct) =>
        TypedResults.Ok(PrincipalResponse.From(await onboarding.GetPrincipalAsync(await callers.ResolveAsync(tenantId, ct), principalId, ct)));

    public static async Task<NoContent> DeletePrincipal(string tenantId, string principalId, Callers callers, OnboardingService onboarding, CancellationToken ct)
    {
        await onboarding.DeletePrincipalAsync(await callers.ResolveAsync(tenantId, ct), principalId, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ConsentResponse>> GetConsent(string tenantId, Callers callers, OnboardingService onboarding, CancellationToken ct) =>
        TypedResults.Ok(ConsentResponse.From(await onboarding.GetConsentAsync(await callers.ResolveAsync(tenantId, ct), ct)));

    public static async Task<Ok<ConsentResponse>> Consent(string tenantId, Callers callers, OnboardingService onboarding, CancellationToken ct) =>
        TypedResults.Ok(ConsentResponse.From(await onboarding.ConsentAsync(await callers.ResolveAsync(tenantId, ct), ct)));

    public static async Task<Ok<SignUpListResponse>> ListSignUps(string tenantId, Callers callers, OnboardingService onboarding, CancellationToken ct) =>
        TypedResults.Ok(new SignUpListResponse((await onboarding.ListSignUpsAsync(await callers.ResolveAsync(tenantId, ct), ct)).Select(SignUpResponse.From).ToList()));

    public static async Task<Results<Created<SignUpResponse>, Ok<SignUpResponse>>> SignUp(
        string tenantId, SignUpRequest body, Callers callers, OnboardingService onboarding, CancellationToken ct)
    {
        var (signUp, created) = await onboarding.SignUpAsync(await callers.ResolveAsync(tenantId, ct), body.Area, body.Scope, ct);
        var response = SignUpResponse.From(signUp);
        return created ? TypedResults.Created($"/v1/tenants/{tenantId}/sign-ups", response) : TypedResults.Ok(response);
    }
}
