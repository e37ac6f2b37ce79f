using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Roles;

/// <summary>The tenant's roles (the built-in catalog and its own), and a role's members.</summary>
public static class RoleEndpoints
{
    public static void MapRoles(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/roles").WithTags("Roles");
        group.MapGet("", ListRoles).WithName("ListRoles").WithSummary("The tenant's roles: the built-in catalog, and its own (custom-…).");
        group.MapGet("/{roleId:id}", GetRole).WithName("GetRole").WithSummary("One role of the tenant.");
        group.MapPut("/{roleId:id}", PutRole).WithName("PutRole")
            .WithSummary("Define (201) or redefine (200) a role of the tenant's own, custom-…: PIM administrators. Built-in roles are read-only (409).")
            .Validate<RoleRequest>();
        group.MapDelete("/{roleId:id}", DeleteRole).WithName("DeleteRole")
            .WithSummary("Remove a role of the tenant's own, with its settings; refused (409) while it is assigned, and for built-in roles.");
        group.MapGet("/{roleId:id}/members", ListMembers).WithName("ListRoleMembers")
            .WithSummary("Who holds the role, eligibly or actively, and for which window.");
    }

    public static async Task<Ok<RoleListResponse>> ListRoles(CurrentCaller caller, RoleService roles, CancellationToken ct) =>
        TypedResults.Ok(new RoleListResponse((await roles.ListAsync(caller, ct)).Select(RoleResponse.From).ToList()));

    public static async Task<Ok<RoleResponse>> GetRole(string roleId, CurrentCaller caller, RoleService roles, CancellationToken ct) =>
        TypedResults.Ok(RoleResponse.From(await roles.GetAsync(caller, roleId, ct)));

    public static async Task<Results<Created<RoleResponse>, Ok<RoleResponse>>> PutRole(string roleId, RoleRequest body, CurrentCaller caller,
        RoleService roles, CancellationToken ct)
    {
        ReadOnlyFields.Check(("id", body.Id, roleId), ("custom", body.Custom?.ToString(), body.Custom is null ? null : bool.TrueString));
        var (role, created) = await roles.PutAsync(caller, body.ToDomain(roleId), ct);
        return created
            ? TypedResults.Created($"/v1/tenants/{caller.Value.TenantId}/roles/{role.Id}", RoleResponse.From(role))
            : TypedResults.Ok(RoleResponse.From(role));
    }

    public static async Task<NoContent> DeleteRole(string roleId, CurrentCaller caller, RoleService roles, CancellationToken ct)
    {
        await roles.DeleteAsync(caller, roleId, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PageResponse<RoleMemberResponse>>> ListMembers(string roleId, [AsParameters] PageQuery page, CurrentCaller caller,
        AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok((await assignments.MembersAsync(caller, roleId, page.After, page.Size, ct)).ToResponse(RoleMemberResponse.From));
}
