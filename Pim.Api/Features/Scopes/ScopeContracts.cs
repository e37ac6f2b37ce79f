using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Scopes;

// What GET answers for a node can be sent back with PUT: scope, kind, id and parentScope are read-only echoes.
public sealed record ManagementGroupRequest(DisplayName DisplayName, string? ParentId = null,
    [property: Echo] string? Scope = null, [property: Echo] string? Kind = null, [property: Echo] string? Id = null, [property: Echo] string? ParentScope = null);
public sealed record SubscriptionRequest(DisplayName DisplayName, string? ManagementGroupId = null,
    [property: Echo] string? Scope = null, [property: Echo] string? Kind = null, [property: Echo] string? Id = null, [property: Echo] string? ParentScope = null);
public sealed record ResourceGroupRequest(DisplayName? DisplayName = null,
    [property: Echo] string? Scope = null, [property: Echo] string? Kind = null, [property: Echo] string? Id = null, [property: Echo] string? ParentScope = null);

/// <summary>A management group; <c>parentId</c> is the management group it sits in (none: under '/').</summary>
public sealed record ManagementGroupResponse(string Scope, string Kind, string Id, string DisplayName, string? ParentId, string ParentScope)
{
    public static ManagementGroupResponse From(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, ScopePath.LastSegment(n.ParentScope), n.ParentScope);
}

/// <summary>A subscription; <c>managementGroupId</c> is the management group it sits in (none: under '/').</summary>
public sealed record SubscriptionResponse(string Scope, string Kind, string Id, string DisplayName, string? ManagementGroupId, string ParentScope)
{
    public static SubscriptionResponse From(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, ScopePath.LastSegment(n.ParentScope), n.ParentScope);
}

public sealed record ResourceGroupResponse(string Scope, string Kind, string Id, string DisplayName, string ParentScope)
{
    public static ResourceGroupResponse From(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, n.ParentScope);
}

/// <summary>A node of the scope tree with its children; the root is '/'.</summary>
public sealed record ScopeTreeResponse(string Scope, string Kind, string? Id, string? DisplayName, IReadOnlyList<ScopeTreeResponse> Children);
