using System.Text.Json;

namespace Pim.Domain;

/// <summary>Settings of a role as in force: stored ones, or the defaults (version 0) when none were saved.</summary>
public sealed record EffectiveRoleSettings(RoleSettings Settings, int Version)
{
    public string ETag => $"\"{Version}\"";
}

public sealed class RoleSettingsService(
    ITenants tenants, IPrincipals principals, IRoleSettingsStore store, IAuditLog audit, IUnitOfWork uow,
    AccessService access, TimeProvider time)
{
    public async Task<EffectiveRoleSettings> EffectiveAsync(string tenantId, string roleId, CancellationToken ct) =>
        await store.FindAsync(tenantId, roleId, ct) is { } stored
            ? new EffectiveRoleSettings(stored.Settings, stored.Version)
            : new EffectiveRoleSettings(RoleSettings.Default(roleId), 0);

    public async Task<EffectiveRoleSettings> GetAsync(Caller caller, string roleId, CancellationToken ct)
    {
        RoleCatalog.Get(roleId);
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        if (!caller.IsOperator) caller.RequirePrincipal();
        tenant.EnsureSignedUp(ManagementArea.DirectoryRoles);
        return await EffectiveAsync(tenant.Id, roleId, ct);
    }

    /// <summary>Replaces a role's settings if <paramref name="ifMatch"/> names the version in force (optimistic concurrency);
    /// null when the client sent no If-Match (428), -1 when it sent one that names no version (412).</summary>
    public async Task<EffectiveRoleSettings> UpdateAsync(Caller caller, RoleSettings settings, int? ifMatch, CancellationToken ct)
    {
        RoleCatalog.Get(settings.RoleId);
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Changing role settings", ct);
        tenant.EnsureSignedUp(ManagementArea.DirectoryRoles);

        if (ifMatch is null)
            throw new PimException(ErrorCodes.PreconditionRequired, "Send If-Match with the ETag of the settings you read (GET …/settings).");
        var current = await EffectiveAsync(tenant.Id, settings.RoleId, ct);
        if (current.Version != ifMatch) throw Stale(settings.RoleId, current);
        await EnsureApproversExistAsync(tenant.Id, settings.Activation.Approvers, ct);

        if (!await store.SaveAsync(tenant.Id, settings, current.Version, now, caller.ActorId, ct)) throw Stale(settings.RoleId, current);
        var details = JsonSerializer.Serialize(new { oldValue = current.Settings, newValue = settings }, DetailsJson);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.RoleSettingsUpdated, "roleSettings", settings.RoleId) with
        {
            RoleId = settings.RoleId,
            Scope = Scopes.Root,
            Details = details,
        }, ct);
        await tx.CommitAsync(ct);
        return new EffectiveRoleSettings(settings, current.Version + 1);
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
        new(ErrorCodes.PreconditionFailed, $"The settings of '{roleId}' changed since they were read: the current ETag is {current.ETag}. Read them again.");

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
}
