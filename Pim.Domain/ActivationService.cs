namespace Pim.Domain;

/// <summary>One item of a batch activation: the request created, or the problem that refused it.</summary>
public sealed record BatchItem(string RoleId, string Scope, ActivationRequest? Request, PimException? Problem);

/// <summary>One line of "My roles": an eligible or active assignment, and where its activation stands.</summary>
public sealed record MyRole(RoleAssignment Assignment, string Status, DateTimeOffset? ValidUntil, ActivationRequest? Request, ActivationRules Requirements);

/// <summary>Activating eligible roles, approving, and ending activations (DESIGN §5).</summary>
public sealed class ActivationService(
    ITenants tenants, IPrincipals principals, IRoleAssignments assignments, IActivationRequests requests,
    RoleSettingsService settings, IAuditLog audit, IUnitOfWork uow, AccessService access, Notifier notifier, IScopes scopes,
    GrantRevocation revocation, TimeProvider time)
{
    public async Task<ActivationRequest> RequestAsync(Caller caller, ActivationAsk ask, CancellationToken ct)
    {
        var role = RoleCatalog.Get(ask.RoleId);
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        if (await principals.FindAsync(tenant.Id, principalId, ct) is { Enabled: false }) throw PrincipalDisabled();
        var scope = ask.Scope ?? Scopes.Root;
        role.EnsureScopeFits(scope);
        var ancestors = await scopes.AncestorsOrRootAsync(tenant.Id, scope, ct);
        tenant.EnsureManaged(role, ancestors);
        var at = ask.StartsAt is { } s && s > now ? s : now;

        // An eligibility at the scope or above it; the activation may be for a narrower scope than the eligibility's.
        var eligibility = (await assignments.ListForPrincipalAsync(tenant.Id, principalId, ct))
            .Where(a => a.Type == AssignmentType.Eligible && a.RoleId == role.Id && ancestors.Contains(a.Scope) && a.IsInForceAt(at))
            .OrderBy(a => a.EndsAt is null ? 0 : 1).ThenByDescending(a => a.EndsAt)
            .FirstOrDefault()
            ?? throw new PimException(ErrorCodes.NotEligible, $"You are not eligible for '{role.Id}' at scope '{scope}'.");

        var policy = (await settings.EffectiveAtAsync(tenant.Id, role.Id, scope, ct)).Settings;
        var verdict = ActivationPolicy.Evaluate(policy, eligibility, ask, caller.Token, now, caller.IsGuest);

        if (await requests.FindRecordedOpenAsync(tenant.Id, principalId, role.Id, scope, ct) is { } open)
        {
            if (open.IsOpenAt(now))
                throw new PimException(ErrorCodes.ActivationAlreadyOpen,
                    $"Activation request '{open.Id}' for '{role.Id}' is already {ActivationRequest.Wire(open.StatusAt(now))}.");
            await SettleAsync(caller, open, now, ct); // frees the slot the partial unique index keeps for open requests
        }

        var request = ActivationRequest.Create(tenant.Id, principalId, eligibility, scope, verdict.Outcome, verdict.Duration,
            ask.Justification, ask.Ticket, verdict.StartsAt, now, policy.Activation.ApprovalTimeout);
        await requests.InsertAsync(request, ct);
        await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationRequested, request), ct);
        if (request.Status == ActivationStatus.PendingApproval) await notifier.ApprovalNeededAsync(request, ct);
        if (request.Status == ActivationStatus.Active) await ActivatedAsync(caller, request, now, ct);
        await tx.CommitAsync(ct);
        return request;
    }

    public const int MaximumBatch = 50;

    /// <summary>
    /// Activates several eligible roles with one justification, ticket and duration. One MFA step-up covers the batch
    /// (checked up front); each item is its own request, audited and answered on its own: partial success is explicit.
    /// </summary>
    public async Task<IReadOnlyList<BatchItem>> RequestBatchAsync(Caller caller, IReadOnlyList<string>? roleIds, bool all, ActivationAsk common, CancellationToken ct)
    {
        await tenants.GetAsync(caller.TenantId, ct);
        caller.RequirePrincipal(); // who may ask at all is answered once, for the whole batch
        // all: every eligibility still to activate, each at its own scope (unless the batch names one).
        var targets = all
            ? (await MyRolesAsync(caller, ct)).Where(r => r.Status == "eligible")
                .Select(r => (RoleId: r.Assignment.RoleId, Scope: common.Scope ?? r.Assignment.Scope)).Distinct().ToList()
            : (roleIds ?? []).Distinct().Select(r => (RoleId: r, Scope: common.Scope ?? Scopes.Root)).ToList();
        if (targets.Count > MaximumBatch)
            throw new PimException(ErrorCodes.BatchTooLarge, $"A batch activates at most {MaximumBatch} roles; {targets.Count} were asked.");
        var now = time.Now();
        foreach (var (roleId, scope) in targets.Where(t => RoleCatalog.Find(t.RoleId) is not null))
        {
            EffectiveRoleSettings policy;
            try { policy = await settings.EffectiveAtAsync(caller.TenantId, roleId, scope, ct); }
            catch (PimException) { continue; } // the item itself will say what is wrong
            ActivationPolicy.EnsureMfa(policy.Settings.Activation, caller.Token, now);
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

    public async Task<ActivationRequest> GetAsync(Caller caller, string requestId, CancellationToken ct)
    {
        var request = await FindAsync(caller, requestId, ct);
        if (!caller.Is(request.PrincipalId) && !await access.HoldsAnyAsync(caller, RoleCatalog.AuditReaders, ct)
            && !await IsApproverAsync(caller, request.RoleId, request.Scope, ct))
        {
            caller.RequirePrincipal();
            throw Errors.Forbidden("Only the requester, its approvers and security administrators may read an activation request.");
        }
        return request;
    }

    /// <summary>The caller's own requests; every request for security administrators and auditors.</summary>
    public async Task<Page<ActivationRequest>> ListAsync(Caller caller, ActivationFilter filter, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        tenant.EnsureConsented();
        if (filter.PrincipalId != principalId && !await access.HoldsAnyAsync(caller, RoleCatalog.AuditReaders, ct))
        {
            if (filter.PrincipalId is not null) throw Errors.Forbidden("Only security administrators and auditors may list other principals' requests.");
            filter = filter with { PrincipalId = principalId };
        }
        var rows = await requests.ListAsync(tenant.Id, filter with { PageSize = filter.PageSize + 1 }, time.Now(), ct);
        return Paging.Of(rows, filter.PageSize, r => r.Id);
    }

    /// <summary>
    /// Requests waiting for the caller's decision, oldest first, a page at a time over every waiting request: the roles
    /// and scopes the caller decides are worked out first, then one indexed query reads the page.
    /// </summary>
    public async Task<Page<ActivationRequest>> PendingApprovalsAsync(Caller caller, string? after, int pageSize, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        tenant.EnsureConsented();
        var now = time.Now();
        var decided = new List<(string RoleId, string Scope)>();
        foreach (var (roleId, scope) in await requests.ListAwaitingDecisionRolesAsync(tenant.Id, now, ct))
            if (await IsApproverAsync(caller, roleId, scope, ct)) decided.Add((roleId, scope));
        var rows = await requests.ListAwaitingDecisionAsync(tenant.Id, decided, principalId, after, pageSize + 1, now, ct);
        return Paging.Of(rows, pageSize, r => r.Id);
    }

    public Task<ActivationRequest> ApproveAsync(Caller caller, string requestId, string? justification, CancellationToken ct) =>
        DecideAsync(caller, requestId, approve: true, justification, ct);

    public Task<ActivationRequest> DenyAsync(Caller caller, string requestId, string? justification, CancellationToken ct) =>
        DecideAsync(caller, requestId, approve: false, justification, ct);

    private async Task<ActivationRequest> DecideAsync(Caller caller, string requestId, bool approve, string? justification, CancellationToken ct)
    {
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var request = await FindAsync(caller, requestId, ct);
        var approverId = caller.RequirePrincipal();
        if (request.PrincipalId == approverId)
            throw new PimException(ErrorCodes.SelfApprovalForbidden, "Nobody approves or denies their own activation request.");
        if (!await IsApproverAsync(caller, request.RoleId, request.Scope, ct))
            throw Errors.Forbidden($"You are not an approver of '{request.RoleId}'.");
        await EnsureBasisAsync(caller, tx, request, now, ct);

        var version = request.Version;
        if (request.HasPendingExtensionAt(now))
        {
            if (approve) request.ApproveExtension(now);
            else request.DenyExtension(now);
            await SaveAsync(request, version, ct);
            await audit.AppendAsync(AuditOf(caller, now, approve ? AuditActions.ActivationExtensionApproved : AuditActions.ActivationExtensionDenied, request) with
            {
                Justification = justification,
            }, ct);
            if (approve) await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationExtended, request), ct);
            await tx.CommitAsync(ct);
            return request;
        }
        if (approve) request.Approve(approverId, justification, now);
        else request.Deny(approverId, justification, now);
        await SaveAsync(request, version, ct);
        await audit.AppendAsync(AuditOf(caller, now, approve ? AuditActions.ActivationApproved : AuditActions.ActivationDenied, request) with
        {
            Justification = justification,
        }, ct);
        await notifier.DecisionAsync(request, ct);
        if (request.Status == ActivationStatus.Active) await ActivatedAsync(caller, request, now, ct);
        await tx.CommitAsync(ct);
        return request;
    }

    /// <summary>
    /// The requester lengthens an active activation, under the same policy; with approval required the extension waits
    /// for an approver (the activation stays active meanwhile).
    /// </summary>
    public async Task<ActivationRequest> ExtendAsync(Caller caller, string requestId, TimeSpan duration, string? justification, CancellationToken ct)
    {
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var request = await FindAsync(caller, requestId, ct);
        if (!caller.Is(request.PrincipalId))
        {
            caller.RequirePrincipal();
            throw Errors.Forbidden("Only the requester may extend an activation.");
        }
        await EnsureBasisAsync(caller, tx, request, now, ct);
        var policy = (await settings.EffectiveAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
        var needsApproval = ActivationPolicy.EvaluateExtension(policy, request, duration, caller.Token, now, caller.IsGuest);
        var version = request.Version;
        if (needsApproval) request.RequestExtension(duration, justification, now, policy.Activation.ApprovalTimeout);
        else request.Extend(duration, now);
        await SaveAsync(request, version, ct);
        var audited = AuditOf(caller, now, needsApproval ? AuditActions.ActivationExtensionRequested : AuditActions.ActivationExtended, request);
        await audit.AppendAsync(audited with { Justification = justification ?? request.Justification, Details = $"{{\"duration\":\"{IsoDuration.Format(duration)}\"}}" }, ct);
        if (needsApproval) await notifier.ApprovalNeededAsync(request, ct);
        await tx.CommitAsync(ct);
        return request;
    }

    /// <summary>The requester withdraws a request that is pending approval or scheduled.</summary>
    public Task<ActivationRequest> CancelAsync(Caller caller, string requestId, CancellationToken ct) =>
        TransitionAsync(caller, requestId, request =>
        {
            if (caller.Is(request.PrincipalId)) return Task.CompletedTask;
            caller.RequirePrincipal();
            throw Errors.Forbidden("Only the requester may cancel an activation request.");
        }, (request, now) => request.Cancel(now), AuditActions.ActivationCanceled, ct);

    /// <summary>Ends an active activation before its time: the requester, or a PIM administrator.</summary>
    public Task<ActivationRequest> DeactivateAsync(Caller caller, string requestId, CancellationToken ct) =>
        TransitionAsync(caller, requestId, request => caller.Is(request.PrincipalId)
            ? Task.CompletedTask
            : access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Deactivating another principal's role", ct),
            (request, now) => request.Deactivate(now), AuditActions.ActivationDeactivated, ct);

    private async Task<ActivationRequest> TransitionAsync(Caller caller, string requestId, Func<ActivationRequest, Task> authorize,
        Action<ActivationRequest, DateTimeOffset> transition, string action, CancellationToken ct)
    {
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var request = await FindAsync(caller, requestId, ct);
        await authorize(request);
        var version = request.Version;
        transition(request, now);
        await SaveAsync(request, version, ct);
        await audit.AppendAsync(AuditOf(caller, now, action, request), ct);
        await tx.CommitAsync(ct);
        return request;
    }

    /// <summary>"My roles": the caller's eligible and active assignments, each with its activation status and requirements.</summary>
    public async Task<IReadOnlyList<MyRole>> MyRolesAsync(Caller caller, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        tenant.EnsureConsented();
        var now = time.Now();
        var open = (await requests.ListRecordedOpenByPrincipalAsync(tenant.Id, principalId, ct)).Where(r => r.IsOpenAt(now)).ToList();
        var policies = new Dictionary<(string, string), ActivationRules>();
        var roles = new List<MyRole>();
        foreach (var assignment in (await assignments.ListForPrincipalAsync(tenant.Id, principalId, ct)).Where(a => a.EndsAt is null || a.EndsAt > now))
        {
            if (!policies.TryGetValue((assignment.RoleId, assignment.Scope), out var rules))
                policies[(assignment.RoleId, assignment.Scope)] = rules =
                    (await settings.EffectiveAtAsync(tenant.Id, assignment.RoleId, assignment.Scope, ct)).Settings.Activation;
            if (assignment.Type == AssignmentType.Active)
            {
                roles.Add(new MyRole(assignment, "active", assignment.EndsAt, null, rules));
                continue;
            }
            var request = open.FirstOrDefault(r => r.AssignmentId == assignment.Id);
            var status = request is null ? "eligible" : ActivationRequest.Wire(request.StatusAt(now));
            roles.Add(new MyRole(assignment, status, request?.EndsAt, request, rules));
        }
        return roles.OrderBy(r => r.Assignment.RoleId, StringComparer.Ordinal).ThenBy(r => r.Assignment.Type).ToList();
    }

    /// <summary>Approvers are the settings' explicit users and groups; when none are named, the principals who hold an
    /// active Privileged Role or Security Administrator role at decision time.</summary>
    private async Task<bool> IsApproverAsync(Caller caller, string roleId, string scope, CancellationToken ct)
    {
        if (caller.PrincipalId is not { } principalId) return false;
        var approvers = (await settings.EffectiveAtAsync(caller.TenantId, roleId, scope, ct)).Settings.Activation.Approvers;
        if (approvers.Count == 0) return await access.HoldsAnyAsync(caller, RoleCatalog.DefaultApprovers, ct);
        var principal = await principals.FindAsync(caller.TenantId, principalId, ct);
        return principal is { Enabled: true } && (approvers.Contains(principalId) || principal.MemberOf.Any(approvers.Contains));
    }

    /// <summary>
    /// Before a decision or an extension: a request whose basis went (a write path that should have ended it did not, or
    /// raced with this one) is revoked now — committed, audited, notified — and the caller is told.
    /// </summary>
    private async Task EnsureBasisAsync(Caller caller, ITransaction tx, ActivationRequest request, DateTimeOffset now, CancellationToken ct)
    {
        if (!request.IsOpenAt(now) || await revocation.LostAsync(request, ct) is not { } reason) return;
        await revocation.RevokeAsync(caller, request, reason, now, ct);
        await tx.CommitAsync(ct);
        throw new PimException(ErrorCodes.InvalidStateTransition, $"Activation request '{request.Id}' no longer stands ({reason}) and was revoked.");
    }

    private static PimException PrincipalDisabled() =>
        new(ErrorCodes.PrincipalDisabled, "Your account is disabled in this tenant: it can neither activate nor approve.");

    private async Task<ActivationRequest> FindAsync(Caller caller, string requestId, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        caller.RequireOperatorOrPrincipal();
        tenant.EnsureConsented(); // the request was gated by sign-up when it was made
        return await requests.FindAsync(tenant.Id, requestId, ct) ?? throw Errors.NotFound($"Activation request '{requestId}'");
    }

    private async Task SaveAsync(ActivationRequest request, int expectedVersion, CancellationToken ct)
    {
        if (!await requests.UpdateAsync(request, expectedVersion, ct))
            throw new PimException(ErrorCodes.InvalidStateTransition,
                $"Activation request '{request.Id}' was changed by another request at the same time; read it again.");
    }

    /// <summary>
    /// Records what time alone changes (scheduled activations that started, activations that expired, approvals that
    /// timed out) for a batch of requests in any tenant, once each even with several sweepers. Returns how many.
    /// </summary>
    public async Task<int> SweepAsync(int limit, CancellationToken ct)
    {
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        var due = await requests.ClaimDueAsync(now, limit, ct);
        foreach (var request in due)
            await SettleAsync(Caller.System(request.TenantId), request, now, ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }

    /// <summary>Records what time alone changed on a request, with its audit events and notifications.</summary>
    private async Task SettleAsync(Caller caller, ActivationRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var version = request.Version;
        var actions = request.Settle(now);
        if (actions.Count == 0) return;
        await SaveAsync(request, version, ct);
        foreach (var action in actions)
        {
            if (action == AuditActions.ActivationActivated)
            {
                await ActivatedAsync(caller, request, now, ct);
                continue;
            }
            await audit.AppendAsync(AuditOf(caller, now, action, request), ct);
            if (action == AuditActions.ActivationTimedOut) await notifier.DecisionAsync(request, ct);
        }
    }

    private async Task ActivatedAsync(Caller caller, ActivationRequest request, DateTimeOffset now, CancellationToken ct)
    {
        await audit.AppendAsync(AuditOf(caller, now, AuditActions.ActivationActivated, request), ct);
        await notifier.ActivationStartedAsync(request, ct);
    }

    public static AuditEvent AuditOf(Caller caller, DateTimeOffset now, string action, ActivationRequest request) =>
        AuditEvent.For(caller, now, action, "activationRequest", request.Id) with
        {
            PrincipalId = request.PrincipalId,
            RoleId = request.RoleId,
            Scope = request.Scope,
            Justification = request.Justification,
            TicketNumber = request.Ticket?.Number,
            TicketSystem = request.Ticket?.System,
        };
}

public sealed class AuditService(ITenants tenants, IAuditLog audit, AccessService access)
{
    public async Task<Page<AuditEvent>> QueryAsync(Caller caller, AuditQuery query, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.AuditReaders, "Reading the audit trail", ct, operatorAllowed: true);
        if (!caller.IsOperator) tenant.EnsureConsented();
        var rows = await audit.QueryAsync(tenant.Id, query with { PageSize = query.PageSize + 1 }, ct);
        return Paging.Of(rows, query.PageSize, e => e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
