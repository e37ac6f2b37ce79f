using System.Text.Json;

namespace Pim.Domain;

/// <summary>Reading and changing a role's settings, per scope, with optimistic concurrency and an audit of old and new.</summary>
public sealed class RoleSettingsService(
    ITenants tenants, IPrincipals principals, IRoleSettingsStore store, IScopes scopes, IAuditLog audit, IUnitOfWork uow,
    AccessService access, TimeProvider time)
{
    public Task<EffectiveRoleSettings> EffectiveAsync(string tenantId, string roleId, CancellationToken ct) =>
        EffectiveAtAsync(tenantId, roleId, ScopePath.Root, ct);

    public async Task<EffectiveRoleSettings> EffectiveAtAsync(string tenantId, string roleId, string scope, CancellationToken ct)
    {
        var ancestors = await scopes.AncestorsOrRootAsync(tenantId, scope, ct);
        var stored = await store.FindNearestAsync(tenantId, roleId, ancestors, ct);
        return new EffectiveRoleSettings(stored?.Settings ?? RoleSettings.Default(roleId), stored?.Scope == scope ? stored.Version : 0, scope,
            stored?.Scope ?? ScopePath.Root);
    }

    public async Task<EffectiveRoleSettings> GetAsync(Caller caller, string roleId, string scope, CancellationToken ct)
    {
        var role = RoleCatalog.Get(roleId);
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        caller.RequireOperatorOrPrincipal();
        EnsureSettingsScope(role, scope);
        tenant.EnsureManaged(role, await scopes.AncestorsOrRootAsync(tenant.Id, scope, ct));
        return await EffectiveAtAsync(tenant.Id, roleId, scope, ct);
    }

    /// <summary>
    /// Replaces a role's settings at a scope if <paramref name="expectedVersion"/> is the version saved there
    /// (optimistic concurrency). Null: the caller named no version (precondition-required); a version that is not the
    /// current one, or -1 for one that could not be read (precondition-failed).
    /// </summary>
    public async Task<EffectiveRoleSettings> UpdateAsync(Caller caller, RoleSettings settings, string scope, int? expectedVersion, CancellationToken ct)
    {
        var role = RoleCatalog.Get(settings.RoleId);
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            EnsureSettingsScope(role, scope);
            await access.EnsureAdministersAsync(caller, role, scope, "Changing role settings", ct);
            tenant.EnsureManaged(role, await scopes.AncestorsOrRootAsync(tenant.Id, scope, ct));
            if (expectedVersion is null)
                throw new PimException(ErrorCodes.PreconditionRequired, "Changing role settings needs the version of the settings you read; read them first.");
            var current = await EffectiveAtAsync(tenant.Id, settings.RoleId, scope, ct);
            if (current.Version != expectedVersion) throw Stale(settings.RoleId, current);
            await EnsureApproversExistAsync(tenant.Id, settings.Activation.Approvers, ct);

            if (!await store.SaveAsync(tenant.Id, settings, scope, current.Version, now, caller.ActorId, ct)) throw Stale(settings.RoleId, current);
            var details = JsonSerializer.Serialize(new { oldValue = current.Settings, newValue = settings, inheritedFrom = current.InheritedFrom }, DetailsJson);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.RoleSettingsUpdated, "roleSettings", settings.RoleId) with
            {
                RoleId = settings.RoleId,
                Scope = scope,
                Details = details,
            }, ct);
            return new EffectiveRoleSettings(settings, current.Version + 1, scope, scope);
        }, ct);
    }

    /// <summary>Directory roles have settings at '/'; resource roles tenant-wide ('/') or at a resource scope.</summary>
    private static void EnsureSettingsScope(RoleDefinition role, string scope)
    {
        if (scope != ScopePath.Root) role.EnsureScopeFits(scope);
    }

    private async Task EnsureApproversExistAsync(string tenantId, IReadOnlyList<string> approvers, CancellationToken ct)
    {
        if (approvers.Count == 0) return;
        var found = (await principals.FindManyAsync(tenantId, approvers, ct))
            .Where(p => p.Kind is PrincipalKind.User or PrincipalKind.Group or PrincipalKind.Guest).Select(p => p.Id);
        var missing = approvers.Except(found).ToList();
        if (missing.Count > 0)
            throw new PimException(ErrorCodes.UnknownApprover,
                $"Approvers must be users or groups of this tenant; unknown: {string.Join(", ", missing)}.");
    }

    private static PimException Stale(string roleId, EffectiveRoleSettings current) =>
        new(ErrorCodes.PreconditionFailed, $"The settings of '{roleId}' at '{current.Scope}' changed since they were read: version {current.Version} is current. Read them again.");

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
}
