using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Roles;

/// <summary>
/// A role: built-in, or the tenant's own (<c>custom</c>: its id begins with <c>custom-</c>). <c>kind</c> is <c>directory</c>
/// (scope '/'), <c>resource</c> (management groups, subscriptions, resource groups) or <c>group</c> (a group,
/// <c>/groups/{groupId}</c>: <c>member</c>); <c>atGroups</c> says whether it is held at groups (<c>member</c> and <c>owner</c>).
/// </summary>
public sealed record RoleResponse([Wire<Bounds.EntityId>] string Id, [Wire<DisplayName>] string DisplayName, Description Description, bool Privileged,
    [Wire<Vocabulary.RoleKind>] string Kind, bool Custom, bool AtGroups)
{
    public static RoleResponse From(RoleDefinition r) =>
        new(r.Id, r.DisplayName, Description.Of(r.Description), r.Privileged, r.Resource ? RoleKinds.Resource : r.AtGroups ? RoleKinds.Group : RoleKinds.Directory, r.Custom,
            r.AtGroups);
}

/// <summary>A tenant's own role, as PUT defines it. GET's <c>id</c> and <c>custom</c> may be sent back: they are read-only echoes.</summary>
public sealed record RoleRequest(DisplayName DisplayName, Description Description, [Wire<Vocabulary.CustomRoleKind>] string Kind, bool Privileged,
    [property: Http.Echo] [Wire<Bounds.EntityId>] string? Id = null,
    [property: Http.Echo] bool? Custom = null, [property: Http.Echo] bool? AtGroups = null)
{
    public RoleDefinition ToDomain(string roleId) => new(roleId, DisplayName.Text, Description.Text, Privileged, Kind == RoleKinds.Resource, Custom: true);
}

public static class RoleKinds
{
    public const string Directory = "directory";
    public const string Resource = "resource";
    public const string Group = "group";
}
public sealed record RoleListResponse([Wire<Bounds.RoleList>] IReadOnlyList<RoleResponse> Items);

public sealed record RoleMemberResponse([Wire<Bounds.EntityId>] string AssignmentId, [Wire<PrincipalId>] string PrincipalId,
    [Wire<Vocabulary.PrincipalKind>] string? PrincipalKind, [Wire<DisplayName>] string? PrincipalDisplayName,
    [Wire<RoleId>] string RoleId, [Wire<Scope>] string Scope, [Wire<Vocabulary.AssignmentType>] string Type, DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt)
{
    public static RoleMemberResponse From(RoleMember m) => new(m.Assignment.Id, m.Assignment.PrincipalId,
        m.Principal is null ? null : PrincipalKinds.ToText(m.Principal.Kind), m.Principal?.DisplayName,
        m.Assignment.RoleId, m.Assignment.Scope, AssignmentTypes.ToText(m.Assignment.Type),
        m.Assignment.StartsAt, m.Assignment.EndsAt);
}
