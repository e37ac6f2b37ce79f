using System.Text.Json;

namespace Pim.Domain;

/// <summary>An instance as the API shows it: with its review's settings it needs and how far its items are.</summary>
public sealed record AccessReviewInstanceView(AccessReviewInstance Instance, AccessReviewProgress Progress, DateTimeOffset At);

/// <summary>An item as the API shows it: with why Pim recommends what it does.</summary>
public sealed record AccessReviewItemView(AccessReviewItem Item, string RecommendationReason);

/// <summary>
/// Access reviews: PIM administrators define them; instances start on schedule (once across replicas) over the
/// assignments in scope, each item with a recommendation from usage and activations; reviewers decide their items (never
/// their own assignment, unless the review is a self-review); a reminder goes out before the end; at the end undecided
/// items take the default, and the removals are applied through the normal removal path (revoking activations made
/// through them), audited and notified. Security administrators and readers read the results.
/// </summary>
public sealed class AccessReviewService(ITenants tenants, IPrincipals principals, IAccessReviews reviews, IScopes scopes, IAccessReader grants,
    IRoleAssignments assignments, AssignmentService removal, IAuditLog audit, IUnitOfWork uow, AccessService access, Notifier notifier,
    ICustomRoles customRoles, TimeProvider time)
{
    /// <summary>The most removals one sweep applies (an instance's removals are applied over as many sweeps as they take).</summary>
    public const int ApplyBatch = 100;

    public async Task<AccessReview> CreateAsync(Caller caller, NewAccessReview definition, CancellationToken ct)
    {
        if (!ScopePath.IsValid(definition.Scope)) throw new PimException(ErrorCodes.InvalidScope, $"'{definition.Scope}' is not a valid scope.");
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetForUpdateAsync(caller.TenantId, ct);
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Creating access reviews", ct);
            var roles = new List<RoleDefinition>();
            foreach (var roleId in definition.RoleIds) roles.Add(await customRoles.GetNamedRoleAsync(tenant.Id, roleId, ct, "roleIds"));
            if (definition.Scope != ScopePath.Root) // a resource scope: resource roles only (directory roles live at '/')
                foreach (var role in roles) role.EnsureScopeFits(definition.Scope);
            var ancestors = await scopes.AncestorsOrRootAsync(tenant.Id, definition.Scope, ct);
            if (roles.Count == 0) tenant.EnsureManaged(RoleCatalog.Get(definition.Scope == ScopePath.Root ? RoleCatalog.GlobalAdministrator : RoleCatalog.Owner), ancestors);
            foreach (var role in roles) tenant.EnsureManaged(role, ancestors);
            if (definition.Reviewers.Kind == ReviewerKind.Principals)
            {
                var found = (await principals.FindManyAsync(tenant.Id, definition.Reviewers.PrincipalIds, ct))
                    .Where(p => p.Kind is PrincipalKind.User or PrincipalKind.Guest or PrincipalKind.Group).Select(p => p.Id);
                var missing = definition.Reviewers.PrincipalIds.Except(found).ToList();
                if (missing.Count > 0)
                    throw new PimException(ErrorCodes.UnknownPrincipal, $"Reviewers must be users, guests or groups of this tenant; unknown: {string.Join(", ", missing)}.");
            }
            if (await reviews.CountAsync(tenant.Id, ct) >= AccessReview.MaximumPerTenant)
                throw new PimException(ErrorCodes.LimitReached, $"A tenant has at most {AccessReview.MaximumPerTenant} access reviews.");
            var review = AccessReview.Create(tenant.Id, definition, now, caller.ActorId);
            await reviews.InsertAsync(review, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.AccessReviewCreated, "accessReview", review.Id) with
            {
                Scope = review.Scope,
                Details = JsonSerializer.Serialize(new { displayName = review.DisplayName, roleIds = review.RoleIds }, DetailsJson),
            }, ct);
            return review;
        }, ct);
    }

    public async Task<Page<AccessReview>> ListAsync(Caller caller, string? after, int pageSize, CancellationToken ct)
    {
        var tenant = await EnsureReaderAsync(caller, ct);
        return Paging.Of(await reviews.ListAsync(tenant.Id, after, pageSize + 1, ct), pageSize, r => r.Id);
    }

    public async Task<AccessReview> GetAsync(Caller caller, string reviewId, CancellationToken ct)
    {
        var tenant = await EnsureReaderAsync(caller, ct);
        return await reviews.FindAsync(tenant.Id, reviewId, ct) ?? throw ReviewNotFound(reviewId);
    }

    public async Task<Page<AccessReviewInstanceView>> ListInstancesAsync(Caller caller, string reviewId, string? after, int pageSize, CancellationToken ct)
    {
        var review = await GetAsync(caller, reviewId, ct);
        var page = Paging.Of(await reviews.ListInstancesAsync(review.TenantId, review.Id, after, pageSize + 1, ct), pageSize, i => i.Id);
        var views = new List<AccessReviewInstanceView>();
        foreach (var instance in page.Items) views.Add(await ViewAsync(instance, ct));
        return new Page<AccessReviewInstanceView>(views, page.NextPageToken);
    }

    public async Task<AccessReviewInstanceView> GetInstanceAsync(Caller caller, string reviewId, string instanceId, CancellationToken ct)
    {
        var review = await GetAsync(caller, reviewId, ct);
        return await ViewAsync(await InstanceOfAsync(review, instanceId, ct), ct);
    }

    /// <summary>Every item of an instance with its decision: the results, for security administrators and readers (JSON or CSV).</summary>
    public async Task<Page<AccessReviewItemView>> ResultsAsync(Caller caller, string reviewId, string instanceId, string? after, int pageSize, CancellationToken ct)
    {
        var review = await GetAsync(caller, reviewId, ct);
        var instance = await InstanceOfAsync(review, instanceId, ct);
        return Views(instance, Paging.Of(await reviews.ListItemsAsync(review.TenantId, instance.Id, null, after, pageSize + 1, ct), pageSize, i => i.AssignmentId));
    }

    /// <summary>The items the caller reviews in an instance (never its own assignments, unless it is a self-review).</summary>
    public async Task<Page<AccessReviewItemView>> ReviewerItemsAsync(Caller caller, string reviewId, string instanceId, string? after, int pageSize,
        CancellationToken ct)
    {
        var (review, instance, reviewer) = await ReviewerContextAsync(caller, reviewId, instanceId, ct);
        var filter = await ReviewerFilterAsync(caller, reviewer, review, ct)
            ?? throw Errors.Forbidden($"You are not a reviewer of the access review '{review.Id}'.");
        return Views(instance, Paging.Of(await reviews.ListItemsAsync(review.TenantId, instance.Id, filter, after, pageSize + 1, ct), pageSize, i => i.AssignmentId));
    }

    /// <summary>A reviewer decides an item (once, while the instance is in progress), with a justification when the review asks for one.</summary>
    public async Task<AccessReviewItemView> DecideAsync(Caller caller, string reviewId, string instanceId, string assignmentId, AccessReviewDecision decision,
        string? justification, CancellationToken ct)
    {
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var (review, instance, reviewer) = await ReviewerContextAsync(caller, reviewId, instanceId, ct);
            var item = await reviews.FindItemAsync(review.TenantId, instance.Id, assignmentId, ct)
                ?? throw Errors.NotFound($"Item '{assignmentId}' of access review instance '{instance.Id}'");
            await EnsureMayDecideAsync(caller, reviewer, review, item, ct);
            instance.EnsureInProgress(now);
            if (review.JustificationRequired && string.IsNullOrWhiteSpace(justification))
                throw new PimException(ErrorCodes.JustificationRequired, $"The access review '{review.Id}' requires a justification for each decision.");
            item.Decide(decision, reviewer.Id, justification, now);
            if (!await reviews.DecideAsync(item, ct))
                throw new PimException(ErrorCodes.InvalidStateTransition, $"Item '{assignmentId}' was decided by another reviewer at the same time; read it again.");
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.AccessReviewDecided, "accessReviewItem", item.AssignmentId) with
            {
                PrincipalId = item.PrincipalId,
                RoleId = item.RoleId,
                Scope = item.Scope,
                Justification = justification,
                Details = JsonSerializer.Serialize(new { reviewId = review.Id, instanceId = instance.Id, decision = AccessReviewDecisions.ToText(decision) }, DetailsJson),
            }, ct);
            return new AccessReviewItemView(item, item.RecommendationReason(instance.StartsAt));
        }, ct);
    }

    /// <summary>
    /// A PIM administrator applies the results of an ended instance (of a review without autoApply, or before the sweeper
    /// does): undecided items take the default first, then every removal goes through the normal removal path.
    /// </summary>
    public async Task<AccessReviewInstanceView> ApplyAsync(Caller caller, string reviewId, string instanceId, CancellationToken ct)
    {
        var now = time.Now();
        var instance = await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Applying the results of access reviews", ct);
            tenant.EnsureConsented();
            var review = await reviews.FindAsync(tenant.Id, reviewId, ct) ?? throw ReviewNotFound(reviewId);
            // Held until this commits: a sweeper that would end or apply the same instance skips it meanwhile, and finds it done after.
            var instance = await reviews.FindInstanceForUpdateAsync(review.TenantId, review.Id, instanceId, ct)
                ?? throw Errors.NotFound($"Instance '{instanceId}' of access review '{review.Id}'");
            if (instance.StatusAt(now) == AccessReviewInstanceStatus.InProgress)
                throw new PimException(ErrorCodes.InvalidStateTransition, $"Access review instance '{instance.Id}' is in progress until {instance.EndsAt:O}.");
            if (instance.AppliedAt is { } appliedAt)
                throw new PimException(ErrorCodes.InvalidStateTransition, $"The results of access review instance '{instance.Id}' were applied at {appliedAt:O}.");
            if (instance.EndedAt is null) await EndAsync(caller, review, instance, now, ct);
            while (await ApplySomeAsync(caller, review, instance, now, ct) == ApplyBatch) { }
            return instance;
        }, ct);
        return await ViewAsync(instance, ct);
    }

    /// <summary>
    /// A PIM administrator stops an instance in progress before its end (as Entra's stop does): reviewers can decide no
    /// more, undecided items take the default at once, and the results are applied as after a normal end (by the sweeper
    /// with autoApply, else by an administrator). An instance that has ended is refused: its decisions are final already.
    /// </summary>
    public async Task<AccessReviewInstanceView> StopAsync(Caller caller, string reviewId, string instanceId, CancellationToken ct)
    {
        var now = time.Now();
        var instance = await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Stopping access reviews", ct);
            tenant.EnsureConsented();
            var review = await reviews.FindAsync(tenant.Id, reviewId, ct) ?? throw ReviewNotFound(reviewId);
            // Held until this commits: a sweeper that would end the same instance skips it meanwhile, and finds it ended after.
            var instance = await reviews.FindInstanceForUpdateAsync(review.TenantId, review.Id, instanceId, ct)
                ?? throw Errors.NotFound($"Instance '{instanceId}' of access review '{review.Id}'");
            instance.EnsureStoppable(now);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.AccessReviewStopped, "accessReview", review.Id) with
            {
                Scope = review.Scope,
                Details = JsonSerializer.Serialize(new { instanceId = instance.Id, endsAt = instance.EndsAt }, DetailsJson),
            }, ct);
            await EndAsync(caller, review, instance, now, ct);
            return instance;
        }, ct);
        return await ViewAsync(instance, ct);
    }

    /// <summary>
    /// What time alone does to access reviews, in any tenant, once each even with several sweepers: instances that are
    /// due start, reminders go out, instances that reached their end take their defaults, and autoApply removals are
    /// applied (a batch at a time). Returns how much it did (0: nothing was due).
    /// </summary>
    public async Task<int> SweepAsync(int limit, CancellationToken ct)
    {
        var now = time.Now();
        var done = await uow.RunAsync<int>(async () =>
        {
            var due = await reviews.ClaimDueAsync(now, limit, ct);
            foreach (var review in due) await StartAsync(review, now, ct);
            return due.Count;
        }, ct);
        done += await uow.RunAsync<int>(async () =>
        {
            var due = await reviews.ClaimDueRemindersAsync(now, limit, ct);
            foreach (var instance in due) await RemindAsync(instance, now, ct);
            return due.Count;
        }, ct);
        done += await uow.RunAsync<int>(async () =>
        {
            var due = await reviews.ClaimDueEndsAsync(now, limit, ct);
            foreach (var instance in due) await EndAsync(Caller.System(instance.TenantId), await ReviewOfAsync(instance, ct), instance, now, ct);
            return due.Count;
        }, ct);
        done += await uow.RunAsync(async () =>
        {
            var applied = 0;
            foreach (var instance in await reviews.ClaimDueApplicationsAsync(1, ct))
                applied += 1 + await ApplySomeAsync(Caller.System(instance.TenantId), await ReviewOfAsync(instance, ct), instance, now, ct);
            return applied;
        }, ct);
        return done;
    }

    private async Task StartAsync(AccessReview review, DateTimeOffset now, CancellationToken ct)
    {
        var instance = review.StartInstance(now);
        var items = await reviews.StartInstanceAsync(review, instance, now, ct);
        await audit.AppendAsync(AuditEvent.For(Caller.System(review.TenantId), now, AuditActions.AccessReviewStarted, "accessReview", review.Id) with
        {
            Scope = review.Scope,
            Details = JsonSerializer.Serialize(new { instanceId = instance.Id, items }, DetailsJson),
        }, ct);
        if (items > 0) await notifier.AccessReviewStartedAsync(review, instance, items, await ReviewersAsync(review, instance, ct), ct);
    }

    private async Task RemindAsync(AccessReviewInstance instance, DateTimeOffset now, CancellationToken ct)
    {
        var review = await ReviewOfAsync(instance, ct);
        var progress = await reviews.ProgressAsync(instance.TenantId, instance.Id, ct);
        var undecided = progress.Items - progress.Decided;
        if (undecided > 0) await notifier.AccessReviewReminderAsync(review, instance, undecided, await ReviewersAsync(review, instance, ct), ct);
        instance.Reminded(now);
        await reviews.UpdateInstanceAsync(instance, ct);
    }

    /// <summary>The decisions become final: undecided items take the review's default.</summary>
    private async Task EndAsync(Caller caller, AccessReview review, AccessReviewInstance instance, DateTimeOffset now, CancellationToken ct)
    {
        var defaulted = await reviews.DecideByDefaultAsync(review.TenantId, instance.Id, review.DefaultDecision, now, ct);
        instance.Ended(now);
        await reviews.UpdateInstanceAsync(instance, ct);
        var progress = await reviews.ProgressAsync(review.TenantId, instance.Id, ct);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.AccessReviewEnded, "accessReview", review.Id) with
        {
            Scope = review.Scope,
            Details = JsonSerializer.Serialize(new { instanceId = instance.Id, items = progress.Items, defaulted, keep = progress.Kept, remove = progress.Removed }, DetailsJson),
        }, ct);
    }

    /// <summary>
    /// Applies up to <see cref="ApplyBatch"/> removals of an ended instance through the normal removal path; once none
    /// is left, the instance is applied (audited, and the PIM administrators told). Returns how many it applied.
    /// </summary>
    private async Task<int> ApplySomeAsync(Caller caller, AccessReview review, AccessReviewInstance instance, DateTimeOffset now, CancellationToken ct)
    {
        var batch = await reviews.ListToApplyAsync(review.TenantId, instance.Id, ApplyBatch, ct);
        foreach (var item in batch)
        {
            var assignment = await assignments.FindAsync(review.TenantId, item.AssignmentId, ct);
            var removed = assignment is not null && await removal.RemoveWithinAsync(caller, assignment,
                JsonSerializer.Serialize(new { reason = "access-review", reviewId = review.Id, instanceId = instance.Id }, DetailsJson), now, ct);
            item.Applied(removed ? AccessReviewOutcomes.Removed : AccessReviewOutcomes.AlreadyGone, now);
            await reviews.MarkAppliedAsync(item, ct);
            if (removed) await notifier.AccessReviewRemovedAsync(review, item, ct);
        }
        if (batch.Count == ApplyBatch) return batch.Count;
        instance.Applied(now);
        await reviews.UpdateInstanceAsync(instance, ct);
        var progress = await reviews.ProgressAsync(review.TenantId, instance.Id, ct);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.AccessReviewApplied, "accessReview", review.Id) with
        {
            Scope = review.Scope,
            Details = JsonSerializer.Serialize(new { instanceId = instance.Id, removed = progress.Applied }, DetailsJson),
        }, ct);
        await notifier.AccessReviewAppliedAsync(review, instance, progress.Applied, ct);
        return batch.Count;
    }

    /// <summary>Who reviews the instance now: its undecided items' holders (self), the named users and groups' members, or the PIM administrators.</summary>
    private async Task<IReadOnlyList<string>> ReviewersAsync(AccessReview review, AccessReviewInstance instance, CancellationToken ct) =>
        review.Reviewers.Kind switch
        {
            ReviewerKind.Self => await reviews.ListUndecidedHoldersAsync(review.TenantId, instance.Id, ct),
            ReviewerKind.Principals => await ExpandGroupsAsync(review.TenantId, review.Reviewers.PrincipalIds, ct),
            _ => await grants.ListHoldersAsync(review.TenantId, RoleCatalog.PimAdministrators, time.Now(), ct),
        };

    private async Task<IReadOnlyList<string>> ExpandGroupsAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var groups = (await principals.FindManyAsync(tenantId, ids, ct)).Where(p => p.Kind == PrincipalKind.Group).Select(p => p.Id).ToList();
        return ids.Except(groups).Concat(groups.Count == 0 ? [] : await principals.ListMembersAsync(tenantId, groups, ct)).Distinct().ToList();
    }

    /// <summary>The review, the instance and the reviewer (a principal of the tenant, enabled) a reviewer's request is about.</summary>
    private async Task<(AccessReview Review, AccessReviewInstance Instance, Principal Reviewer)> ReviewerContextAsync(Caller caller, string reviewId,
        string instanceId, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        var principalId = caller.RequirePrincipal();
        tenant.EnsureConsented();
        var reviewer = await principals.FindAsync(tenant.Id, principalId, ct);
        if (reviewer is { Enabled: false })
            throw new PimException(ErrorCodes.PrincipalDisabled, "Your account is disabled in this tenant: it cannot review access.");
        var review = await reviews.FindAsync(tenant.Id, reviewId, ct) ?? throw ReviewNotFound(reviewId);
        var instance = await InstanceOfAsync(review, instanceId, ct);
        return (review, instance, reviewer ?? throw Errors.Forbidden($"You are not a reviewer of the access review '{review.Id}'."));
    }

    /// <summary>Which items the caller reviews; null when it reviews none.</summary>
    private async Task<ReviewerItems?> ReviewerFilterAsync(Caller caller, Principal reviewer, AccessReview review, CancellationToken ct)
    {
        IReadOnlyList<string> own = [reviewer.Id, .. reviewer.TransitiveMemberOf];
        switch (review.Reviewers.Kind)
        {
            case ReviewerKind.Self:
                return new ReviewerItems(reviewer.Id, [], null);
            case ReviewerKind.Principals:
                return IsNamed(reviewer, review) ? new ReviewerItems(null, own, null) : null;
            default:
                if (await access.HoldsAnyAsync(caller, RoleCatalog.PimAdministrators, ct)) return new ReviewerItems(null, own, null);
                var administered = (await grants.FindGrantsAsync(review.TenantId, reviewer.Id, RoleCatalog.ResourceAdministrators, null, time.Now(), ct))
                    .Select(g => g.Scope).Where(s => s != ScopePath.Root).Distinct().ToList();
                return administered.Count > 0 ? new ReviewerItems(null, own, administered) : null;
        }
    }

    /// <summary>
    /// The caller reviews the item: in a self-review, its own; else as a named reviewer, or as an administrator of the
    /// item's role at its scope (PIM administrators; for resource roles also the scope's Owners and User Access
    /// Administrators) — and never an assignment of its own or of one of its groups.
    /// </summary>
    private async Task EnsureMayDecideAsync(Caller caller, Principal reviewer, AccessReview review, AccessReviewItem item, CancellationToken ct)
    {
        if (review.Reviewers.Kind == ReviewerKind.Self)
        {
            if (item.PrincipalId != reviewer.Id) throw Errors.Forbidden("In a self-review each principal decides on its own assignments only.");
            return;
        }
        if (review.Reviewers.Kind == ReviewerKind.Principals)
        {
            if (!IsNamed(reviewer, review)) throw Errors.Forbidden($"You are not a reviewer of the access review '{review.Id}'.");
        }
        else await access.EnsureAdministersAsync(caller, await customRoles.GetRoleAsync(caller.TenantId, item.RoleId, ct), item.Scope, "Reviewing this assignment", ct);
        if (item.PrincipalId == reviewer.Id || reviewer.TransitiveMemberOf.Contains(item.PrincipalId))
            throw new PimException(ErrorCodes.SelfReviewForbidden, "Reviewers may not decide on their own assignments (or their groups').");
    }

    private static bool IsNamed(Principal reviewer, AccessReview review) =>
        review.Reviewers.PrincipalIds.Contains(reviewer.Id) || reviewer.TransitiveMemberOf.Any(review.Reviewers.PrincipalIds.Contains);

    private async Task<AccessReviewInstance> InstanceOfAsync(AccessReview review, string instanceId, CancellationToken ct) =>
        await reviews.FindInstanceAsync(review.TenantId, review.Id, instanceId, ct)
        ?? throw Errors.NotFound($"Instance '{instanceId}' of access review '{review.Id}'");

    private async Task<AccessReview> ReviewOfAsync(AccessReviewInstance instance, CancellationToken ct) =>
        await reviews.FindAsync(instance.TenantId, instance.ReviewId, ct) ?? throw new InvalidDataException($"Access review '{instance.ReviewId}' is gone.");

    private async Task<AccessReviewInstanceView> ViewAsync(AccessReviewInstance instance, CancellationToken ct) =>
        new(instance, await reviews.ProgressAsync(instance.TenantId, instance.Id, ct), time.Now());

    private static Page<AccessReviewItemView> Views(AccessReviewInstance instance, Page<AccessReviewItem> page) =>
        page.Map(i => new AccessReviewItemView(i, i.RecommendationReason(instance.StartsAt)));

    /// <summary>Security administrators and readers (and the PIM administrators) read access reviews and their results.</summary>
    private async Task<Tenant> EnsureReaderAsync(Caller caller, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.AuditReaders, "Reading access reviews", ct);
        tenant.EnsureConsented();
        return tenant;
    }

    private static PimException ReviewNotFound(string id) => Errors.NotFound($"Access review '{id}'");

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
}
