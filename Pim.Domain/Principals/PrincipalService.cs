namespace Pim.Domain;

/// <summary>The directory's principals as the operator syncs them: users, guests, service principals and groups, and leavers.</summary>
public sealed class PrincipalService(ITenants tenants, IPrincipals principals, IRoleAssignments assignments, IActivationRequests requests,
    IAuditLog audit, IUnitOfWork uow, AccessService access, GrantRevocation revocation, TimeProvider time)
{
    public async Task<(Principal Principal, bool Created)> UpsertAsync(Caller caller, Principal principal, CancellationToken ct)
    {
        caller.RequireOperator();
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
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
            return (principal, created);
        }, ct);
    }

    /// <summary>
    /// Removes a principal (a leaver, a deleted group) with everything that stood on it: its assignments (audited), its
    /// memberships, and every open activation or waiting request it made or that was made through a group's eligibility.
    /// </summary>
    public async Task DeleteAsync(Caller caller, string principalId, CancellationToken ct)
    {
        caller.RequireOperator();
        var now = time.Now();
        await uow.RunAsync(async () =>
        {
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
        }, ct);
    }

    public async Task<Principal> GetAsync(Caller caller, string principalId, CancellationToken ct)
    {
        if (!caller.Is(principalId))
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.DirectoryReaders, "Reading another principal", ct, operatorAllowed: true);
        return await principals.FindAsync(caller.TenantId, principalId, ct) ?? throw Errors.NotFound($"Principal '{principalId}'");
    }
}
