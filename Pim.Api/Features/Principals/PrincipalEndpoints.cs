using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Principals;

/// <summary>The directory's principals: synced by the operator (and removed, for leavers), read by directory readers and themselves.</summary>
public static class PrincipalEndpoints
{
    public static void MapPrincipals(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/principals").WithTags("Tenants");
        group.MapPut("/{principalId:id}", PutPrincipal).WithName("PutPrincipal")
            .WithSummary("Create or replace a user, guest, service principal or group (operator directory sync).").Validate<PrincipalRequest>();
        group.MapGet("/{principalId:id}", GetPrincipal).WithName("GetPrincipal").WithSummary("Read one principal.");
        group.MapDelete("/{principalId:id}", DeletePrincipal).WithName("DeletePrincipal")
            .WithSummary("Remove a principal (operator directory sync): its assignments go, and every activation or waiting request that stood on it is revoked.");
    }

    public static async Task<Results<Created<PrincipalResponse>, Ok<PrincipalResponse>>> PutPrincipal(string principalId, PrincipalRequest body,
        CurrentCaller caller, PrincipalService principals, CancellationToken ct)
    {
        ReadOnlyFields.Check(("id", body.Id, principalId));
        var (saved, created) = await principals.UpsertAsync(caller, body.ToDomain(caller.Value.TenantId, principalId), ct);
        var response = PrincipalResponse.From(saved);
        return created ? TypedResults.Created($"/v1/tenants/{saved.TenantId}/principals/{saved.Id}", response) : TypedResults.Ok(response);
    }

    public static async Task<Ok<PrincipalResponse>> GetPrincipal(string principalId, CurrentCaller caller, PrincipalService principals, CancellationToken ct) =>
        TypedResults.Ok(PrincipalResponse.From(await principals.GetAsync(caller, principalId, ct)));

    public static async Task<NoContent> DeletePrincipal(string principalId, CurrentCaller caller, PrincipalService principals, CancellationToken ct)
    {
        await principals.DeleteAsync(caller, principalId, ct);
        return TypedResults.NoContent();
    }
}
