namespace Pim.Domain;

/// <summary>A role of the catalog: a directory role (scope <c>/</c>) or a resource role (management groups, subscriptions, resource groups).</summary>
public sealed record RoleDefinition(string Id, string DisplayName, string Description, bool Privileged, bool Resource = false)
{
    /// <summary>Directory roles live at <c>/</c>; resource roles at a registered resource scope.</summary>
    public void EnsureScopeFits(string scope)
    {
        if (!ScopePath.IsValid(scope)) throw new PimException(ErrorCodes.InvalidScope, $"'{scope}' is not a valid scope.");
        if (!Resource && scope != ScopePath.Root)
            throw new PimException(ErrorCodes.InvalidScope, $"'{Id}' is a directory role: its scope is '/'.");
        if (Resource && scope == ScopePath.Root)
            throw new PimException(ErrorCodes.InvalidScope, $"'{Id}' is a resource role: name a management group, subscription or resource group.");
    }
}
