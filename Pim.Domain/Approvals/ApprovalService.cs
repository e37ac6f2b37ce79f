namespace Pim.Domain;

/// <summary>
/// Deciding activation requests and their extensions (DESIGN §5), stage by stage: what waits for whom, approve, deny.
/// A request keeps the stages of the role's settings when it was made; each stage's approvers are users or groups
/// (a group's members directly or through nested groups, expanded when a decision is made), or, when it names none,
/// whoever holds an active Privileged Role or Security Administrator role then; escalation approvers join a stage that
/// waited past its escalation. Nobody decides their own request, a disabled principal decides none, each approver counts
/// once per stage, and decisions on one request are made one after the other.
/// </summary>
public sealed class ApprovalService(ITenants tenants, IPrincipals principals, IActivationRequests requests, RoleSettingsService settings,
    IUnitOfWork uow, AccessService access, ActivationRecorder recorder, GrantRevocation revocation, Notifier notifier, TimeProvider time)
{
    /// <summary>How many waiting requests one page of "approvals" reads at most, looking for those the caller may decide.</summary>
    public const int MaximumScanned = 2000;
    private const int ScanBatch = 200;

    /// <summary>
    /// Requests whose current stage the caller may decide (and has not), oldest first, a page at a time. Every waiting
    /// request is looked at, in key order, up to <see cref="MaximumScanned"/> per page: a page cut short there still
    /// carries the token that goes on from where it stopped.
    /// </summary>
    public async Task<Page<ActivationSnapshot>> PendingApprovalsAsync(Caller caller, string? after, int pageSize, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        tenant.EnsureConsented();
        var now = time.Now();
        var approver = await FactsAsync(caller, ct);
        var found = new List<ActivationRequest>();
        var adopted = new Dictionary<(string, string), RoleSettings>();
        var cursor = after;
        for (var scanned = 0; ;)
        {
            var rows = await requests.ListAwaitingDecisionAsync(tenant.Id, principalId, cursor, ScanBatch, now, ct);
            foreach (var request in rows)
            {
                scanned++;
                cursor = request.Id;
                await AdoptAsync(request, adopted, ct);
                if (!request.MayBeDecidedBy(approver, now)) continue;
                found.Add(request);
                if (found.Count > pageSize) return Page(found.Take(pageSize), found[pageSize - 1].Id);
            }
            if (rows.Count < ScanBatch) return Page(found, null);
            if (scanned >= MaximumScanned) return Page(found, cursor);
        }

        Page<ActivationSnapshot> Page(IEnumerable<ActivationRequest> items, string? next) =>
            new(items.Select(r => new ActivationSnapshot(r, now)).ToList(), next);
    }

    public Task<ActivationSnapshot> ApproveAsync(Caller caller, string requestId, string? justification, CancellationToken ct) =>
        DecideAsync(caller, requestId, approve: true, justification, ct);

    public Task<ActivationSnapshot> DenyAsync(Caller caller, string requestId, string? justification, CancellationToken ct) =>
        DecideAsync(caller, requestId, approve: false, justification, ct);

    /// <summary>Whether the caller is (or was) an approver of the request: of one of its stages, or one who decided it.</summary>
    public async Task<bool> IsApproverOfAsync(Caller caller, ActivationRequest request, CancellationToken ct)
    {
        if (caller.PrincipalId is null) return false;
        await AdoptAsync(request, [], ct);
        var approver = await FactsAsync(caller, ct);
        return new[] { request.Approval, request.Extension?.Approval }.OfType<ApprovalProgress>().Any(approval =>
            approval.Decisions.Any(d => d.ApproverId == approver.PrincipalId)
            || approval.Stages.Any(stage => approver.Enabled
                && (stage.Approvers.Count == 0 ? approver.HoldsDefaultApproverRole : approver.IsAnyOf(stage.Approvers) || approver.IsAnyOf(stage.EscalateTo))));
    }

    /// <summary>
    /// What deciding needs to know of the caller: its groups, whether it holds an active default approver role now,
    /// whether its account is enabled (a disabled principal decides nothing).
    /// </summary>
    private async Task<ApproverFacts> FactsAsync(Caller caller, CancellationToken ct)
    {
        var principalId = caller.RequirePrincipal();
        var principal = await principals.FindAsync(caller.TenantId, principalId, ct);
        return new ApproverFacts(principalId, principal?.TransitiveMemberOf ?? [], await access.HoldsAnyAsync(caller, RoleCatalog.DefaultApprovers, ct),
            principal is { Enabled: true }, principal?.Kind == PrincipalKind.ServicePrincipal);
    }

    /// <summary>A request that waits under no kept stages (made before they were kept) is given the one it was made under.</summary>
    private async Task AdoptAsync(ActivationRequest request, Dictionary<(string, string), RoleSettings> cache, CancellationToken ct)
    {
        if (!(request is { Status: ActivationStatus.PendingApproval, Approval: null } || request.Extension is { Approval: null })) return;
        if (!cache.TryGetValue((request.RoleId, request.Scope), out var policy))
            cache[(request.RoleId, request.Scope)] = policy = (await settings.PolicyAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
        request.AdoptApproval(policy.Activation.Stages.FirstOrDefault()?.Approvers ?? [], policy.Notifications.OnApprovalNeeded.RemindBefore);
    }

    private async Task<ActivationSnapshot> DecideAsync(Caller caller, string requestId, bool approve, string? justification, CancellationToken ct)
    {
        var now = time.Now();
        var (decided, refusal) = await uow.RunAsync(async () =>
        {
            // Held until this unit of work ends: a decision racing another one on the same request waits for it, and then
            // sees it (two approvers completing a 2-of-3 stage make one transition; a deny racing an approve, one decision).
            var request = await requests.GetForUpdateAsync(tenants, caller, requestId, ct);
            request.EnsureMayBeDecidedBy(caller.RequirePrincipal());
            if (!caller.Token.Mfa && (await settings.PolicyAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings.ApproversNeedMfa)
                throw new PimException(ErrorCodes.MfaRequired, $"The settings of '{request.RoleId}' require approvers to sign in with multifactor authentication to decide.");
            await AdoptAsync(request, [], ct);
            var approver = await FactsAsync(caller, ct);
            if (request.AwaitingApprovalAt(now) is { } waiting && !waiting.MayBeDecidedBy(approver, now))
                throw Errors.Forbidden($"You are not an approver of stage {waiting.CurrentStage + 1} of this request for '{request.RoleId}'.");
            if (await revocation.RevokeIfLostAsync(caller, request, now, ct) is { } lost) return ((ActivationSnapshot?)null, lost);

            var extension = request.HasPendingExtensionAt(now);
            var stage = request.AwaitingApprovalAt(now)?.CurrentStage ?? 0;
            var version = request.Version;
            var step = request.Decide(approver, approve, justification, now);
            await recorder.SaveAsync(request, version, ct);
            await RecordAsync(caller, request, step, stage, extension, justification, now, ct);
            return (new ActivationSnapshot(request, now), (PimException?)null);
        }, ct);
        return decided ?? throw refusal!;
    }

    /// <summary>The audit events and notifications of one decision.</summary>
    private async Task RecordAsync(Caller caller, ActivationRequest request, ApprovalStep step, int stage, bool extension, string? justification,
        DateTimeOffset now, CancellationToken ct)
    {
        var policy = (await settings.PolicyAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
        AuditEvent Audit(string action) => ActivationRecorder.StageAudit(caller, now, action, request, stage, extension) with { Justification = justification };
        // Every copy in chat shows the progress; a request's final decision is the requester's news (DecisionAsync updates them then).
        if (extension || step is ApprovalStep.Counted or ApprovalStep.StagePassed) await notifier.RequestChangedAsync(request, ct);
        switch (step)
        {
            case ApprovalStep.Counted:
                await recorder.AuditAsync(Audit(AuditActions.ActivationApprovalRecorded), ct);
                return;
            case ApprovalStep.StagePassed:
                await recorder.AuditAsync(Audit(AuditActions.ActivationStageApproved), ct);
                var next = extension ? request.Extension!.Approval! : request.Approval!;
                await notifier.ApprovalNeededAsync(request, next, policy, ct);
                return;
        }
        if (extension)
        {
            await recorder.AuditAsync(Audit(step == ApprovalStep.Approved ? AuditActions.ActivationExtensionApproved : AuditActions.ActivationExtensionDenied), ct);
            if (step == ApprovalStep.Approved) await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, AuditActions.ActivationExtended, request), ct);
            return;
        }
        await recorder.AuditAsync(Audit(step == ApprovalStep.Approved ? AuditActions.ActivationApproved : AuditActions.ActivationDenied), ct);
        await notifier.DecisionAsync(request, policy, ct);
        if (request.Status == ActivationStatus.Active) await recorder.ActivatedAsync(caller, request, policy, now, ct);
    }
}
