namespace Pim.Domain;

public sealed record NewAssignment(string PrincipalId, string RoleId, string Scope, AssignmentType Type,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Justification);

public sealed record RoleMember(RoleAssignment Assignment, Principal? Principal);

/// <summary>Eligible and active role assignments: directory sync, "make eligible", and a role's members.</summary>
public sealed class AssignmentService(
    ITenants tenants, IPrincipals principals, IRoleAssignments assignments, IActivationRequests activations,
    RoleSettingsService settings, IAuditLog audit, IUnitOfWork uow, AccessService access, Notifier notifier, IAssignmentUsage usage,
    IScopes scopes, GrantRevocation revocation, ICustomRoles roles, TimeProvider time)
{
    /// <summary>
    /// Creates an assignment. The operator may create active assignments at any time (directory sync mirrors the
    /// directory as it is); everything else is PIM administration and needs consent, sign-up and an active administrator.
    /// </summary>
    public async Task<RoleAssignment> CreateAsync(Caller caller, NewAssignment request, CancellationToken ct)
    {
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetForUpdateAsync(caller.TenantId, ct);
            caller.RequireOperatorOrPrincipal(); // a stranger learns nothing of the tenant's roles
            var role = await roles.GetNamedRoleAsync(tenant.Id, request.RoleId, ct);
            role.EnsureScopeFits(request.Scope);
            await scopes.AncestorsOrRootAsync(tenant.Id, request.Scope, ct); // the scope must be registered
            var directorySync = caller.IsOperator && request.Type == AssignmentType.Active;
            var governing = await settings.PolicyAtAsync(tenant.Id, request.RoleId, request.Scope, ct);
            var policy = governing.Settings;
            if (!directorySync)
            {
                await EnsureAdministratorAsync(caller, tenant, role, request.Scope, "Assigning eligible or time-bound roles", ct);
                await EnsureNotForSelfAsync(caller, request.PrincipalId, ct);
                await EnsureMayConferAsync(caller, governing, role.Id, request.Scope, ct);
            }
            if (await principals.FindAsync(tenant.Id, request.PrincipalId, ct) is not { } assignee)
                throw new PimException(ErrorCodes.UnknownPrincipal, $"Principal '{request.PrincipalId}' does not exist in tenant '{tenant.Id}'.");
            // Groups nest in the directory (memberOf), where cycles and depth are checked; PIM gives membership to users and
            // services, and a group may only hold it eligibly (for its own members to activate), never in a circle.
            if (assignee.Kind == PrincipalKind.Group && request.RoleId == RoleCatalog.Member)
            {
                if (request.Type == AssignmentType.Active) throw GroupsNestInTheDirectory(request.PrincipalId);
                await EnsureNoEligibilityCycleAsync(tenant.Id, assignee.Id, request.Scope, now, ct);
            }
            if ((await assignments.ListHeldByAsync(tenant.Id, request.PrincipalId, ct)).Count >= RoleAssignment.MaximumPerPrincipal)
                throw new PimException(ErrorCodes.LimitReached,
                    $"Principal '{request.PrincipalId}' has {RoleAssignment.MaximumPerPrincipal} assignments, as many as one principal may hold; remove one first.");

            // Directory sync mirrors the directory as it is: its active assignments are not held to PIM's assignment rules.
            var assignment = governing.Decide(role.Id, request.Scope, () => RoleAssignment.Create(tenant.Id, request.PrincipalId, request.RoleId,
                request.Scope, request.Type, request.StartsAt ?? now, request.EndsAt, request.Justification, now, caller.ActorId,
                directorySync ? null : policy, directorySync, policy.Notifications.ExpiryWarnings.Assignment, governing.GovernedBy));
            await assignments.InsertAsync(assignment, ct);
            await audit.AppendAsync(AuditOf(caller, now, AuditActions.AssignmentCreated, assignment) with { Details = GovernedDetails(governing) }, ct);
            // A group (and every group nested in it) now confers this role too: memberships granted through PIM under less end.
            if (assignee.Kind == PrincipalKind.Group && request.RoleId != RoleCatalog.Member)
                await revocation.EndOutgrownAsync(caller, [assignee.Id], now, ct);
            await notifier.AssignmentCreatedAsync(assignment, policy, ct);
            await notifier.ConferringAssignmentCreatedAsync(assignment, governing.GovernedBy, ct);
            return assignment;
        }, ct);
    }

    public async Task<RoleAssignment> GetAsync(Caller caller, string assignmentId, CancellationToken ct)
    {
        var assignment = await assignments.FindAsync(caller.TenantId, assignmentId, ct) ?? throw AssignmentNotFound(assignmentId);
        if (!caller.Is(assignment.PrincipalId))
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.DirectoryReaders, "Reading role assignments", ct, operatorAllowed: true);
        return assignment;
    }

    public async Task<Page<RoleAssignment>> ListAsync(Caller caller, AssignmentFilter filter, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        if (!(filter.PrincipalId is { } own && caller.Is(own)))
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.DirectoryReaders, "Listing role assignments", ct, operatorAllowed: true);
        if (!caller.IsOperator) tenant.EnsureConsented();
        var items = await assignments.ListAsync(tenant.Id, filter with { PageSize = filter.PageSize + 1 }, ct);
        return Paging.Of(items, filter.PageSize, a => a.Id);
    }

    /// <summary>A role's members: who holds it eligibly or actively, and for which window.</summary>
    public async Task<Page<RoleMember>> MembersAsync(Caller caller, string roleId, string? after, int pageSize, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.DirectoryReaders, "Listing a role's members", ct, operatorAllowed: true);
        var role = await roles.GetRoleAsync(tenant.Id, roleId, ct);
        if (!caller.IsOperator) tenant.EnsureManaged(role, [ScopePath.Root]);
        var page = Paging.Of(await assignments.ListAsync(tenant.Id, new AssignmentFilter(null, roleId, null, after, pageSize + 1), ct), pageSize, a => a.Id);
        var byId = (await principals.FindManyAsync(tenant.Id, page.Items.Select(a => a.PrincipalId).Distinct().ToList(), ct)).ToDictionary(p => p.Id);
        return new Page<RoleMember>(page.Items.Select(a => new RoleMember(a, byId.GetValueOrDefault(a.PrincipalId))).ToList(), page.NextPageToken);
    }

    /// <summary>Removes an assignment; open activations made through an eligibility end with it (revoked).</summary>
    public async Task RemoveAsync(Caller caller, string assignmentId, CancellationToken ct)
    {
        var now = time.Now();
        await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            caller.RequireOperatorOrPrincipal();
            var assignment = await assignments.FindAsync(tenant.Id, assignmentId, ct) ?? throw AssignmentNotFound(assignmentId);
            if (!caller.IsOperator) // the operator: directory sync
                await EnsureAdministratorAsync(caller, tenant, await roles.GetRoleAsync(tenant.Id, assignment.RoleId, ct), assignment.Scope, "Removing role assignments", ct);
            if (!await RemoveWithinAsync(caller, assignment, null, now, ct)) throw AssignmentNotFound(assignmentId);
        }, ct);
    }

    /// <summary>
    /// Warns the holders and role administrators of assignments, in any tenant, that end soon (the role's
    /// <c>notifications.beforeExpiry.assignment</c>), once each even with several sweepers. Returns how many were due.
    /// </summary>
    public Task<int> WarnOfExpiryAsync(int limit, CancellationToken ct)
    {
        var now = time.Now();
        return uow.RunAsync<int>(async () =>
        {
            var due = await assignments.ClaimExpiryWarningsDueAsync(now, limit, ct);
            var warned = due.Where(a => a.TakeExpiryWarning(now)).ToList();
            await assignments.SaveExpiryWarningsAsync(due, ct);
            foreach (var assignment in warned)
            {
                await audit.AppendAsync(AuditOf(Caller.System(assignment.TenantId), now, AuditActions.AssignmentExpiringSoon, assignment) with
                {
                    Details = System.Text.Json.JsonSerializer.Serialize(new { endsAt = assignment.EndsAt }),
                }, ct);
                await notifier.AssignmentExpiringSoonAsync(assignment, ct);
            }
            return due.Count;
        }, ct);
    }

    /// <summary>
    /// The removal itself, in the caller's unit of work (the caller is authorized already): the assignment goes, audited
    /// (with <paramref name="details"/>, e.g. why), and the open activations made through it are revoked. False when it was gone.
    /// </summary>
    public async Task<bool> RemoveWithinAsync(Caller caller, RoleAssignment assignment, string? details, DateTimeOffset now, CancellationToken ct)
    {
        var through = await activations.ListRecordedOpenByAssignmentAsync(assignment.TenantId, assignment.Id, ct);
        if (!await assignments.DeleteAsync(assignment.TenantId, assignment.Id, ct)) return false;
        await audit.AppendAsync(AuditOf(caller, now, AuditActions.AssignmentRemoved, assignment) with { Details = details }, ct);
        await revocation.RevokeLostAsync(caller, through, now, ct);
        // An active group membership removed: what its member activated through it goes too.
        await revocation.EndDependentsAsync(caller, assignment.PrincipalId, assignment.RoleId, assignment.Scope, now, ct);
        return true;
    }

    /// <summary>Who relied on the assignment, and when last.</summary>
    public async Task<IReadOnlyList<AssignmentUse>> UsageAsync(Caller caller, string assignmentId, CancellationToken ct)
    {
        await GetAsync(caller, assignmentId, ct);
        return (await usage.ListAsync(caller.TenantId, assignmentId, ct)).Take(AssignmentUse.MaximumListed).ToList();
    }

    /// <summary>
    /// "Make eligible": the standing right ends now; the principal must activate to hold the role again. Scripts and
    /// services that relied on it in the last 30 days are named in warnings; a dry run changes nothing.
    /// </summary>
    public async Task<MakeEligibleOutcome> MakeEligibleAsync(Caller caller, string assignmentId, bool dryRun, CancellationToken ct)
    {
        var assignment = await ChangeTypeAsync(caller, assignmentId, (a, policy, now) => a.MakeEligible(policy, now),
            AuditActions.AssignmentMadeEligible, ct, dryRun);
        var since = time.Now() - MakeEligibleOutcome.Lookback;
        var recent = (await usage.ListAsync(caller.TenantId, assignmentId, ct)).Where(u => u.NonInteractive && u.LastUsedAt >= since)
            .Take(AssignmentUse.MaximumListed).ToList();
        var warnings = recent.Select(u =>
            $"{(u.ClientKind == AssignmentUse.ServiceKind ? "Service" : "Service principal")} '{u.ClientId}' relied on this assignment " +
            $"{u.Uses} time(s), last at {u.LastUsedAt:O}; it loses access until '{assignment.PrincipalId}' activates '{assignment.RoleId}'.").ToList();
        return new MakeEligibleOutcome(assignment, dryRun, recent, warnings);
    }

    public Task<RoleAssignment> MakeActiveAsync(Caller caller, string assignmentId, CancellationToken ct) =>
        ChangeTypeAsync(caller, assignmentId, (a, policy, now) => a.MakeActive(policy, now), AuditActions.AssignmentMadeActive, ct);

    private async Task<RoleAssignment> ChangeTypeAsync(Caller caller, string assignmentId, Action<RoleAssignment, RoleSettings, DateTimeOffset> change,
        string action, CancellationToken ct, bool dryRun = false)
    {
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            caller.RequirePrincipal();
            var assignment = await assignments.FindAsync(tenant.Id, assignmentId, ct) ?? throw AssignmentNotFound(assignmentId);
            await EnsureAdministratorAsync(caller, tenant, await roles.GetRoleAsync(tenant.Id, assignment.RoleId, ct), assignment.Scope, "Changing role assignments", ct);
            var governing = await settings.PolicyAtAsync(tenant.Id, assignment.RoleId, assignment.Scope, ct);
            await EnsureMayConferAsync(caller, governing, assignment.RoleId, assignment.Scope, ct);
            if (action == AuditActions.AssignmentMadeActive)
            {
                await EnsureNotForSelfAsync(caller, assignment.PrincipalId, ct);
                if (assignment.RoleId == RoleCatalog.Member && (await principals.FindAsync(tenant.Id, assignment.PrincipalId, ct))?.Kind == PrincipalKind.Group)
                    throw GroupsNestInTheDirectory(assignment.PrincipalId);
            }
            var version = assignment.Version;
            governing.Decide(assignment.RoleId, assignment.Scope, () => change(assignment, governing.Settings, now));
            assignment.GovernedNowBy(governing.GovernedBy);
            if (dryRun) return assignment; // every check ran; nothing is written
            if (!await assignments.UpdateTypeAsync(assignment, version, ct))
                throw new PimException(ErrorCodes.Conflict, $"Assignment '{assignmentId}' was changed by another request; read it again.");
            await audit.AppendAsync(AuditOf(caller, now, action, assignment), ct);
            // Activations made through an eligibility that is now standing access stand on nothing: they end.
            await revocation.RevokeLostAsync(caller, await activations.ListRecordedOpenByAssignmentAsync(tenant.Id, assignment.Id, ct), now, ct);
            await revocation.EndDependentsAsync(caller, assignment.PrincipalId, assignment.RoleId, assignment.Scope, now, ct);
            return assignment;
        }, ct);
    }

    /// <summary>
    /// Nobody grants a role to themselves, or to a group they are a member of (in any way): every grant has a second
    /// person. The consent bootstrap (<see cref="TenantService"/>) is the one named exception; directory sync is the operator's.
    /// </summary>
    private async Task EnsureNotForSelfAsync(Caller caller, string principalId, CancellationToken ct)
    {
        if (caller.PrincipalId is not { } me) return;
        if (me != principalId && (await principals.FindAsync(caller.TenantId, me, ct))?.IsMemberOf(principalId) != true) return;
        throw new PimException(ErrorCodes.SelfAssignmentForbidden, me == principalId
            ? "Nobody grants a role to themselves: ask another administrator."
            : $"Nobody grants a role to a group they are a member of, and you are a member of '{principalId}': ask another administrator.");
    }

    /// <summary>
    /// Granting a group's membership or ownership grants what the group confers (<see cref="GoverningPolicy"/>): only who
    /// may assign every one of those roles may grant it — for a group that confers Global Administrator, the Global and
    /// Privileged Role Administrators; a group's owner only where the group confers nothing beyond what the owner could assign.
    /// </summary>
    private async Task EnsureMayConferAsync(Caller caller, GoverningPolicy governing, string roleId, string scope, CancellationToken ct)
    {
        foreach (var conferred in governing.GovernedBy.DistinctBy(g => (g.RoleId, g.Scope)))
            if (await roles.FindRoleAsync(caller.TenantId, conferred.RoleId, ct) is { } role) // a role gone confers nothing
                await access.EnsureAdministersAsync(caller, role, conferred.Scope,
                    $"Granting '{roleId}' at '{scope}', which confers '{conferred.RoleId}' at '{conferred.Scope}' (held by '{conferred.GroupId}'),", ct);
    }

    /// <summary>
    /// A group eligible for a group's membership lets its members become members of that group (and of every group that
    /// one is nested in). A group may not be eligible for its own membership, nor for one that leads back to it — through
    /// other groups' eligibilities or nesting — however many groups the circle passes.
    /// </summary>
    private async Task EnsureNoEligibilityCycleAsync(string tenantId, string groupId, string scope, DateTimeOffset now, CancellationToken ct)
    {
        var target = ScopePath.GroupOf(scope)!;
        var eligibleFor = (await assignments.ListGroupEligibilitiesForMembershipAsync(tenantId, now, ct))
            .ToLookup(a => a.PrincipalId, a => ScopePath.GroupOf(a.Scope)!);
        var reached = new HashSet<string>(StringComparer.Ordinal) { target };
        for (var frontier = new List<string> { target }; frontier.Count > 0;)
        {
            var next = new List<string>();
            foreach (var group in await principals.FindManyAsync(tenantId, frontier, ct))
                foreach (var member in group.DirectoryMemberOf.Prepend(group.Id))
                    foreach (var into in eligibleFor[member].Prepend(member))
                        if (reached.Add(into)) next.Add(into);
            if (reached.Contains(groupId))
                throw new PimException(ErrorCodes.EligibilityCycle, groupId == target
                    ? $"Group '{groupId}' cannot be eligible for its own membership."
                    : $"Group '{groupId}' cannot be eligible for the membership of '{target}': that membership leads back to '{groupId}' (through nesting or other groups' eligibilities).");
            frontier = next;
        }
    }

    /// <summary>The audit details of a grant held to what it confers: which roles.</summary>
    private static string? GovernedDetails(GoverningPolicy governing) =>
        governing.Composed ? System.Text.Json.JsonSerializer.Serialize(new { governedBy = governing.GovernedBy }, DetailsJson) : null;

    private static readonly System.Text.Json.JsonSerializerOptions DetailsJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static PimException GroupsNestInTheDirectory(string groupId) => new(ErrorCodes.InvalidScope,
        $"'{groupId}' is a group: a group becomes a member of another group in the directory (memberOf), not through PIM.");

    /// <summary>PIM administration of a role at a scope, where PIM manages it (signed up).</summary>
    private async Task EnsureAdministratorAsync(Caller caller, Tenant tenant, RoleDefinition role, string scope, string what, CancellationToken ct)
    {
        await access.EnsureAdministersAsync(caller, role, scope, what, ct);
        tenant.EnsureManaged(role, await scopes.AncestorsOrRootAsync(tenant.Id, scope, ct));
    }

    private static PimException AssignmentNotFound(string id) => Errors.NotFound($"Role assignment '{id}'");

    public static AuditEvent AuditOf(Caller caller, DateTimeOffset now, string action, RoleAssignment assignment) =>
        AuditEvent.For(caller, now, action, "roleAssignment", assignment.Id) with
        {
            PrincipalId = assignment.PrincipalId,
            RoleId = assignment.RoleId,
            Scope = assignment.Scope,
            Justification = assignment.Justification,
        };
}
