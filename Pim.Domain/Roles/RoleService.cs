namespace Pim.Domain;

/// <summary>
/// The roles of a tenant: the built-in catalog (read-only) and the tenant's own roles, which PIM administrators define and
/// which work as built-in ones do — settings, assignments, activation, approval, evaluation, audit (every use case finds
/// a role through <see cref="RoleLookup"/>, in the tenant it acts in).
/// </summary>
public sealed class RoleService(ITenants tenants, ICustomRoles custom, IRoleAssignments assignments, IAuditLog audit, IUnitOfWork uow,
    AccessService access, TimeProvider time)
{
    public async Task<IReadOnlyList<RoleDefinition>> ListAsync(Caller caller, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        await tenants.GetAsync(caller.TenantId, ct);
        return [.. RoleCatalog.All, .. await custom.ListAsync(caller.TenantId, ct)];
    }

    public async Task<RoleDefinition> GetAsync(Caller caller, string roleId, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        await tenants.GetAsync(caller.TenantId, ct);
        return await custom.GetRoleAsync(caller.TenantId, roleId, ct);
    }

    /// <summary>
    /// Defines (or redefines) a tenant role: PIM administrators, once the tenant has consented. Built-in roles are
    /// read-only; a role's kind does not change while it is assigned (its assignments' scopes would no longer fit).
    /// Returns the role and whether it was created.
    /// </summary>
    public async Task<(RoleDefinition Role, bool Created)> PutAsync(Caller caller, RoleDefinition role, CancellationToken ct)
    {
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetForUpdateAsync(caller.TenantId, ct);
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Defining roles", ct);
            tenant.EnsureConsented();
            EnsureOwnRole(role.Id);
            if (!RoleDefinition.IsCustomId(role.Id))
                throw Errors.InvalidField("roleId", "A tenant's own role ids begin with 'custom-' and go on with lower-case letters, digits and '-' (at most 70 characters).");
            var defined = role with { Custom = true };
            var current = await custom.FindAsync(tenant.Id, role.Id, ct);
            if (current is null && (await custom.ListAsync(tenant.Id, ct)).Count >= RoleDefinition.MaximumCustomPerTenant)
                throw new PimException(ErrorCodes.LimitReached, $"A tenant defines at most {RoleDefinition.MaximumCustomPerTenant} roles of its own.");
            if (current is not null && current.Resource != defined.Resource && await IsAssignedAsync(tenant.Id, role.Id, ct))
                throw new PimException(ErrorCodes.RoleInUse, $"'{role.Id}' is assigned: its kind does not change while it is. Remove its assignments first.");
            var created = await custom.UpsertAsync(tenant.Id, defined, now, caller.ActorId, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.RoleUpserted, "role", role.Id) with
            {
                RoleId = role.Id,
                Details = System.Text.Json.JsonSerializer.Serialize(new { oldValue = current, newValue = defined }, DetailsJson),
            }, ct);
            return (defined, created);
        }, ct);
    }

    /// <summary>Removes a tenant role that nobody holds, with its settings: PIM administrators. Built-in roles are read-only.</summary>
    public async Task DeleteAsync(Caller caller, string roleId, CancellationToken ct)
    {
        var now = time.Now();
        await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetForUpdateAsync(caller.TenantId, ct);
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Removing roles", ct);
            tenant.EnsureConsented();
            EnsureOwnRole(roleId);
            await custom.GetRoleAsync(tenant.Id, roleId, ct);
            if (await IsAssignedAsync(tenant.Id, roleId, ct))
                throw new PimException(ErrorCodes.RoleInUse, $"'{roleId}' is assigned: remove its assignments first.");
            await custom.DeleteAsync(tenant.Id, roleId, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.RoleDeleted, "role", roleId) with { RoleId = roleId }, ct);
        }, ct);
    }

    private static void EnsureOwnRole(string roleId)
    {
        if (RoleCatalog.Find(roleId) is not null)
            throw new PimException(ErrorCodes.BuiltInRole, $"'{roleId}' is a built-in role: it is read-only. A tenant's own roles have ids that begin with 'custom-'.");
    }

    private async Task<bool> IsAssignedAsync(string tenantId, string roleId, CancellationToken ct) =>
        (await assignments.ListAsync(tenantId, new AssignmentFilter(null, roleId, null, null, 1), ct)).Count > 0;

    private static readonly System.Text.Json.JsonSerializerOptions DetailsJson = new(System.Text.Json.JsonSerializerDefaults.Web);
}
