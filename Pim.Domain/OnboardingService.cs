namespace Pim.Domain;

public sealed record ConsentStatus(bool Consented, DateTimeOffset? ConsentedAt, string? ConsentedBy);

/// <summary>Bringing a tenant under PIM: directory sync by the operator, consent, and sign-up.</summary>
public sealed class OnboardingService(
    ITenants tenants, IPrincipals principals, IRoleAssignments assignments, IActivationRequests requests, IAuditLog audit, IUnitOfWork uow,
    AccessService access, Notifier notifier, IScopes scopes, GrantRevocation revocation, TimeProvider time)
{
    public async Task<(Tenant Tenant, bool Created)> UpsertTenantAsync(Caller caller, string displayName, CancellationToken ct)
    {
        EnsureOperator(caller);
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var tenant = await tenants.FindAsync(caller.TenantId, ct) ?? Tenant.Create(caller.TenantId, displayName);
        tenant.Rename(displayName);
        var created = await tenants.UpsertAsync(tenant, now, ct);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.TenantUpserted, "tenant", tenant.Id), ct);
        await tx.CommitAsync(ct);
        return (tenant, created);
    }

    public async Task<(Principal Principal, bool Created)> UpsertPrincipalAsync(Caller caller, Principal principal, CancellationToken ct)
    {
        EnsureOperator(caller);
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        await tenants.GetAsync(caller.TenantId, ct);
        if (principal.MemberOf.Count > 0)
        {
            var groups = await principals.FindManyAsync(caller.TenantId, principal.MemberOf, ct);
            var missing = principal.MemberOf.Except(groups.Where(g => g.Kind == PrincipalKind.Group).Select(g => g.Id)).ToList();
            if (missing.Count > 0)
                throw new PimException(ErrorCodes.UnknownPrincipal,
                    $"memberOf names principals that are not groups of this tenant: {string.Join(", ", missing)}. Sync groups before their members.");
        }
        if (principal is { Kind: PrincipalKind.Group, Enabled: false })
            throw Errors.InvalidField("accountEnabled", "A group is not disabled: delete it, or sync its members without it.");
        var created = await principals.UpsertAsync(principal, now, ct);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.PrincipalUpserted, "principal", principal.Id) with
        {
            PrincipalId = principal.Id,
            Details = principal.Enabled ? null : "{\"accountEnabled\":false}",
        }, ct);
        // A group left or an account disabled takes with it what stood on it.
        await revocation.RevokeLostAsync(caller, await requests.ListRecordedOpenByPrincipalAsync(caller.TenantId, principal.Id, ct), now, ct);
        await tx.CommitAsync(ct);
        return (principal, created);
    }

    /// <summary>
    /// Removes a principal (a leaver, a deleted group) with everything that stood on it: its assignments (audited), its
    /// memberships, and every open activation or waiting request it made or that was made through a group's eligibility.
    /// </summary>
    public async Task DeletePrincipalAsync(Caller caller, string principalId, CancellationToken ct)
    {
        EnsureOperator(caller);
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        await tenants.GetAsync(caller.TenantId, ct);
        var principal = await principals.FindAsync(caller.TenantId, principalId, ct) ?? throw Errors.NotFound($"Principal '{principalId}'");
        var affected = (await requests.ListRecordedOpenByPrincipalAsync(caller.TenantId, principalId, ct)).ToList();
        foreach (var assignment in await assignments.ListHeldByAsync(caller.TenantId, principalId, ct))
        {
            affected.AddRange(await requests.ListRecordedOpenByAssignmentAsync(caller.TenantId, assignment.Id, ct));
            await assignments.DeleteAsync(caller.TenantId, assignment.Id, ct);
            await audit.AppendAsync(AssignmentService.AuditOf(caller, now, AuditActions.AssignmentRemoved, assignment) with
            {
                Details = "{\"reason\":\"principal-deleted\"}",
            }, ct);
        }
        await principals.DeleteAsync(caller.TenantId, principalId, ct);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.PrincipalDeleted, "principal", principalId) with
        {
            PrincipalId = principalId,
            Details = $"{{\"kind\":\"{PrincipalKinds.ToText(principal.Kind)}\"}}",
        }, ct);
        await revocation.RevokeLostAsync(caller, affected, now, ct);
        await tx.CommitAsync(ct);
    }

    public async Task<Principal> GetPrincipalAsync(Caller caller, string principalId, CancellationToken ct)
    {
        if (!caller.Is(principalId))
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.DirectoryReaders, "Reading another principal", ct, operatorAllowed: true);
        return await principals.FindAsync(caller.TenantId, principalId, ct) ?? throw Errors.NotFound($"Principal '{principalId}'");
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
        await using var tx = await uow.BeginAsync(ct);
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, [RoleCatalog.GlobalAdministrator], "Consenting to PIM", ct);
        var consenter = caller.RequirePrincipal();
        if (tenant.Consent(consenter, now) && await tenants.RecordConsentAsync(tenant, ct))
        {
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.ConsentGranted, "tenant", tenant.Id), ct);
            var held = (await assignments.ListForPrincipalAsync(tenant.Id, consenter, ct))
                .Where(a => a.PrincipalId == consenter && a.Scope == Scopes.Root).Select(a => a.RoleId).ToHashSet();
            foreach (var roleId in new[] { RoleCatalog.PrivilegedRoleAdministrator, RoleCatalog.SecurityAdministrator }.Where(r => !held.Contains(r)))
            {
                var assignment = RoleAssignment.Create(tenant.Id, consenter, roleId, Scopes.Root, AssignmentType.Active, now, null,
                    "Granted to the first consenter to PIM.", now, consenter, policy: null); // the bootstrap, by design (DESIGN §1)
                await assignments.InsertAsync(assignment, ct);
                await audit.AppendAsync(AssignmentService.AuditOf(caller, now, AuditActions.AssignmentCreated, assignment), ct);
                await notifier.AssignmentCreatedAsync(assignment, ct);
            }
            await tx.CommitAsync(ct);
            return new ConsentStatus(true, now, consenter);
        }
        var current = await tenants.GetAsync(caller.TenantId, ct);
        return new ConsentStatus(true, current.ConsentedAt, current.ConsentedBy);
    }

    public async Task<IReadOnlyList<SignUp>> ListSignUpsAsync(Caller caller, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        return (await tenants.GetAsync(caller.TenantId, ct)).SignUps;
    }

    /// <summary>
    /// Signs up a management area; returns the sign-up and whether this call created it. Directory roles: an active
    /// Global or Privileged Role Administrator. Resources (a management group or subscription): an active Owner or User
    /// Access Administrator of that scope, or a Global Administrator.
    /// </summary>
    public async Task<(SignUp SignUp, bool Created)> SignUpAsync(Caller caller, string area, string? scope, CancellationToken ct)
    {
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        scope ??= Scopes.Root;
        if (area == ManagementArea.DirectoryRoles)
        {
            if (scope != Scopes.Root) throw new PimException(ErrorCodes.InvalidScope, "Directory roles are signed up at '/'.");
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
        await tx.CommitAsync(ct);
        return (signUp, true);
    }

    /// <summary>The role catalog, as a caller of the tenant sees it.</summary>
    public async Task<IReadOnlyList<RoleDefinition>> RolesAsync(Caller caller, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        await tenants.GetAsync(caller.TenantId, ct);
        return RoleCatalog.All;
    }

    private static void EnsureOperator(Caller caller)
    {
        if (caller.IsOperator) return;
        caller.RequirePrincipal();
        throw Errors.Forbidden($"Directory sync requires the '{TokenFacts.OperatorScope}' scope.");
    }
}
