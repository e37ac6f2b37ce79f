namespace Pim.Domain;

/// <summary>A management group, subscription or resource group, and the scope it hangs under.</summary>
public sealed record ScopeNode(string TenantId, string Scope, string Kind, string Id, string DisplayName, string ParentScope)
{
    /// <summary>The most management groups, subscriptions and resource groups a tenant may register.</summary>
    public const int MaximumPerTenant = 10_000;
}
