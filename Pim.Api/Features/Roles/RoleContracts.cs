using Pim.Domain;

namespace Pim.Api.Features.Roles;

/// <summary>A role of the catalog; <c>kind</c> is <c>directory</c> (scope '/') or <c>resource</c> (management groups, subscriptions, resource groups).</summary>
public sealed record RoleResponse(string Id, string DisplayName, string Description, bool Privileged, string Kind)
{
    public static RoleResponse From(RoleDefinition r) => new(r.Id, r.DisplayName, r.Description, r.Privileged, r.Resource ? RoleKinds.Resource : RoleKinds.Directory);
}

public static class RoleKinds
{
    public const string Directory = "directory";
    public const string Resource = "resource";
}
public sealed record RoleListResponse(IReadOnlyList<RoleResponse> Items);

public sealed record RoleMemberResponse(string AssignmentId, string PrincipalId, string? PrincipalKind, string? PrincipalDisplayName,
    string RoleId, string Scope, string Type, DateTimeOffset StartsAt, DateTimeOffset? EndsAt)
{
    public static RoleMemberResponse From(RoleMember m) => new(m.Assignment.Id, m.Assignment.PrincipalId,
        m.Principal is null ? null : PrincipalKinds.ToText(m.Principal.Kind), m.Principal?.DisplayName,
        m.Assignment.RoleId, m.Assignment.Scope, AssignmentTypes.ToText(m.Assignment.Type),
        m.Assignment.StartsAt, m.Assignment.EndsAt);
}
