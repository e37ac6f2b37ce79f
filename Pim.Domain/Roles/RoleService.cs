namespace Pim.Domain;

/// <summary>The role catalog, as a caller of the tenant sees it.</summary>
public sealed class RoleService(ITenants tenants)
{
    public async Task<IReadOnlyList<RoleDefinition>> ListAsync(Caller caller, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        await tenants.GetAsync(caller.TenantId, ct);
        return RoleCatalog.All;
    }

    public async Task<RoleDefinition> GetAsync(Caller caller, string roleId, CancellationToken ct)
    {
        await ListAsync(caller, ct);
        return RoleCatalog.Get(roleId);
    }
}
