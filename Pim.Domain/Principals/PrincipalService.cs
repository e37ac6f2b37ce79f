using System.Text.Json;

namespace Pim.Domain;

/// <summary>
/// The directory's principals as the operator and provisioning clients (SCIM) keep them: users, guests, service
/// principals and groups, nested groups, leavers, and reading the directory.
/// <list type="bullet">
/// <item>Memberships are transitive: a member of a group that is a member of another group is a member of both
/// (<see cref="Principal.TransitiveMemberOf"/>). A write that would make a group its own member is refused
/// (<c>membership-cycle</c>), as is one that nests deeper than <see cref="Principal.MaximumNestingDepth"/> or gives a
/// principal more than <see cref="Principal.MaximumTransitiveMemberOf"/> groups (<c>limit-reached</c>). Every write
/// of memberships holds the tenant (one at a time per tenant), so that two racing writes cannot make a cycle together.</item>
/// <item>Leavers: a principal disabled holds nothing until it is enabled again — its open activations are revoked and
/// its waiting requests canceled at once, its assignments suspended (they grant nothing, and count again once it is
/// enabled); a principal deleted loses its assignments too. Each is audited with the reason, and the role
/// administrators are told.</item>
/// <item>Whatever a write takes away (a group left, directly or further up, a group deleted) ends the grants that stood
/// on it (<see cref="GrantRevocation"/>).</item>
/// <item>Whichever API writes it, a principal's values are held to <see cref="PrincipalValues"/> (one email address, names
/// of one line), and its audit records the old and new values of what changed.</item>
/// <item>A group is a scope, <c>/groups/{groupId}</c>: deleted, it takes with it what was kept about that scope
/// (<see cref="ScopeRemoval"/>), so that a new group of the same id inherits nothing; and a group never becomes another
/// kind of principal, nor another principal a group (its scope would come and go with what was kept about it).</item>
/// </list>
/// </summary>
public sealed class PrincipalService(ITenants tenants, IPrincipals principals, IRoleAssignments assignments, IActivationRequests requests,
    IAuditLog audit, IUnitOfWork uow, AccessService access, GrantRevocation revocation, ScopeRemoval scopeRemoval, Notifier notifier, TimeProvider time)
{
    /// <summary>
    /// Directory sync: creates or replaces the principal with its direct groups (<see cref="Principal.MemberOf"/>). What a
    /// provisioning client keeps of it (userName, externalId, attributes) stays as it is.
    /// </summary>
    public async Task<(Principal Principal, bool Created)> UpsertAsync(Caller caller, Principal principal, CancellationToken ct)
    {
        caller.RequireOperator();
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var before = await HoldAsync(caller, principal.Id, ct);
            var next = principal with { UserName = before?.UserName, ExternalId = before?.ExternalId, Attributes = before?.Attributes };
            var old = before?.MemberOf ?? [];
            var saved = await SaveAsync(caller, next, before,
                principal.MemberOf.Except(old).Select(g => (principal.Id, g)).ToList(),
                old.Except(principal.MemberOf).Select(g => (principal.Id, g)).ToList(), now, ct);
            return (saved, before is null);
        }, ct);
    }

    /// <summary>Provisioning (SCIM POST): a new principal, and for a group its members; <c>not-unique</c> when the id is taken.</summary>
    public async Task<Principal> CreateAsync(Caller caller, Principal principal, MemberChange members, CancellationToken ct)
    {
        caller.RequireOperator();
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            if (await HoldAsync(caller, principal.Id, ct) is not null)
                throw new PimException(ErrorCodes.NotUnique, $"A principal '{principal.Id}' already exists in the directory.");
            var (added, removed) = await MemberEdgesAsync(caller, principal, members, ct);
            return await SaveAsync(caller, principal with { MemberOf = [], TransitiveMemberOf = [], DirectoryMemberOf = [] }, null, added, removed, now, ct);
        }, ct);
    }

    /// <summary>
    /// Provisioning (SCIM PUT and PATCH): replaces a principal of <paramref name="principal"/>'s kind (another kind is
    /// "not found"), and changes a group's members; its own groups stay. With <paramref name="expectedVersion"/>, only
    /// while the principal is still at that version (<c>precondition-failed</c>).
    /// </summary>
    /// <param name="keepEnabled">The write does not say whether the principal is enabled (a SCIM PUT or PATCH without
    /// <c>active</c>): it stays as it is — a suspended user is not enabled again by an omission.</param>
    public async Task<Principal> ReplaceAsync(Caller caller, Principal principal, int? expectedVersion, MemberChange members, CancellationToken ct,
        bool keepEnabled = false)
    {
        caller.RequireOperator();
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var before = await HoldAsync(caller, principal.Id, ct);
            if (before is null || before.Kind != principal.Kind) throw Errors.NotFound($"Principal '{principal.Id}'");
            EnsureVersion(before, expectedVersion);
            var (added, removed) = await MemberEdgesAsync(caller, principal, members, ct);
            var kept = principal with
            {
                MemberOf = before.MemberOf, TransitiveMemberOf = before.TransitiveMemberOf, DirectoryMemberOf = before.DirectoryMemberOf,
                Enabled = keepEnabled ? before.Enabled : principal.Enabled,
            };
            return await SaveAsync(caller, kept, before, added, removed, now, ct);
        }, ct);
    }

    /// <summary>
    /// Removes a principal (a leaver, a deleted group) with everything that stood on it: its open activations (revoked)
    /// and waiting requests (canceled), its assignments (audited), its memberships — and, for a group, every open
    /// activation or waiting request made through its eligibility or that of a group above it, the assignments of its own
    /// roles (members and owners at <c>/groups/{groupId}</c>) with the requests made through them, and what was kept about
    /// its scope (<see cref="ScopeRemoval"/>: role settings, access reviews, alert incidents). With
    /// <paramref name="kind"/>, only a principal of that kind; with <paramref name="expectedVersion"/>, only at that version.
    /// </summary>
    public async Task DeleteAsync(Caller caller, string principalId, PrincipalKind? kind, int? expectedVersion, CancellationToken ct)
    {
        caller.RequireOperator();
        var now = time.Now();
        await uow.RunAsync(async () =>
        {
            var principal = await HoldAsync(caller, principalId, ct);
            if (principal is null || (kind is not null && principal.Kind != kind)) throw Errors.NotFound($"Principal '{principalId}'");
            EnsureVersion(principal, expectedVersion);
            var (revoked, canceled) = await revocation.EndAllAsync(caller,
                await requests.ListRecordedOpenByPrincipalsAsync(caller.TenantId, [principalId], ct), RevocationReasons.PrincipalDeleted, now, ct);
            var throughIt = new List<ActivationRequest>();
            var held = await assignments.ListHeldByAsync(caller.TenantId, principalId, ct);
            // A group's own roles go with it; their holders lose what they held through a membership of it.
            var ofIt = principal.Kind == PrincipalKind.Group ? await assignments.ListAtScopeAsync(caller.TenantId, ScopePath.Group(principalId), ct) : [];
            held = [.. held, .. ofIt];
            foreach (var assignment in held)
            {
                throughIt.AddRange(await requests.ListRecordedOpenByAssignmentAsync(caller.TenantId, assignment.Id, ct));
                await assignments.DeleteAsync(caller.TenantId, assignment.Id, ct);
                await audit.AppendAsync(AssignmentService.AuditOf(caller, now, AuditActions.AssignmentRemoved, assignment) with
                {
                    Details = $"{{\"reason\":\"{RevocationReasons.PrincipalDeleted}\"}}",
                }, ct);
            }
            var members = principal.Kind == PrincipalKind.Group ? await principals.ListDirectMembersAsync(caller.TenantId, principalId, ct) : [];
            var scope = principal.Kind == PrincipalKind.Group
                ? await scopeRemoval.RemoveAsync(caller, ScopePath.Group(principalId), RevocationReasons.PrincipalDeleted, now, ct)
                : new ScopeRemoval.Removed(0, 0, 0);
            await principals.DeleteAsync(caller.TenantId, principalId, ct);
            // Its members, and theirs, are no longer members of it nor of the groups above it.
            var affected = members.Count == 0 ? []
                : (await principals.RebuildClosureAsync(caller.TenantId, members.Select(m => m.Id).ToList(), Principal.MaximumNestingDepth, ct)).Affected;
            await principals.TouchAsync(caller.TenantId, [.. affected, .. principal.MemberOf], now, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.PrincipalDeleted, "principal", principalId) with
            {
                PrincipalId = principalId,
                Details = JsonSerializer.Serialize(new
                {
                    kind = PrincipalKinds.ToText(principal.Kind), reason = RevocationReasons.PrincipalDeleted, assignmentsRemoved = held.Count,
                    activationsRevoked = revoked, requestsCanceled = canceled, members = members.Count, roleSettingsRemoved = scope.Settings,
                    accessReviewsRemoved = scope.Reviews, alertsResolved = scope.Alerts, oldValue = PrincipalChanges.Facts(principal), newValue = (object?)null,
                }, PrincipalChanges.Json),
            }, ct);
            await revocation.RevokeLostAsync(caller,
                [.. throughIt, .. await OpenRequestsOfAsync(caller.TenantId, [.. affected, .. ofIt.Select(a => a.PrincipalId).Distinct()], ct)], now, ct);
            if (held.Count + revoked + canceled > 0)
                await notifier.DirectoryChangedAsync(principal, "left",
                    [$"Assignments removed: {held.Count}", $"Activations revoked: {revoked}", $"Requests canceled: {canceled}"], ct);
        }, ct);
    }

    public async Task<Principal> GetAsync(Caller caller, string principalId, CancellationToken ct)
    {
        if (!caller.Is(principalId)) await EnsureReaderAsync(caller, ct);
        return await principals.FindAsync(caller.TenantId, principalId, ct) ?? throw Errors.NotFound($"Principal '{principalId}'");
    }

    /// <summary>A page of the directory, in id order after <see cref="PrincipalQuery.After"/>: directory readers and the operator.</summary>
    public async Task<Page<Principal>> ListAsync(Caller caller, PrincipalQuery query, CancellationToken ct)
    {
        await EnsureReaderAsync(caller, ct);
        await tenants.GetAsync(caller.TenantId, ct);
        var rows = await principals.ListAsync(caller.TenantId, query with { Limit = query.Limit + 1 }, ct);
        return Paging.Of(rows, query.Limit, p => p.Id);
    }

    /// <summary>Provisioning (SCIM): the principals a query matches from its offset, and how many it matches in all.</summary>
    public async Task<(IReadOnlyList<Principal> Items, int Total)> SearchAsync(Caller caller, PrincipalQuery query, CancellationToken ct)
    {
        caller.RequireOperator();
        await tenants.GetAsync(caller.TenantId, ct);
        var total = await principals.CountAsync(caller.TenantId, query, ct);
        return (query.Limit == 0 || query.Offset >= total ? [] : await principals.ListAsync(caller.TenantId, query, ct), total);
    }

    /// <summary>The groups of a principal, direct and inherited (with the depth and the direct group each comes through).</summary>
    public async Task<IReadOnlyList<Membership>> MembershipsAsync(Caller caller, string principalId, CancellationToken ct)
    {
        await GetAsync(caller, principalId, ct);
        return await principals.ListMembershipsAsync(caller.TenantId, principalId, ct);
    }

    /// <summary>The display names of the principals of the tenant among <paramref name="principalIds"/> (SCIM's <c>display</c>).</summary>
    public async Task<IReadOnlyDictionary<string, string>> DisplayNamesAsync(Caller caller, IReadOnlyCollection<string> principalIds, CancellationToken ct)
    {
        caller.RequireOperator();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in principalIds.Distinct().Chunk(500))
            foreach (var principal in await principals.FindManyAsync(caller.TenantId, chunk, ct))
                names[principal.Id] = principal.DisplayName;
        return names;
    }

    /// <summary>The direct members of a group (SCIM's <c>members</c>).</summary>
    public async Task<IReadOnlyList<GroupMember>> MembersAsync(Caller caller, string groupId, CancellationToken ct)
    {
        caller.RequireOperator();
        return await principals.ListDirectMembersAsync(caller.TenantId, groupId, ct);
    }

    private Task EnsureReaderAsync(Caller caller, CancellationToken ct) =>
        access.EnsureHoldsAnyAsync(caller, RoleCatalog.DirectoryReaders, "Reading the directory", ct, operatorAllowed: true);

    /// <summary>
    /// Holds the tenant for the unit of work (every directory write of a tenant runs alone: memberships are checked for
    /// cycles, and userNames for uniqueness, against what no other write is changing) and reads the principal as it is.
    /// </summary>
    private async Task<Principal?> HoldAsync(Caller caller, string principalId, CancellationToken ct)
    {
        await tenants.GetForUpdateAsync(caller.TenantId, ct);
        return await principals.FindAsync(caller.TenantId, principalId, ct);
    }

    private static void EnsureVersion(Principal principal, int? expectedVersion)
    {
        if (expectedVersion is { } version && version != principal.Version)
            throw new PimException(ErrorCodes.PreconditionFailed,
                $"Principal '{principal.Id}' is at version {principal.Version}, not {version}: read it again.");
    }

    /// <summary>A group's member change as memberships (member, group) to add and to remove.</summary>
    private async Task<(List<(string, string)> Added, List<(string, string)> Removed)> MemberEdgesAsync(Caller caller, Principal group,
        MemberChange change, CancellationToken ct)
    {
        if (change.IsEmpty) return ([], []);
        if (group.Kind != PrincipalKind.Group) throw Errors.InvalidField("members", "Only a group has members.");
        var current = change.Replace ? (await principals.ListDirectMembersAsync(group.TenantId, group.Id, ct)).Select(m => m.Id).ToHashSet() : [];
        var add = change.Add.Distinct().Where(id => !current.Contains(id)).ToList();
        var remove = change.Replace ? current.Except(change.Add).ToList() : change.Remove.Distinct().Except(add).ToList();
        return (add.Select(m => (m, group.Id)).ToList(), remove.Select(m => (m, group.Id)).ToList());
    }

    /// <summary>
    /// Writes a principal and the memberships that change with it, under the tenant's hold: what they must be (groups that
    /// exist, no cycle, within the bounds), the closure of memberships worked out again for everyone it changes, each
    /// membership audited, an account disabled or enabled again, and the grants whose basis went revoked.
    /// </summary>
    private async Task<Principal> SaveAsync(Caller caller, Principal principal, Principal? before, List<(string Member, string Group)> added,
        List<(string Member, string Group)> removed, DateTimeOffset now, CancellationToken ct)
    {
        PrincipalValues.Ensure(principal);
        if (principal is { Kind: PrincipalKind.Group, Enabled: false })
            throw Errors.InvalidField("accountEnabled", "A group is not disabled: delete it, or sync its members without it.");
        if (before is not null && (before.Kind == PrincipalKind.Group) != (principal.Kind == PrincipalKind.Group))
            throw Errors.InvalidField("kind", before.Kind == PrincipalKind.Group
                ? $"'{principal.Id}' is a group: a group does not become another kind of principal. Delete it, then sync the new principal."
                : $"'{principal.Id}' is a {PrincipalKinds.ToText(before.Kind)}: it does not become a group. Delete it, then sync the group.");
        var taken = await principals.FindTakenAsync(caller.TenantId, principal.Id,
            principal.UserName == before?.UserName ? null : principal.UserName, principal.ExternalId == before?.ExternalId ? null : principal.ExternalId, ct);
        if (taken.Count > 0)
            throw new PimException(ErrorCodes.NotUnique, $"Another principal of the directory already has this {string.Join(" and ", taken)}.",
                taken.ToDictionary(t => t, t => new[] { $"'{t}' is another principal's already." }));
        await EnsureMembershipsMayBeAddedAsync(principal, added, ct);

        await principals.UpsertAsync(principal, now, ct);
        var affected = new List<string>();
        if (added.Count + removed.Count > 0)
        {
            await principals.WriteMembershipsAsync(principal.TenantId, added, removed, ct);
            foreach (var (action, edges) in new[] { (AuditActions.MembershipAdded, added), (AuditActions.MembershipRemoved, removed) })
                foreach (var (member, group) in edges)
                    await audit.AppendAsync(AuditEvent.For(caller, now, action, "group", group) with
                    {
                        PrincipalId = member,
                        Details = $"{{\"groupId\":\"{group}\",\"memberId\":\"{member}\"}}",
                    }, ct);
            var rebuild = await principals.RebuildClosureAsync(principal.TenantId, added.Concat(removed).Select(e => e.Member).Distinct().ToList(),
                Principal.MaximumNestingDepth, ct);
            if (rebuild.Deepest > Principal.MaximumNestingDepth)
                throw new PimException(ErrorCodes.LimitReached,
                    $"Groups would nest deeper than {Principal.MaximumNestingDepth} memberships in a row; flatten them first.");
            if (rebuild.Widest > Principal.MaximumTransitiveMemberOf)
                throw new PimException(ErrorCodes.LimitReached,
                    $"A principal would be a member of more than {Principal.MaximumTransitiveMemberOf} groups, directly and through nested groups.");
            affected.AddRange(rebuild.Affected);
            await principals.TouchAsync(principal.TenantId, affected.Concat(added.Concat(removed).Select(e => e.Group)).Where(id => id != principal.Id)
                .Distinct().ToList(), now, ct);
        }
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.PrincipalUpserted, "principal", principal.Id) with
        {
            PrincipalId = principal.Id,
            Details = PrincipalChanges.Of(before, principal),
        }, ct);
        if (before is { Enabled: true } && !principal.Enabled) await SuspendAsync(caller, principal, now, ct);
        if (before is { Enabled: false } && principal.Enabled) await RestoreAsync(caller, principal, now, ct);
        // A group left (here or further up) or an account disabled takes with it what stood on it; a group nested under another
        // confers that one's roles too, which memberships of it granted through PIM were not granted under.
        await revocation.RevokeLostAsync(caller, await OpenRequestsOfAsync(principal.TenantId, [principal.Id, .. affected], ct), now, ct);
        if (added.Count > 0) await revocation.EndOutgrownAsync(caller, added.Select(e => e.Member).Distinct().ToList(), now, ct);
        return await principals.FindAsync(principal.TenantId, principal.Id, ct) ?? throw new InvalidOperationException("The principal just written is gone.");
    }

    /// <summary>
    /// The memberships to add must join principals of the tenant to groups of it, make no group its own member (directly
    /// or through others), and keep within the bounds of a principal's groups and a group's members.
    /// </summary>
    private async Task EnsureMembershipsMayBeAddedAsync(Principal principal, List<(string Member, string Group)> added, CancellationToken ct)
    {
        if (added.Count == 0) return;
        var tenantId = principal.TenantId;
        var ids = added.SelectMany(e => new[] { e.Member, e.Group }).Where(id => id != principal.Id).Distinct().ToList();
        var found = (await principals.FindManyAsync(tenantId, ids, ct)).ToDictionary(p => p.Id);
        found[principal.Id] = principal;
        var notGroups = added.Select(e => e.Group).Distinct().Where(g => found.GetValueOrDefault(g)?.Kind != PrincipalKind.Group).ToList();
        if (notGroups.Count > 0)
            throw new PimException(ErrorCodes.UnknownPrincipal,
                $"memberOf names principals that are not groups of this tenant: {string.Join(", ", notGroups)}. Sync groups before their members.");
        var unknown = added.Select(e => e.Member).Distinct().Where(m => !found.ContainsKey(m)).ToList();
        if (unknown.Count > 0)
            throw new PimException(ErrorCodes.UnknownPrincipal,
                $"members names principals that are not in this tenant's directory: {string.Join(", ", unknown)}. Provision members before their groups.");
        foreach (var (member, group) in added)
        {
            if (member == group)
                throw new PimException(ErrorCodes.MembershipCycle, $"Group '{group}' cannot be a member of itself.");
            if (found[member].Kind == PrincipalKind.Group && found[group].IsMemberOf(member))
                throw new PimException(ErrorCodes.MembershipCycle,
                    $"Group '{group}' is already a member of '{member}' (directly or through nested groups): '{member}' cannot also be a member of '{group}'.");
        }
        var memberOf = await principals.CountMemberOfAsync(tenantId, added.Select(e => e.Member).Distinct().ToList(), ct);
        foreach (var grows in added.GroupBy(e => e.Member))
            if (memberOf.GetValueOrDefault(grows.Key) + grows.Count() > Principal.MaximumMemberOf)
                throw new PimException(ErrorCodes.LimitReached, $"Principal '{grows.Key}' would be a direct member of more than {Principal.MaximumMemberOf} groups.");
        var members = await principals.CountMembersAsync(tenantId, added.Select(e => e.Group).Distinct().ToList(), ct);
        foreach (var grows in added.GroupBy(e => e.Group))
            if (members.GetValueOrDefault(grows.Key) + grows.Count() > Principal.MaximumMembers)
                throw new PimException(ErrorCodes.LimitReached, $"Group '{grows.Key}' would have more than {Principal.MaximumMembers} direct members.");
    }

    /// <summary>
    /// A principal disabled (a leaver, a blocked account): its open activations are revoked and its waiting requests
    /// canceled now; its assignments stay, suspended — they grant nothing until it is enabled again.
    /// </summary>
    private async Task SuspendAsync(Caller caller, Principal principal, DateTimeOffset now, CancellationToken ct)
    {
        var (revoked, canceled) = await revocation.EndAllAsync(caller,
            await requests.ListRecordedOpenByPrincipalsAsync(principal.TenantId, [principal.Id], ct), RevocationReasons.PrincipalDisabled, now, ct);
        var suspended = (await assignments.ListHeldByAsync(principal.TenantId, principal.Id, ct)).Count(a => a.EndsAt is null || a.EndsAt > now);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.PrincipalDisabled, "principal", principal.Id) with
        {
            PrincipalId = principal.Id,
            Details = $"{{\"reason\":\"{RevocationReasons.PrincipalDisabled}\",\"assignmentsSuspended\":{suspended}," +
                      $"\"activationsRevoked\":{revoked},\"requestsCanceled\":{canceled}}}",
        }, ct);
        if (suspended + revoked + canceled > 0)
            await notifier.DirectoryChangedAsync(principal, "was suspended",
                [$"Assignments suspended (in force again if the account is enabled again): {suspended}", $"Activations revoked: {revoked}",
                 $"Requests canceled: {canceled}"], ct);
    }

    /// <summary>A principal enabled again: its assignments still in force grant again (activations revoked stay revoked).</summary>
    private async Task RestoreAsync(Caller caller, Principal principal, DateTimeOffset now, CancellationToken ct)
    {
        var restored = (await assignments.ListHeldByAsync(principal.TenantId, principal.Id, ct)).Count(a => a.EndsAt is null || a.EndsAt > now);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.PrincipalEnabled, "principal", principal.Id) with
        {
            PrincipalId = principal.Id,
            Details = $"{{\"assignmentsRestored\":{restored}}}",
        }, ct);
        if (restored > 0)
            await notifier.DirectoryChangedAsync(principal, "was enabled again", [$"Assignments in force again: {restored}"], ct);
    }

    /// <summary>The open requests of the principals, a bounded number of principals at a time.</summary>
    private async Task<List<ActivationRequest>> OpenRequestsOfAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct)
    {
        var open = new List<ActivationRequest>();
        foreach (var chunk in principalIds.Distinct().Chunk(500))
            open.AddRange(await requests.ListRecordedOpenByPrincipalsAsync(tenantId, chunk, ct));
        return open;
    }
}
