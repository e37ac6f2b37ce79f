using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Roles;

/// <summary>The role catalog, and a role's members.</summary>
public static class RoleEndpoints
{
    public static void MapRoles(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/roles").WithTags("Roles");
        group.MapGet("", ListRoles).WithName("ListRoles").WithSummary("The built-in role catalog.");
        group.MapGet("/{roleId:id}", GetRole).WithName("GetRole").WithSummary("One role of the catalog.");
        group.MapGet("/{roleId:id}/members", ListMembers).WithName("ListRoleMembers")
            .WithSummary("Who holds the role, eligibly or actively, and for which window.");
    }

    public static async Task<Ok<RoleListResponse>> ListRoles(CurrentCaller caller, RoleService roles, CancellationToken ct) =>
        TypedResults.Ok(new RoleListResponse((await roles.ListAsync(caller, ct)).Select(RoleResponse.From).ToList()));

    public static async Task<Ok<RoleResponse>> GetRole(string roleId, CurrentCaller caller, RoleService roles, CancellationToken ct) =>
        TypedResults.Ok(RoleResponse.From(await roles.GetAsync(caller, roleId, ct)));

    public static async Task<Ok<PageResponse<RoleMemberResponse>>> ListMembers(string roleId, [AsParameters] PageQuery page, CurrentCaller caller,
        AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok((await assignments.MembersAsync(caller, roleId, page.After, page.Size, ct)).ToResponse(RoleMemberResponse.From));
}
