namespace Pim.Domain;

public sealed record ConsentStatus(bool Consented, DateTimeOffset? ConsentedAt, string? ConsentedBy);

/// <summary>Bringing a tenant under PIM: the tenant synced by the operator, consent, and sign-up of management areas.</summary>
public sealed class TenantService(ITenants tenants, IRoleAssignments assignments, RoleSettingsService settings, IAuditLog audit, IUnitOfWork uow,
    AccessService access, Notifier notifier, IScopes scopes, TimeProvider time)
{
    public async Task<(Tenant Tenant, bool Created)> UpsertTenantAsync(Caller caller, string displayName, CancellationToken ct)
    {
        caller.RequireOperator();
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.FindAsync(caller.TenantId, ct) ?? Tenant.Create(caller.TenantId, displayName);
            tenant.Rename(displayName);
            var created = await tenants.UpsertAsync(tenant, now, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.TenantUpserted, "tenant", tenant.Id), ct);
            return (tenant, created);
        }, ct);
    }

    public async Task<ConsentStatus> GetConsentAsync(Caller caller, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        return new ConsentStatus(tenant.HasConsented, tenant.ConsentedAt, tenant.ConsentedBy);
    }

    /// <summary>
    /// An active Global Administrator consents to PIM. The first consenter becomes permanent active Privileged Role
    /// Administrator and Security Administrator; consenting again changes nothing.
    /// </summary>
    public async Task<ConsentStatus> ConsentAsync(Caller caller, CancellationToken ct)
    {
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            await access.EnsureHoldsAnyAsync(caller, [RoleCatalog.GlobalAdministrator], "Consenting to PIM", ct);
            var consenter = caller.RequirePrincipal();
            if (!tenant.Consent(consenter, now) || !await tenants.RecordConsentAsync(tenant, ct))
            {
                var current = await tenants.GetAsync(caller.TenantId, ct);
                return new ConsentStatus(true, current.ConsentedAt, current.ConsentedBy);
            }
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.ConsentGranted, "tenant", tenant.Id), ct);
            var held = (await assignments.ListForPrincipalAsync(tenant.Id, consenter, ct))
                .Where(a => a.PrincipalId == consenter && a.Scope == ScopePath.Root).Select(a => a.RoleId).ToHashSet();
            foreach (var roleId in new[] { RoleCatalog.PrivilegedRoleAdministrator, RoleCatalog.SecurityAdministrator }.Where(r => !held.Contains(r)))
            {
                var assignment = RoleAssignment.Create(tenant.Id, consenter, roleId, ScopePath.Root, AssignmentType.Active, now, null,
                    "Granted to the first consenter to PIM.", now, consenter, policy: null); // the bootstrap, by design (DESIGN §1)
                await assignments.InsertAsync(assignment, ct);
                await audit.AppendAsync(AssignmentService.AuditOf(caller, now, AuditActions.AssignmentCreated, assignment), ct);
                await notifier.AssignmentCreatedAsync(assignment, (await settings.EffectiveAsync(tenant.Id, roleId, ct)).Settings, ct);
            }
            return new ConsentStatus(true, now, consenter);
        }, ct);
    }

    public async Task<IReadOnlyList<SignUp>> ListSignUpsAsync(Caller caller, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        return (await tenants.GetAsync(caller.TenantId, ct)).SignUps;
    }

    public async Task<SignUp> GetSignUpAsync(Caller caller, string area, string scope, CancellationToken ct) =>
        (await ListSignUpsAsync(caller, ct)).FirstOrDefault(s => s.Area == area && s.Scope == scope)
        ?? throw Errors.NotFound($"Sign-up of '{area}' at '{scope}'");

    /// <summary>
    /// Signs up a management area; returns the sign-up and whether this call created it. Directory roles: an active
    /// Global or Privileged Role Administrator. Resources (a management group or subscription): an active Owner or User
    /// Access Administrator of that scope, or a Global Administrator.
    /// </summary>
    public async Task<(SignUp SignUp, bool Created)> SignUpAsync(Caller caller, string area, string? scope, CancellationToken ct)
    {
        var now = time.Now();
        scope ??= ScopePath.Root;
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            if (area == ManagementArea.DirectoryRoles)
            {
                if (scope != ScopePath.Root) throw new PimException(ErrorCodes.InvalidScope, "Directory roles are signed up at '/'.");
                await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Signing up directory roles for PIM", ct);
            }
            else
            {
                if (await scopes.FindAsync(tenant.Id, scope, ct) is not { Kind: ScopeKind.ManagementGroup or ScopeKind.Subscription })
                    throw new PimException(ErrorCodes.InvalidScope, $"Resources are signed up at a registered management group or subscription; '{scope}' is not one.");
                caller.RequirePrincipal();
                if (!await access.HoldsAnyAsync(caller, [RoleCatalog.GlobalAdministrator], ct)
                    && !await access.HoldsAnyAtAsync(caller, RoleCatalog.ResourceAdministrators, scope, ct))
                    throw Errors.Forbidden($"Signing up '{scope}' requires an active Owner or User Access Administrator of it, or a Global Administrator.");
            }
            var signUp = tenant.SignUp(area, scope, caller.RequirePrincipal(), now);
            if (signUp is null || !await tenants.AddSignUpAsync(tenant.Id, signUp, ct))
                return ((await tenants.GetAsync(tenant.Id, ct)).SignUps.First(s => s.Area == area && s.Scope == scope), false);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.SignUpCreated, "signUp", area) with { Scope = signUp.Scope }, ct);
            return (signUp, true);
        }, ct);
    }
}
