using Pim.Domain;

namespace Pim.Api.Features.Scopes;

public sealed record ManagementGroupRequest(string DisplayName, string? ParentId = null);
public sealed record SubscriptionRequest(string DisplayName, string? ManagementGroupId = null);
public sealed record ResourceGroupRequest(string? DisplayName = null);

public sealed record ScopeNodeResponse(string Scope, string Kind, string Id, string DisplayName, string ParentScope)
{
    public static ScopeNodeResponse From(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, n.ParentScope);
}

/// <summary>A node of the scope tree with its children; the root is '/'.</summary>
public sealed record ScopeTreeResponse(string Scope, string Kind, string? Id, string? DisplayName, IReadOnlyList<ScopeTreeResponse> Children);
