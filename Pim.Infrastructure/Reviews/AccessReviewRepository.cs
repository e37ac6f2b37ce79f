using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Access reviews, their instances and items. Sweepers claim what is due (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL;
/// SQLite's write lock serialises writers), so an instance starts, is reminded and ends once across replicas; an
/// instance's items are written in one set-based statement from the assignments in scope.
/// </summary>
public sealed class AccessReviewRepository(DbSession db) : IAccessReviews
{
    private sealed class ReviewRow
    {
        public string TenantId { get; set; } = "";
        public string ReviewId { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Scope { get; set; } = "";
        public string RoleIds { get; set; } = "";
        public string AssignmentTypes { get; set; } = "";
        public string Reviewers { get; set; } = "";
        public string ReviewerIds { get; set; } = "";
        public long? RecurrenceSeconds { get; set; }
        public long DurationSeconds { get; set; }
        public string DefaultDecision { get; set; } = "";
        public int AutoApply { get; set; }
        public int JustificationRequired { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public DateTimeOffset? NextInstanceAt { get; set; }
        public int InstanceCount { get; set; }

        public AccessReview ToDomain() => AccessReview.Rehydrate(TenantId, ReviewId, new NewAccessReview(DisplayName, Scope, List(RoleIds),
                AccessReviewDecisions.ParseAssignments(AssignmentTypes) ?? throw Unknown(AssignmentTypes),
                Reviewers switch
                {
                    AccessReviewers.SelfText => AccessReviewers.Self,
                    AccessReviewers.RoleAdministratorsText => AccessReviewers.RoleAdministrators,
                    _ => AccessReviewers.Of(List(ReviewerIds)),
                },
                RecurrenceSeconds is { } r ? TimeSpan.FromSeconds(r) : null, TimeSpan.FromSeconds(DurationSeconds),
                AccessReviewDecisions.ParseDefault(DefaultDecision) ?? throw Unknown(DefaultDecision), AutoApply == 1, JustificationRequired == 1),
            CreatedAt, CreatedBy, NextInstanceAt, InstanceCount);
    }

    /// <summary>',a,b,' (empty: ','), matched with LIKE '%,' || id || ',%' like webhooks' event types.</summary>
    private static string Joined(IEnumerable<string> ids) => "," + string.Concat(ids.Select(id => id + ","));

    private static IReadOnlyList<string> List(string joined) => joined.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static InvalidDataException Unknown(string value) => new($"Unknown access review value '{value}'.");

    private const string ReviewColumns = """
        tenant_id, review_id, display_name, scope, role_ids, assignment_types, reviewers, reviewer_ids, recurrence_seconds, duration_seconds,
        default_decision, auto_apply, justification_required, created_at, created_by, next_instance_at, instance_count
        """;

    public async Task InsertAsync(AccessReview r, CancellationToken ct)
    {
        const string sql = $"""
            INSERT INTO access_reviews ({ReviewColumns})
            VALUES (@TenantId, @Id, @DisplayName, @Scope, @roleIds, @assignmentTypes, @reviewers, @reviewerIds, @recurrenceSeconds, @durationSeconds,
                    @defaultDecision, @autoApply, @justificationRequired, @CreatedAt, @CreatedBy, @NextInstanceAt, @InstanceCount)
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new
        {
            r.TenantId, r.Id, r.DisplayName, r.Scope, roleIds = Joined(r.RoleIds), assignmentTypes = AccessReviewDecisions.ToText(r.AssignmentTypes),
            reviewers = r.Reviewers.Kind switch
            {
                ReviewerKind.Self => AccessReviewers.SelfText,
                ReviewerKind.RoleAdministrators => AccessReviewers.RoleAdministratorsText,
                _ => "principals",
            },
            reviewerIds = Joined(r.Reviewers.PrincipalIds), recurrenceSeconds = r.Recurrence is { } every ? (long?)every.TotalSeconds : null,
            durationSeconds = (long)r.Duration.TotalSeconds, defaultDecision = AccessReviewDecisions.ToText(r.DefaultDecision),
            autoApply = r.AutoApply ? 1 : 0, justificationRequired = r.JustificationRequired ? 1 : 0, r.CreatedAt, r.CreatedBy, r.NextInstanceAt, r.InstanceCount,
        }, ct));
    }

    public async Task<AccessReview?> FindAsync(string tenantId, string reviewId, CancellationToken ct)
    {
        const string sql = $"SELECT {ReviewColumns} FROM access_reviews WHERE tenant_id = @tenantId AND review_id = @reviewId";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<ReviewRow>(db.Command(sql, new { tenantId, reviewId }, ct)))?.ToDomain();
    }

    public async Task<IReadOnlyList<AccessReview>> ListAsync(string tenantId, string? after, int limit, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {ReviewColumns} FROM access_reviews WHERE tenant_id = @tenantId AND (@after IS NULL OR review_id > @after)
            ORDER BY review_id LIMIT @limit
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<ReviewRow>(db.Command(sql, new { tenantId, after, limit }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<int> CountAsync(string tenantId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (int)await connection.ExecuteScalarAsync<long>(db.Command("SELECT COUNT(*) FROM access_reviews WHERE tenant_id = @tenantId", new { tenantId }, ct));
    }

    public async Task<IReadOnlyList<AccessReview>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        var sql = $"SELECT {ReviewColumns} FROM access_reviews WHERE next_instance_at <= @now ORDER BY next_instance_at LIMIT @limit{db.Store.SkipLocked}";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<ReviewRow>(db.Command(sql, new { now, limit }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<int> StartInstanceAsync(AccessReview review, AccessReviewInstance instance, DateTimeOffset now, CancellationToken ct)
    {
        const string insertInstance = """
            INSERT INTO access_review_instances (tenant_id, instance_id, review_id, sequence, starts_at, ends_at, remind_at)
            VALUES (@TenantId, @Id, @ReviewId, @Sequence, @StartsAt, @EndsAt, @RemindAt)
            """;
        // The assignments in scope now (not ended; of the review's roles and types; at its scope or below), each with the
        // recommendation: remove when older than the lookback and neither activated nor used within it.
        var insertItems = $"""
            INSERT INTO access_review_items (tenant_id, instance_id, assignment_id, principal_id, role_id, scope, assignment_type, assigned_at,
                                             last_activity_at, recommendation)
            SELECT a.tenant_id, @instanceId, a.assignment_id, a.principal_id, a.role_id, a.scope, a.type, a.created_at,
                   {AssignmentUseSql.LastActivity(db.Store.Provider)},
                   CASE WHEN a.created_at < @since AND {AssignmentUseSql.NotUsedSince} THEN 'remove' ELSE 'keep' END
            FROM role_assignments a
            WHERE a.tenant_id = @tenantId AND (a.ends_at IS NULL OR a.ends_at > @now)
              AND (@types = 'both' OR a.type = @types)
              AND (@allRoles = 1 OR {db.Store.In("a.role_id", "roleIds")})
              AND (@scope = '/' OR a.scope = @scope
                   OR a.scope IN (SELECT x.scope FROM scope_ancestors x WHERE x.tenant_id = @tenantId AND x.ancestor_scope = @scope))
            """;
        const string schedule = """
            UPDATE access_reviews SET next_instance_at = @NextInstanceAt, instance_count = @InstanceCount
            WHERE tenant_id = @TenantId AND review_id = @Id AND instance_count = @InstanceCount - 1
            """;
        await db.WithoutJitAsync(ct);
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(insertInstance, instance, ct));
        var items = await connection.ExecuteAsync(db.Command(insertItems, new
        {
            tenantId = review.TenantId, instanceId = instance.Id, now, since = now - AccessReview.RecommendationLookback,
            types = AccessReviewDecisions.ToText(review.AssignmentTypes), allRoles = review.RoleIds.Count == 0 ? 1 : 0, roleIds = review.RoleIds.ToArray(),
            scope = review.Scope,
        }, ct));
        if (await connection.ExecuteAsync(db.Command(schedule, new { review.NextInstanceAt, review.InstanceCount, review.TenantId, review.Id }, ct)) != 1)
            throw new PimException(ErrorCodes.Conflict, $"Access review '{review.Id}' was started by another sweeper at the same time.");
        return items;
    }

    private sealed class InstanceRow
    {
        public string TenantId { get; set; } = "";
        public string InstanceId { get; set; } = "";
        public string ReviewId { get; set; } = "";
        public int Sequence { get; set; }
        public DateTimeOffset StartsAt { get; set; }
        public DateTimeOffset EndsAt { get; set; }
        public DateTimeOffset RemindAt { get; set; }
        public DateTimeOffset? RemindedAt { get; set; }
        public DateTimeOffset? EndedAt { get; set; }
        public DateTimeOffset? AppliedAt { get; set; }

        public AccessReviewInstance ToDomain() =>
            AccessReviewInstance.Rehydrate(TenantId, InstanceId, ReviewId, Sequence, StartsAt, EndsAt, RemindAt, RemindedAt, EndedAt, AppliedAt);
    }

    private const string InstanceSelect = """
        SELECT i.tenant_id, i.instance_id, i.review_id, i.sequence, i.starts_at, i.ends_at, i.remind_at, i.reminded_at, i.ended_at, i.applied_at
        FROM access_review_instances i
        """;

    public Task<AccessReviewInstance?> FindInstanceAsync(string tenantId, string reviewId, string instanceId, CancellationToken ct) =>
        FindInstanceAsync(tenantId, reviewId, instanceId, "", ct);

    public Task<AccessReviewInstance?> FindInstanceForUpdateAsync(string tenantId, string reviewId, string instanceId, CancellationToken ct) =>
        FindInstanceAsync(tenantId, reviewId, instanceId, db.Store.HoldRow, ct);

    private async Task<AccessReviewInstance?> FindInstanceAsync(string tenantId, string reviewId, string instanceId, string hold, CancellationToken ct)
    {
        var sql = InstanceSelect + $" WHERE i.tenant_id = @tenantId AND i.review_id = @reviewId AND i.instance_id = @instanceId{hold}";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<InstanceRow>(db.Command(sql, new { tenantId, reviewId, instanceId }, ct)))?.ToDomain();
    }

    public Task<IReadOnlyList<AccessReviewInstance>> ListInstancesAsync(string tenantId, string reviewId, string? after, int limit, CancellationToken ct) =>
        InstancesAsync(InstanceSelect + """
             WHERE i.tenant_id = @tenantId AND i.review_id = @reviewId AND (@after IS NULL OR i.instance_id < @after)
            ORDER BY i.instance_id DESC LIMIT @limit
            """, new { tenantId, reviewId, after, limit }, ct);

    private sealed class ProgressRow
    {
        public long Items { get; set; }
        public long Decided { get; set; }
        public long Kept { get; set; }
        public long Removed { get; set; }
        public long Applied { get; set; }
    }

    public async Task<AccessReviewProgress> ProgressAsync(string tenantId, string instanceId, CancellationToken ct)
    {
        const string sql = """
            SELECT COUNT(*) AS items, COUNT(decision) AS decided,
                   COALESCE(SUM(CASE WHEN decision = 'keep' THEN 1 ELSE 0 END), 0) AS kept,
                   COALESCE(SUM(CASE WHEN decision = 'remove' THEN 1 ELSE 0 END), 0) AS removed,
                   COALESCE(SUM(CASE WHEN outcome = 'removed' THEN 1 ELSE 0 END), 0) AS applied
            FROM access_review_items WHERE tenant_id = @tenantId AND instance_id = @instanceId
            """;
        var connection = await db.ConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<ProgressRow>(db.Command(sql, new { tenantId, instanceId }, ct));
        return new AccessReviewProgress((int)row.Items, (int)row.Decided, (int)row.Kept, (int)row.Removed, (int)row.Applied);
    }

    public async Task UpdateInstanceAsync(AccessReviewInstance i, CancellationToken ct)
    {
        const string sql = """
            UPDATE access_review_instances SET reminded_at = @RemindedAt, ended_at = @EndedAt, applied_at = @AppliedAt
            WHERE tenant_id = @TenantId AND instance_id = @Id
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, i, ct));
    }

    public Task<IReadOnlyList<AccessReviewInstance>> ClaimDueRemindersAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        InstancesAsync(InstanceSelect + $"""
             WHERE i.remind_at <= @now AND i.reminded_at IS NULL AND i.ends_at > @now AND i.ended_at IS NULL
            ORDER BY i.remind_at LIMIT @limit{db.Store.SkipLocked}
            """, new { now, limit }, ct);

    public Task<IReadOnlyList<AccessReviewInstance>> ClaimDueEndsAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        InstancesAsync(InstanceSelect + $" WHERE i.ends_at <= @now AND i.ended_at IS NULL ORDER BY i.ends_at LIMIT @limit{db.Store.SkipLocked}",
            new { now, limit }, ct);

    public Task<IReadOnlyList<AccessReviewInstance>> ClaimDueApplicationsAsync(int limit, CancellationToken ct) =>
        InstancesAsync(InstanceSelect + $"""
             WHERE i.ended_at IS NOT NULL AND i.applied_at IS NULL
              AND EXISTS (SELECT 1 FROM access_reviews r WHERE r.tenant_id = i.tenant_id AND r.review_id = i.review_id AND r.auto_apply = 1)
            ORDER BY i.ended_at LIMIT @limit{db.Store.SkipLocked}
            """, new { limit }, ct);

    private async Task<IReadOnlyList<AccessReviewInstance>> InstancesAsync(string sql, object parameters, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<InstanceRow>(db.Command(sql, parameters, ct))).Select(r => r.ToDomain()).ToList();
    }

    private sealed class ItemRow
    {
        public string TenantId { get; set; } = "";
        public string InstanceId { get; set; } = "";
        public string AssignmentId { get; set; } = "";
        public string PrincipalId { get; set; } = "";
        public string? PrincipalDisplayName { get; set; }
        public string RoleId { get; set; } = "";
        public string Scope { get; set; } = "";
        public string AssignmentType { get; set; } = "";
        public DateTimeOffset AssignedAt { get; set; }
        public DateTimeOffset? LastActivityAt { get; set; }
        public string Recommendation { get; set; } = "";
        public string? Decision { get; set; }
        public string? DecidedBy { get; set; }
        public DateTimeOffset? DecidedAt { get; set; }
        public string? Justification { get; set; }
        public int DecidedByDefault { get; set; }
        public DateTimeOffset? AppliedAt { get; set; }
        public string? Outcome { get; set; }

        public AccessReviewItem ToDomain() => AccessReviewItem.Rehydrate(TenantId, InstanceId, AssignmentId, PrincipalId, PrincipalDisplayName, RoleId, Scope,
            AssignmentTypes.Parse(AssignmentType) ?? throw Unknown(AssignmentType), AssignedAt, LastActivityAt,
            AccessReviewDecisions.ParseDecision(Recommendation) ?? throw Unknown(Recommendation),
            Decision is null ? null : AccessReviewDecisions.ParseDecision(Decision) ?? throw Unknown(Decision),
            DecidedBy, DecidedAt, Justification, DecidedByDefault == 1, AppliedAt, Outcome);
    }

    private const string ItemSelect = """
        SELECT i.tenant_id, i.instance_id, i.assignment_id, i.principal_id, p.display_name AS principal_display_name, i.role_id, i.scope,
               i.assignment_type, i.assigned_at, i.last_activity_at, i.recommendation, i.decision, i.decided_by, i.decided_at, i.justification,
               i.decided_by_default, i.applied_at, i.outcome
        FROM access_review_items i
        LEFT JOIN principals p ON p.tenant_id = i.tenant_id AND p.principal_id = i.principal_id
        """;

    public async Task<AccessReviewItem?> FindItemAsync(string tenantId, string instanceId, string assignmentId, CancellationToken ct)
    {
        const string sql = ItemSelect + " WHERE i.tenant_id = @tenantId AND i.instance_id = @instanceId AND i.assignment_id = @assignmentId";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<ItemRow>(db.Command(sql, new { tenantId, instanceId, assignmentId }, ct)))?.ToDomain();
    }

    public async Task<IReadOnlyList<AccessReviewItem>> ListItemsAsync(string tenantId, string instanceId, ReviewerItems? reviewer, string? after, int limit,
        CancellationToken ct)
    {
        var filter = reviewer is null ? ""
            : (reviewer.OnlyPrincipalId is null ? "" : " AND i.principal_id = @onlyPrincipalId")
              + (reviewer.ExceptPrincipalIds.Count == 0 ? "" : $" AND NOT ({db.Store.In("i.principal_id", "exceptPrincipalIds")})")
              + (reviewer.UnderScopes is null ? ""
                  : $" AND i.scope IN (SELECT x.scope FROM scope_ancestors x WHERE x.tenant_id = i.tenant_id AND {db.Store.In("x.ancestor_scope", "underScopes")})");
        var sql = ItemSelect + $"""
             WHERE i.tenant_id = @tenantId AND i.instance_id = @instanceId{filter} AND (@after IS NULL OR i.assignment_id > @after)
            ORDER BY i.assignment_id LIMIT @limit
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<ItemRow>(db.Command(sql, new
        {
            tenantId, instanceId, after, limit, onlyPrincipalId = reviewer?.OnlyPrincipalId, exceptPrincipalIds = reviewer?.ExceptPrincipalIds.ToArray() ?? [],
            underScopes = reviewer?.UnderScopes?.ToArray() ?? [],
        }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<bool> DecideAsync(AccessReviewItem item, CancellationToken ct)
    {
        const string sql = """
            UPDATE access_review_items SET decision = @decision, decided_by = @DecidedBy, decided_at = @DecidedAt, justification = @Justification
            WHERE tenant_id = @TenantId AND instance_id = @InstanceId AND assignment_id = @AssignmentId AND decision IS NULL
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new
        {
            decision = item.Decision is { } d ? AccessReviewDecisions.ToText(d) : null, item.DecidedBy, item.DecidedAt, item.Justification,
            item.TenantId, item.InstanceId, item.AssignmentId,
        }, ct)) == 1;
    }

    public async Task<int> DecideByDefaultAsync(string tenantId, string instanceId, AccessReviewDefault decision, DateTimeOffset now, CancellationToken ct)
    {
        var value = decision == AccessReviewDefault.Recommendation ? "recommendation" : $"'{AccessReviewDecisions.ToText(decision)}'";
        var sql = $"""
            UPDATE access_review_items SET decision = {value}, decided_by = @system, decided_at = @now, decided_by_default = 1
            WHERE tenant_id = @tenantId AND instance_id = @instanceId AND decision IS NULL
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new { tenantId, instanceId, now, system = AuditEvent.SystemActor }, ct));
    }

    public async Task<IReadOnlyList<string>> ListUndecidedHoldersAsync(string tenantId, string instanceId, CancellationToken ct)
    {
        const string sql = """
            SELECT DISTINCT i.principal_id FROM access_review_items i
            JOIN principals p ON p.tenant_id = i.tenant_id AND p.principal_id = i.principal_id AND p.kind <> 'group' AND p.disabled_at IS NULL
            WHERE i.tenant_id = @tenantId AND i.instance_id = @instanceId AND i.decision IS NULL
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, instanceId }, ct))).ToList();
    }

    public async Task<IReadOnlyList<AccessReviewItem>> ListToApplyAsync(string tenantId, string instanceId, int limit, CancellationToken ct)
    {
        const string sql = ItemSelect + """
             WHERE i.tenant_id = @tenantId AND i.instance_id = @instanceId AND i.decision = 'remove' AND i.applied_at IS NULL
            ORDER BY i.assignment_id LIMIT @limit
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<ItemRow>(db.Command(sql, new { tenantId, instanceId, limit }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task MarkAppliedAsync(AccessReviewItem item, CancellationToken ct)
    {
        const string sql = """
            UPDATE access_review_items SET applied_at = @AppliedAt, outcome = @Outcome
            WHERE tenant_id = @TenantId AND instance_id = @InstanceId AND assignment_id = @AssignmentId
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new { item.AppliedAt, item.Outcome, item.TenantId, item.InstanceId, item.AssignmentId }, ct));
    }
}
