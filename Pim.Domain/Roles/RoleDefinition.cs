using System.Text.RegularExpressions;

namespace Pim.Domain;

/// <summary>
/// A role: one of the built-in catalog, or a tenant's own (<see cref="Custom"/>). A directory role lives at scope
/// <c>/</c>; a resource role at management groups, subscriptions and resource groups.
/// </summary>
public sealed partial record RoleDefinition(string Id, string DisplayName, string Description, bool Privileged, bool Resource = false, bool Custom = false)
{
    /// <summary>A tenant's own role ids begin with <c>custom-</c>: they can never collide with a built-in role, now or later.</summary>
    public const string CustomPattern = "^custom-[a-z0-9][a-z0-9-]{0,62}$";
    public const int MaximumCustomPerTenant = 100;

    [GeneratedRegex(CustomPattern)]
    private static partial Regex CustomId();

    public static bool IsCustomId(string roleId) => CustomId().Match(roleId) is { Success: true } m && m.Length == roleId.Length;

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
