using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Settings;

/// <summary>A role's settings per scope, with ETag / If-Match over the version saved at that scope.</summary>
public static class SettingsEndpoints
{
    public static void MapSettings(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/roles").WithTags("Roles");
        group.MapGet("/{roleId:id}/settings", GetSettings).WithName("GetRoleSettings")
            .WithSummary("The role's settings in force at ?scope= (default '/'): the nearest scope with settings wins, else the role's tenant-wide settings, else the defaults. ETag for If-Match.")
            .AnswersWithHeader(StatusCodes.Status200OK, OpenApiSetup.ETag);
        group.MapPut("/{roleId:id}/settings", PutSettings).WithName("PutRoleSettings")
            .WithSummary("Replace the role's settings at ?scope= (default '/'); requires If-Match with the ETag read at that scope.")
            .Validate<RoleSettingsDto>().ProducesProblem(412).ProducesProblem(428)
            .AnswersWithHeader(StatusCodes.Status200OK, OpenApiSetup.ETag);
    }

    public static async Task<Ok<RoleSettingsResponse>> GetSettings(string roleId, [AsParameters] ScopeQuery scope, HttpContext http,
        CurrentCaller caller, RoleSettingsService settings, CancellationToken ct)
    {
        var effective = await settings.GetAsync(caller, roleId, scope.Value, ct);
        http.Response.Headers.ETag = ETags.Of(effective.Version);
        return TypedResults.Ok(RoleSettingsResponse.From(effective));
    }

    public static async Task<Ok<RoleSettingsResponse>> PutSettings(string roleId, [AsParameters] ScopeQuery scope, RoleSettingsDto body,
        [FromHeader(Name = "If-Match"), Wire<Bounds.IfMatch>] string? ifMatch, HttpContext http, CurrentCaller caller, RoleSettingsService settings, CancellationToken ct)
    {
        // What the client read: the echoes are checked against it, and the approval shorthand resolved against it (its
        // version is If-Match's, so a change in between is refused as stale).
        var current = await settings.GetAsync(caller, roleId, scope.Value, ct);
        ReadOnlyFields.Check(("roleId", body.RoleId, roleId), ("scope", body.Scope, scope.Value), ("inheritedFrom", body.InheritedFrom, current.InheritedFrom));
        var updated = await settings.UpdateAsync(caller, body.ToDomain(roleId, current), scope.Value, ETags.VersionOf(ifMatch), ct);
        http.Response.Headers.ETag = ETags.Of(updated.Version);
        return TypedResults.Ok(RoleSettingsResponse.From(updated));
    }
}
