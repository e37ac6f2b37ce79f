namespace Pim.Domain;

/// <summary>One item of a batch activation: the request created, or the problem that refused it.</summary>
public sealed record BatchItem(string RoleId, string Scope, ActivationSnapshot? Request, PimException? Problem);

/// <summary>
/// A role of "my roles": an eligible or active assignment, and where its activation stands — <see cref="Status"/> is
/// <see cref="Eligible"/>, or the status of its open activation request — with what activating it requires and, for a
/// group's role, which roles the group confers that requirement comes from (<see cref="GovernedBy"/>).
/// </summary>
public sealed record MyRole(RoleAssignment Assignment, string Status, DateTimeOffset? ValidUntil, ActivationRequest? Request, ActivationRules Requirements,
    string RoleDisplayName, IReadOnlyList<GoverningRole> GovernedBy)
{
    public const string Eligible = "eligible";
}

/// <summary>Requesting activations of eligible roles (DESIGN §5), and reading them: "my roles", one request, the list.</summary>
public sealed class ActivationService(
    ITenants tenants, IPrincipals principals, IRoleAssignments assignments, IActivationRequests requests, RoleSettingsService settings,
    IUnitOfWork uow, AccessService access, ApprovalService approvals, ActivationRecorder recorder, IScopes scopes, ICustomRoles roles,
    ITenantChanges changes, TimeProvider time)
{
    public const int MaximumBatch = 50;
    /// <summary>The longest a caller may wait for a request to change (long-poll).</summary>
    public static readonly TimeSpan MaximumWait = TimeSpan.FromMinutes(5);
    /// <summary>How often a waiting read looks again even when no change was heard (a change the feed did not carry).</summary>
    public static readonly TimeSpan WaitPollInterval = TimeSpan.FromSeconds(2);

    public async Task<ActivationSnapshot> RequestAsync(Caller caller, ActivationAsk ask, CancellationToken ct)
    {
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            // Held until commit, as by every write that can take an eligibility away (memberships, a just-in-time membership
            // ended): an activation and the loss of what it stands on do not interleave.
            var tenant = await tenants.GetForUpdateAsync(caller.TenantId, ct);
            var principalId = caller.RequirePrincipal();
            var role = await roles.GetNamedRoleAsync(tenant.Id, ask.RoleId, ct);
            var requester = await principals.FindAsync(tenant.Id, principalId, ct);
            if (requester is { Enabled: false })
                throw new PimException(ErrorCodes.PrincipalDisabled, "Your account is disabled in this tenant: it can neither activate nor approve.");
            var scope = ask.Scope ?? ScopePath.Root;
            role.EnsureScopeFits(scope);
            var ancestors = await scopes.AncestorsOrRootAsync(tenant.Id, scope, ct);
            tenant.EnsureManaged(role, ancestors);
            var eligibility = Eligibility.Choose(await assignments.ListForPrincipalAsync(tenant.Id, principalId, ct), role.Id, ancestors,
                    ActivationPolicy.StartOf(ask, now), requester)
                ?? throw new PimException(ErrorCodes.NotEligible, $"You are not eligible for '{role.Id}' at scope '{scope}'.");
            var governing = await settings.PolicyAtAsync(tenant.Id, role.Id, scope, ct);
            var policy = governing.Settings;
            var verdict = governing.Decide(role.Id, scope,
                () => ActivationPolicy.Evaluate(policy, eligibility, ask, caller.Token, now, Requester.Of(requester, caller)));

            if (await requests.FindRecordedOpenAsync(tenant.Id, principalId, role.Id, scope, ct) is { } open)
            {
                if (open.IsOpenAt(now))
                    throw new PimException(ErrorCodes.ActivationAlreadyOpen,
                        $"Activation request '{open.Id}' for '{role.Id}' is already {ActivationRequest.Wire(open.StatusAt(now))}.");
                await recorder.SettleAsync(caller, open, now, ct); // frees the slot the partial unique index keeps for open requests
            }
            var request = ActivationRequest.Create(tenant.Id, principalId, eligibility, scope, ask, verdict, policy, now, governing.GovernedBy);
            await recorder.RequestedAsync(caller, request, policy, now, ct);
            return new ActivationSnapshot(request, now);
        }, ct);
    }

    /// <summary>
    /// Activates several eligible roles with one justification, ticket and duration. One MFA step-up covers the batch
    /// (checked up front); each item is its own request, audited and answered on its own: partial success is explicit.
    /// </summary>
    public async Task<IReadOnlyList<BatchItem>> RequestBatchAsync(Caller caller, IReadOnlyList<string>? roleIds, bool all, ActivationAsk common, CancellationToken ct)
    {
        await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal(); // who may ask at all is answered once, for the whole batch
        var requester = Requester.Of(await principals.FindAsync(caller.TenantId, principalId, ct), caller);
        // all: every eligibility still to activate, each at its own scope (unless the batch names one).
        var targets = all
            ? (await MyRolesAsync(caller, ct)).Where(r => r.Status == "eligible")
                .Select(r => (RoleId: r.Assignment.RoleId, Scope: common.Scope ?? r.Assignment.Scope)).Distinct().ToList()
            : (roleIds ?? []).Distinct().Select(r => (RoleId: r, Scope: common.Scope ?? ScopePath.Root)).ToList();
        if (targets.Count > MaximumBatch)
            throw new PimException(ErrorCodes.BatchTooLarge, $"A batch activates at most {MaximumBatch} roles; {targets.Count} were asked.");
        var now = time.Now();
        foreach (var (roleId, scope) in targets)
        {
            if (await roles.FindRoleAsync(caller.TenantId, roleId, ct) is null) continue; // the item itself will say what is wrong
            var policy = await PolicyOrNoneAsync(caller.TenantId, roleId, scope, ct);
            if (policy is null) continue; // the item itself will say what is wrong
            if (!requester.Workload) policy.Decide(roleId, scope, () => ActivationPolicy.EnsureMfa(policy.Settings.Activation, caller.Token, now));
        }

        var items = new List<BatchItem>();
        foreach (var (roleId, scope) in targets)
        {
            try
            {
                items.Add(new BatchItem(roleId, scope, await RequestAsync(caller, common with { RoleId = roleId, Scope = scope }, ct), null));
            }
            catch (PimException problem)
            {
                items.Add(new BatchItem(roleId, scope, null, problem));
            }
        }
        return items;
    }

    /// <summary>The policy a batch item is held to, or none when it cannot be read (the item itself will say why).</summary>
    private async Task<GoverningPolicy?> PolicyOrNoneAsync(string tenantId, string roleId, string scope, CancellationToken ct)
    {
        try { return await settings.PolicyAtAsync(tenantId, roleId, scope, ct); }
        catch (PimException) { return null; }
    }

    /// <summary>One request: for the requester, its approvers, and security administrators and auditors.</summary>
    public async Task<ActivationSnapshot> GetAsync(Caller caller, string requestId, CancellationToken ct)
    {
        var request = await requests.GetForAsync(tenants, caller, requestId, ct);
        if (!caller.Is(request.PrincipalId) && !await access.HoldsAnyAsync(caller, RoleCatalog.AuditReaders, ct)
            && !await approvals.IsApproverOfAsync(caller, request, ct))
            throw caller.Refusal("Only the requester, its approvers and security administrators may read an activation request.");
        return new ActivationSnapshot(request, time.Now());
    }

    /// <summary>
    /// Reads a request (as <see cref="GetAsync"/>), waiting at most <paramref name="timeout"/> until it is
    /// <paramref name="waitFor"/> or until its status changes from what it is now, or at once when it has ended — whichever comes first: the answer of
    /// a CI job waiting for its approval. It wakes at every change in the tenant (on any replica), when time alone moves
    /// the request on (its approval deadline, start or end), and every <see cref="WaitPollInterval"/> besides; when
    /// <paramref name="release"/> fires (Pim is stopping), it answers at once with what it has.
    /// </summary>
    public async Task<ActivationSnapshot> WaitAsync(Caller caller, string requestId, ActivationStatus waitFor, TimeSpan timeout, CancellationToken release,
        CancellationToken ct)
    {
        var deadline = time.Now() + (timeout < MaximumWait ? timeout : MaximumWait);
        var change = changes.Next(caller.TenantId);
        var first = await GetAsync(caller, requestId, ct);
        for (var current = first; ;)
        {
            // Between reads the wait holds no store connection: only its place among the waits (Pim:LongPolls).
            await uow.ReleaseConnectionAsync();
            var now = time.Now();
            // A request that ended (denied, timed out, expired, …) changes no more: what it ended as is the answer.
            if (current.Status == waitFor || current.Status != first.Status || !current.Request.IsOpenAt(now) || now >= deadline
                || release.IsCancellationRequested) return current;
            var wake = new[] { deadline, now + WaitPollInterval, current.Request.StatusChangesAt(now) ?? deadline }.Min();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(release, ct);
            var sleep = Task.Delay(wake - now, time, stop.Token);
            await Task.WhenAny(change, sleep);
            stop.Cancel();
            ct.ThrowIfCancellationRequested();
            change = changes.Next(caller.TenantId);
            current = await GetAsync(caller, requestId, ct);
        }
    }

    /// <summary>The caller's own requests; every request for security administrators and auditors.</summary>
    public async Task<Page<ActivationSnapshot>> ListAsync(Caller caller, ActivationFilter filter, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        tenant.EnsureConsented();
        if (filter.PrincipalId != principalId && !await access.HoldsAnyAsync(caller, RoleCatalog.AuditReaders, ct))
        {
            if (filter.PrincipalId is not null) throw Errors.Forbidden("Only security administrators and auditors may list other principals' requests.");
            filter = filter with { PrincipalId = principalId };
        }
        var now = time.Now();
        var rows = await requests.ListAsync(tenant.Id, filter with { PageSize = filter.PageSize + 1 }, now, ct);
        return Paging.Of(rows, filter.PageSize, r => r.Id).Map(r => new ActivationSnapshot(r, now));
    }

    /// <summary>"My roles": the caller's eligible and active assignments, each with its activation status and requirements.</summary>
    public async Task<IReadOnlyList<MyRole>> MyRolesAsync(Caller caller, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        tenant.EnsureConsented();
        var now = time.Now();
        var open = (await requests.ListRecordedOpenByPrincipalsAsync(tenant.Id, [principalId], ct)).Where(r => r.IsOpenAt(now)).ToList();
        var holder = await principals.FindAsync(tenant.Id, principalId, ct);
        var policies = new Dictionary<(string, string), GoverningPolicy>();
        var names = new Dictionary<string, string>();
        var mine = new List<MyRole>();
        foreach (var assignment in (await assignments.ListForPrincipalAsync(tenant.Id, principalId, ct))
                     .Where(a => (a.EndsAt is null || a.EndsAt > now) && (a.Type == AssignmentType.Active || Eligibility.Usable(a, holder))))
        {
            if (!policies.TryGetValue((assignment.RoleId, assignment.Scope), out var policy))
                policies[(assignment.RoleId, assignment.Scope)] = policy = await settings.PolicyAtAsync(tenant.Id, assignment.RoleId, assignment.Scope, ct);
            if (!names.TryGetValue(assignment.RoleId, out var name))
                names[assignment.RoleId] = name = await roles.RoleNameAsync(tenant.Id, assignment.RoleId, ct);
            if (assignment.Type == AssignmentType.Active)
            {
                mine.Add(new MyRole(assignment, "active", assignment.EndsAt, null, policy.Settings.Activation, name, policy.GovernedBy));
                continue;
            }
            var request = open.FirstOrDefault(r => r.AssignmentId == assignment.Id);
            var status = request is null ? MyRole.Eligible : ActivationRequest.Wire(request.StatusAt(now));
            mine.Add(new MyRole(assignment, status, request?.EndsAt, request, policy.Settings.Activation, name, policy.GovernedBy));
        }
        return mine.OrderBy(r => r.Assignment.RoleId, StringComparer.Ordinal).ThenBy(r => r.Assignment.Type).ToList();
    }
}
