using System.Text.RegularExpressions;

namespace Pim.Domain;

/// <summary>
/// A role: one of the built-in catalog, or a tenant's own (<see cref="Custom"/>). A directory role lives at scope
/// <c>/</c>; a resource role at management groups, subscriptions and resource groups; a group role
/// (<see cref="AtGroups"/>: <c>member</c>, and <c>owner</c> besides its resources) at a group, <c>/groups/{groupId}</c>.
/// </summary>
public sealed partial record RoleDefinition(string Id, string DisplayName, string Description, bool Privileged, bool Resource = false, bool Custom = false,
    bool AtGroups = false)
{
    /// <summary>Held at a directory's root: neither a resource role nor a group's.</summary>
    public bool Directory => !Resource && !AtGroups;

    /// <summary>A tenant's own role ids begin with <c>custom-</c>: they can never collide with a built-in role, now or later.</summary>
    public const string CustomPattern = "^custom-[a-z0-9][a-z0-9-]{0,62}$";
    public const int MaximumCustomPerTenant = 100;

    [GeneratedRegex(CustomPattern)]
    private static partial Regex CustomId();

    public static bool IsCustomId(string roleId) => CustomId().Match(roleId) is { Success: true } m && m.Length == roleId.Length;

    /// <summary>Directory roles live at <c>/</c>; resource roles at a registered resource scope; group roles at a group.</summary>
    public void EnsureScopeFits(string scope)
    {
        if (!ScopePath.IsValid(scope)) throw new PimException(ErrorCodes.InvalidScope, $"'{scope}' is not a valid scope.");
        if (ScopePath.GroupOf(scope) is not null)
        {
            if (!AtGroups) throw new PimException(ErrorCodes.InvalidScope, $"'{Id}' is not held at a group: a group's roles are 'member' and 'owner'.");
            return;
        }
        if (AtGroups && !Resource)
            throw new PimException(ErrorCodes.InvalidScope, $"'{Id}' is a group role: its scope is a group, '/groups/{{groupId}}'.");
        if (!Resource && scope != ScopePath.Root)
            throw new PimException(ErrorCodes.InvalidScope, $"'{Id}' is a directory role: its scope is '/'.");
        if (Resource && scope == ScopePath.Root)
            throw new PimException(ErrorCodes.InvalidScope, $"'{Id}' is a resource role: name a management group, subscription or resource group.");
    }
}
