using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Scopes;

// What GET answers for a node can be sent back with PUT: scope, kind, id and parentScope are read-only echoes.
public sealed record ManagementGroupRequest(DisplayName DisplayName, [Wire<Bounds.ScopeSegment>] string? ParentId = null,
    [property: Echo] [Wire<Scope>] string? Scope = null, [property: Echo] [Wire<Vocabulary.ScopeKind>] string? Kind = null,
    [property: Echo] [Wire<Bounds.ScopeSegment>] string? Id = null, [property: Echo] [Wire<Scope>] string? ParentScope = null);
public sealed record SubscriptionRequest(DisplayName DisplayName, [Wire<Bounds.ScopeSegment>] string? ManagementGroupId = null,
    [property: Echo] [Wire<Scope>] string? Scope = null, [property: Echo] [Wire<Vocabulary.ScopeKind>] string? Kind = null,
    [property: Echo] [Wire<Bounds.ScopeSegment>] string? Id = null, [property: Echo] [Wire<Scope>] string? ParentScope = null);
public sealed record ResourceGroupRequest(DisplayName? DisplayName = null,
    [property: Echo] [Wire<Scope>] string? Scope = null, [property: Echo] [Wire<Vocabulary.ScopeKind>] string? Kind = null,
    [property: Echo] [Wire<Bounds.ScopeSegment>] string? Id = null, [property: Echo] [Wire<Scope>] string? ParentScope = null);

/// <summary>A management group; <c>parentId</c> is the management group it sits in (none: under '/').</summary>
public sealed record ManagementGroupResponse([Wire<Scope>] string Scope, [Wire<Vocabulary.ScopeKind>] string Kind,
    [Wire<Bounds.ScopeSegment>] string Id, [Wire<DisplayName>] string DisplayName, [Wire<Bounds.ScopeSegment>] string? ParentId,
    [Wire<Scope>] string ParentScope)
{
    public static ManagementGroupResponse From(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, ScopePath.LastSegment(n.ParentScope), n.ParentScope);
}

/// <summary>A subscription; <c>managementGroupId</c> is the management group it sits in (none: under '/').</summary>
public sealed record SubscriptionResponse([Wire<Scope>] string Scope, [Wire<Vocabulary.ScopeKind>] string Kind, [Wire<Bounds.ScopeSegment>] string Id,
    [Wire<DisplayName>] string DisplayName, [Wire<Bounds.ScopeSegment>] string? ManagementGroupId, [Wire<Scope>] string ParentScope)
{
    public static SubscriptionResponse From(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, ScopePath.LastSegment(n.ParentScope), n.ParentScope);
}

public sealed record ResourceGroupResponse([Wire<Scope>] string Scope, [Wire<Vocabulary.ScopeKind>] string Kind,
    [Wire<Bounds.ScopeSegment>] string Id, [Wire<DisplayName>] string DisplayName, [Wire<Scope>] string ParentScope)
{
    public static ResourceGroupResponse From(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, n.ParentScope);
}

/// <summary>A node of the scope tree with its children; the root is '/'.</summary>
public sealed record ScopeTreeResponse([Wire<Scope>] string Scope, [Wire<Vocabulary.ScopeKind>] string Kind, [Wire<Bounds.ScopeSegment>] string? Id,
    [Wire<DisplayName>] string? DisplayName, [MaxItems(ScopeNode.MaximumPerTenant)] IReadOnlyList<ScopeTreeResponse> Children);
