namespace Pim.Domain;

/// <summary>A tenant's own roles, beside the built-in catalog.</summary>
public interface ICustomRoles
{
    Task<RoleDefinition?> FindAsync(string tenantId, string roleId, CancellationToken ct);
    Task<IReadOnlyList<RoleDefinition>> ListAsync(string tenantId, CancellationToken ct);
    /// <summary>Creates or replaces the role; returns true when created.</summary>
    Task<bool> UpsertAsync(string tenantId, RoleDefinition role, DateTimeOffset now, string actorId, CancellationToken ct);
    /// <summary>Deletes the role and its settings at every scope.</summary>
    Task<bool> DeleteAsync(string tenantId, string roleId, CancellationToken ct);
}

/// <summary>
/// How every use case finds a role, in the tenant it acts in: the built-in catalog, else the tenant's own roles (another
/// tenant's are not there).
/// </summary>
public static class RoleLookup
{
    /// <summary>The built-in role of that id, else the tenant's own; null when there is none.</summary>
    public static async Task<RoleDefinition?> FindRoleAsync(this ICustomRoles custom, string tenantId, string roleId, CancellationToken ct) =>
        RoleCatalog.Find(roleId) ?? (RoleDefinition.IsCustomId(roleId) ? await custom.FindAsync(tenantId, roleId, ct) : null);

    /// <summary>The role a path names, or 404.</summary>
    public static async Task<RoleDefinition> GetRoleAsync(this ICustomRoles custom, string tenantId, string roleId, CancellationToken ct) =>
        await custom.FindRoleAsync(tenantId, roleId, ct) ?? throw Errors.NotFound($"Role '{roleId}'");

    /// <summary>The role a request's field names, or 400 naming the field.</summary>
    public static async Task<RoleDefinition> GetNamedRoleAsync(this ICustomRoles custom, string tenantId, string roleId, CancellationToken ct,
        string field = "roleId") =>
        await custom.FindRoleAsync(tenantId, roleId, ct)
        ?? throw Errors.InvalidField(field, $"'{field}' must name a role of the tenant (GET …/roles): '{roleId}' is none.");

    /// <summary>A role's display name for people to read (its id when the role is gone).</summary>
    public static async Task<string> RoleNameAsync(this ICustomRoles custom, string tenantId, string roleId, CancellationToken ct) =>
        (await custom.FindRoleAsync(tenantId, roleId, ct))?.DisplayName ?? roleId;
}
