using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Principals;

/// <summary>
/// The directory's principals: synced by the operator (and removed, for leavers), listed and read by directory readers
/// and themselves. Provisioning clients keep the same directory through SCIM (Features/Scim).
/// </summary>
public static class PrincipalEndpoints
{
    public static void MapPrincipals(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/principals").WithTags("Principals");
        group.MapGet("", ListPrincipals).WithName("ListPrincipals")
            .WithSummary("The directory a page at a time, filtered by kind, group (direct or transitive members) and text (display name, email or userName).");
        group.MapPut("/{principalId:id}", PutPrincipal).WithName("PutPrincipal")
            .WithSummary("Create or replace a user, guest, service principal or group with its direct groups (operator directory sync).")
            .Validate<PrincipalRequest>();
        group.MapGet("/{principalId:id}", GetPrincipal).WithName("GetPrincipal").WithSummary("Read one principal.");
        group.MapGet("/{principalId:id}/memberships", ListMemberships).WithName("ListPrincipalMemberships")
            .WithSummary("The groups the principal is a member of: directly (depth 1) and through nested groups, with the group each comes through.");
        group.MapDelete("/{principalId:id}", DeletePrincipal).WithName("DeletePrincipal")
            .WithSummary("Remove a principal (a leaver): its activations are revoked, its waiting requests canceled, its assignments removed, and every grant that stood on it ends.");
    }

    public static async Task<Ok<PageResponse<PrincipalResponse>>> ListPrincipals([AsParameters] PrincipalListQuery query, CurrentCaller caller,
        PrincipalService principals, CancellationToken ct) =>
        TypedResults.Ok((await principals.ListAsync(caller, query.ToQuery(), ct)).ToResponse(PrincipalResponse.From));

    public static async Task<Results<Created<PrincipalResponse>, Ok<PrincipalResponse>>> PutPrincipal(string principalId, PrincipalRequest body,
        CurrentCaller caller, PrincipalService principals, CancellationToken ct)
    {
        var current = body.UserName is null && body.ExternalId is null ? null : await principals.GetAsync(caller, principalId, ct);
        ReadOnlyFields.Check(("id", body.Id, principalId), ("userName", body.UserName, current?.UserName), ("externalId", body.ExternalId, current?.ExternalId));
        var (saved, created) = await principals.UpsertAsync(caller, body.ToDomain(caller.Value.TenantId, principalId), ct);
        var response = PrincipalResponse.From(saved);
        return created ? TypedResults.Created($"/v1/tenants/{saved.TenantId}/principals/{saved.Id}", response) : TypedResults.Ok(response);
    }

    public static async Task<Ok<PrincipalResponse>> GetPrincipal(string principalId, CurrentCaller caller, PrincipalService principals, CancellationToken ct) =>
        TypedResults.Ok(PrincipalResponse.From(await principals.GetAsync(caller, principalId, ct)));

    public static async Task<Ok<MembershipListResponse>> ListMemberships(string principalId, CurrentCaller caller, PrincipalService principals,
        CancellationToken ct) =>
        TypedResults.Ok(new MembershipListResponse(principalId, (await principals.MembershipsAsync(caller, principalId, ct)).Select(MembershipResponse.From).ToList()));

    public static async Task<NoContent> DeletePrincipal(string principalId, CurrentCaller caller, PrincipalService principals, CancellationToken ct)
    {
        await principals.DeleteAsync(caller, principalId, kind: null, expectedVersion: null, ct);
        return TypedResults.NoContent();
    }
}
