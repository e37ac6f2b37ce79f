using System.Text.Json;

namespace Pim.Domain;

/// <summary>Reading and changing a role's settings, per scope, with optimistic concurrency and an audit of old and new.</summary>
public sealed class RoleSettingsService(
    ITenants tenants, IPrincipals principals, IRoleSettingsStore store, IScopes scopes, IRoleAssignments assignments, IAuditLog audit, IUnitOfWork uow,
    AccessService access, ICustomRoles roles, TimeProvider time)
{
    public Task<EffectiveRoleSettings> EffectiveAsync(string tenantId, string roleId, CancellationToken ct) =>
        EffectiveAtAsync(tenantId, roleId, ScopePath.Root, ct);

    public async Task<EffectiveRoleSettings> EffectiveAtAsync(string tenantId, string roleId, string scope, CancellationToken ct)
    {
        var ancestors = await scopes.AncestorsOrRootAsync(tenantId, scope, ct);
        // A group is outside the resource tree, but a role's tenant-wide settings (at '/') are its default there too.
        if (ancestors[^1] != ScopePath.Root) ancestors = [.. ancestors, ScopePath.Root];
        var stored = await store.FindNearestAsync(tenantId, roleId, ancestors, ct);
        var defaults = RoleSettings.Default(roleId, (await roles.FindRoleAsync(tenantId, roleId, ct))?.Privileged ?? true);
        return new EffectiveRoleSettings(stored?.Settings ?? defaults, stored?.Scope == scope ? stored.Version : 0, scope,
            stored?.Scope ?? ScopePath.Root, defaults);
    }

    /// <summary>
    /// The policy a grant of the role at the scope is held to now (<see cref="GoverningPolicy"/>): the settings in force
    /// there, and for a group's roles the strictest of those and of the settings of every role the group confers — what the
    /// group and every group it is nested in hold, eligibly or actively, at any scope (not ended). Eligibility for another
    /// group's membership confers nothing: a membership held through PIM is one level deep (<see cref="Eligibility.Usable"/>).
    /// What every use case that grants, activates, extends or approves asks.
    /// </summary>
    public async Task<GoverningPolicy> PolicyAtAsync(string tenantId, string roleId, string scope, CancellationToken ct)
    {
        var own = (await EffectiveAtAsync(tenantId, roleId, scope, ct)).Settings;
        if (ScopePath.GroupOf(scope) is not { } groupId) return new GoverningPolicy(own, []);
        var governing = (await assignments.ListConferredAsync(tenantId, groupId, time.Now(), ct)).DistinctBy(g => (g.RoleId, g.Scope)).ToList();
        var policies = new List<RoleSettings>();
        foreach (var conferred in governing) policies.Add((await EffectiveAtAsync(tenantId, conferred.RoleId, conferred.Scope, ct)).Settings);
        return new GoverningPolicy(GoverningPolicy.Strictest(own, policies), governing);
    }

    public async Task<EffectiveRoleSettings> GetAsync(Caller caller, string roleId, string scope, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        caller.RequireOperatorOrPrincipal();
        var role = await roles.GetRoleAsync(tenant.Id, roleId, ct);
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
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            caller.RequireOperatorOrPrincipal();
            var role = await roles.GetRoleAsync(tenant.Id, settings.RoleId, ct);
            EnsureSettingsScope(role, scope);
            await access.EnsureAdministersAsync(caller, role, scope, "Changing role settings", ct);
            tenant.EnsureManaged(role, await scopes.AncestorsOrRootAsync(tenant.Id, scope, ct));
            if (expectedVersion is null)
                throw new PimException(ErrorCodes.PreconditionRequired, "Changing role settings needs the version of the settings you read; read them first.");
            var current = await EffectiveAtAsync(tenant.Id, settings.RoleId, scope, ct);
            if (current.Version != expectedVersion) throw Stale(settings.RoleId, current);
            await EnsureApprovalCanBeMetAsync(tenant.Id, settings.Activation, ct);

            if (!await store.SaveAsync(tenant.Id, settings, scope, current.Version, now, caller.ActorId, ct)) throw Stale(settings.RoleId, current);
            var details = JsonSerializer.Serialize(new { oldValue = current.Settings, newValue = settings, inheritedFrom = current.InheritedFrom }, DetailsJson);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.RoleSettingsUpdated, "roleSettings", settings.RoleId) with
            {
                RoleId = settings.RoleId,
                Scope = scope,
                Details = details,
            }, ct);
            await RescheduleExpiryWarningsAsync(tenant.Id, settings.RoleId, now, ct);
            return new EffectiveRoleSettings(settings, current.Version + 1, scope, scope, current.Defaults);
        }, ct);
    }

    /// <summary>
    /// The warnings not sent yet of the role's assignments that have still to end are due anew under the settings now in
    /// force at each assignment's scope (the change may be at the assignment's scope or above it).
    /// </summary>
    private async Task RescheduleExpiryWarningsAsync(string tenantId, string roleId, DateTimeOffset now, CancellationToken ct)
    {
        var changed = new List<RoleAssignment>();
        foreach (var atScope in (await assignments.ListAwaitingExpiryWarningAsync(tenantId, roleId, now, ct)).GroupBy(a => a.Scope))
        {
            var window = (await EffectiveAtAsync(tenantId, roleId, atScope.Key, ct)).Settings.Notifications.ExpiryWarnings.Assignment;
            changed.AddRange(atScope.Where(a => a.RescheduleExpiryWarning(window)));
        }
        if (changed.Count > 0) await assignments.SaveExpiryWarningsAsync(changed, ct);
    }

    /// <summary>Directory roles have settings at '/'; resource roles tenant-wide ('/') or at a resource scope.</summary>
    private static void EnsureSettingsScope(RoleDefinition role, string scope)
    {
        if (scope != ScopePath.Root) role.EnsureScopeFits(scope);
    }

    /// <summary>
    /// Every approver and escalation approver of every stage is a user or group of the tenant, every group an
    /// auto-approval rule names is a group of it, and no stage asks for more approvals than its approvers (when they are
    /// all people, not groups) can give.
    /// </summary>
    private async Task EnsureApprovalCanBeMetAsync(string tenantId, ActivationRules rules, CancellationToken ct)
    {
        var stages = rules.Stages;
        var named = stages.SelectMany(s => s.Approvers.Concat(s.EscalateTo)).Distinct().ToList();
        var groups = rules.AutoApprove.SelectMany(r => r.MemberOf ?? []).Distinct().ToList();
        if (named.Count + groups.Count == 0) return;
        var found = (await principals.FindManyAsync(tenantId, named.Union(groups).ToList(), ct)).ToDictionary(p => p.Id);
        var missing = named.Where(id => found.GetValueOrDefault(id)?.Kind is not (PrincipalKind.User or PrincipalKind.Group or PrincipalKind.Guest)).ToList();
        if (missing.Count > 0)
            throw new PimException(ErrorCodes.UnknownApprover,
                $"Approvers must be users or groups of this tenant; unknown: {string.Join(", ", missing)}.");
        var notGroups = groups.Where(id => found.GetValueOrDefault(id)?.Kind != PrincipalKind.Group).ToList();
        if (notGroups.Count > 0)
            throw new PimException(ErrorCodes.UnknownPrincipal,
                $"Auto-approval rules name groups of this tenant in memberOf; not groups here: {string.Join(", ", notGroups)}.");
        for (var i = 0; i < stages.Count; i++)
        {
            var people = stages[i].Approvers.Concat(stages[i].EscalateTo).Distinct().ToList();
            if (stages[i].Approvers.Count > 0 && people.All(id => found[id].Kind != PrincipalKind.Group) && people.Count < stages[i].Required)
                throw new PimException(ErrorCodes.ApprovalStageUnsatisfiable,
                    $"Stage {i + 1} requires {stages[i].Required} approvals but names only {people.Count} approver(s), none of them a group.");
        }
    }

    private static PimException Stale(string roleId, EffectiveRoleSettings current) =>
        new(ErrorCodes.PreconditionFailed, $"The settings of '{roleId}' at '{current.Scope}' changed since they were read: version {current.Version} is current. Read them again.");

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
}
