namespace Pim.Domain;

/// <summary>A management group, subscription or resource group, and the scope it hangs under.</summary>
public sealed record ScopeNode(string TenantId, string Scope, string Kind, string Id, string DisplayName, string ParentScope);
