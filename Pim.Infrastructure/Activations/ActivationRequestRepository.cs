using System.Text.Json;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

public sealed class ActivationRequestRepository(DbSession db) : IActivationRequests
{
    /// <summary>The approval (stages and decisions), follow-up and notices sent are kept as JSON documents beside the columns.</summary>
    private static string? Document<T>(T? value) where T : class => value is null ? null : JsonSerializer.Serialize(value, DocumentJson.Options);

    private static T? Read<T>(string? document) where T : class => document is null ? null : JsonSerializer.Deserialize<T>(document, DocumentJson.Options);

    private sealed class RequestRow
    {
        public string TenantId { get; set; } = "";
        public string RequestId { get; set; } = "";
        public string PrincipalId { get; set; } = "";
        public string RoleId { get; set; } = "";
        public string Scope { get; set; } = "";
        public string AssignmentId { get; set; } = "";
        public string Status { get; set; } = "";
        public long DurationSeconds { get; set; }
        public string? Justification { get; set; }
        public string? TicketNumber { get; set; }
        public string? TicketSystem { get; set; }
        public DateTimeOffset RequestedAt { get; set; }
        public DateTimeOffset StartsAt { get; set; }
        public DateTimeOffset? EndsAt { get; set; }
        public DateTimeOffset? EligibilityEndsAt { get; set; }
        public DateTimeOffset? ApprovalDeadline { get; set; }
        public string? Decision { get; set; }
        public string? DecidedBy { get; set; }
        public DateTimeOffset? DecidedAt { get; set; }
        public string? DecisionJustification { get; set; }
        public DateTimeOffset? ClosedAt { get; set; }
        public int Version { get; set; }
        public long? ExtensionDurationSeconds { get; set; }
        public string? ExtensionJustification { get; set; }
        public DateTimeOffset? ExtensionRequestedAt { get; set; }
        public DateTimeOffset? ExtensionDeadline { get; set; }
        public string? ExtensionApproval { get; set; }
        public string? Approval { get; set; }
        public string? AutoApprovedBy { get; set; }
        public int BreakGlass { get; set; }
        public string? FollowUp { get; set; }
        public long? ExpiryWarningSeconds { get; set; }
        public string? NoticesSent { get; set; }
        public string? GovernedBy { get; set; }

        public ActivationRequest ToDomain() => ActivationRequest.Rehydrate(TenantId, RequestId, PrincipalId, RoleId, Scope, AssignmentId,
            ParseStatus(Status), TimeSpan.FromSeconds(DurationSeconds), Justification,
            TicketNumber is null ? null : new Ticket(TicketNumber, TicketSystem), RequestedAt, StartsAt, EndsAt, EligibilityEndsAt,
            ApprovalDeadline, Decision is null ? null : new ApprovalDecision(Decision == "approved", DecidedBy!, DecidedAt!.Value, DecisionJustification),
            ClosedAt, Version,
            ExtensionRequestedAt is null ? null
                : new PendingExtension(TimeSpan.FromSeconds(ExtensionDurationSeconds!.Value), ExtensionJustification, ExtensionRequestedAt.Value,
                    ExtensionDeadline!.Value, Read<ApprovalProgress>(ExtensionApproval)),
            Read<ApprovalProgress>(Approval), AutoApprovedBy, BreakGlass != 0, Read<BreakGlassFollowUp>(FollowUp),
            ExpiryWarningSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, Read<List<string>>(NoticesSent), Read<List<GoverningRole>>(GovernedBy));
    }

    private const string Select = """
        SELECT tenant_id, request_id, principal_id, role_id, scope, assignment_id, status, duration_seconds, justification,
               ticket_number, ticket_system, requested_at, starts_at, ends_at, eligibility_ends_at, approval_deadline,
               decision, decided_by, decided_at, decision_justification, closed_at, version,
               extension_duration_seconds, extension_justification, extension_requested_at, extension_deadline, extension_approval,
               approval, auto_approved_by, break_glass, follow_up, expiry_warning_seconds, notices_sent, governed_by
        FROM activation_requests r
        """;

    private const string RecordedOpen = ActivationSql.RecordedOpen;

    private static ActivationStatus ParseStatus(string status) =>
        ActivationRequest.ParseWire(status) ?? throw new InvalidDataException($"Unknown activation status '{status}'.");

    public async Task<ActivationRequest?> FindAsync(string tenantId, string requestId, CancellationToken ct)
    {
        const string sql = Select + " WHERE tenant_id = @tenantId AND request_id = @requestId";
        return (await QueryAsync(sql, new { tenantId, requestId }, ct)).SingleOrDefault();
    }

    public async Task<ActivationRequest?> FindForUpdateAsync(string tenantId, string requestId, CancellationToken ct)
    {
        var sql = Select + " WHERE tenant_id = @tenantId AND request_id = @requestId" + db.Store.HoldRow;
        return (await QueryAsync(sql, new { tenantId, requestId }, ct)).SingleOrDefault();
    }

    public async Task<ActivationRequest?> FindRecordedOpenAsync(string tenantId, string principalId, string roleId, string scope, CancellationToken ct)
    {
        const string sql = Select + $"""
             WHERE tenant_id = @tenantId AND principal_id = @principalId AND role_id = @roleId AND scope = @scope AND {RecordedOpen}
            """;
        return (await QueryAsync(sql, new { tenantId, principalId, roleId, scope }, ct)).SingleOrDefault();
    }

    public Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenByAssignmentAsync(string tenantId, string assignmentId, CancellationToken ct) =>
        QueryAsync(Select + $" WHERE tenant_id = @tenantId AND assignment_id = @assignmentId AND {RecordedOpen}", new { tenantId, assignmentId }, ct);

    public Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenInScopesAsync(string tenantId, IReadOnlyCollection<string> scopes, CancellationToken ct) =>
        QueryAsync(Select + $" WHERE tenant_id = @tenantId AND {db.Store.In("scope", "scopes")} AND {RecordedOpen}", new { tenantId, scopes = scopes.ToArray() }, ct);

    public Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenByPrincipalsAsync(string tenantId, IReadOnlyCollection<string> principalIds,
        CancellationToken ct) =>
        principalIds.Count == 0 ? Task.FromResult<IReadOnlyList<ActivationRequest>>([])
        : QueryAsync(Select + $" WHERE tenant_id = @tenantId AND {db.Store.In("principal_id", "principalIds")} AND {RecordedOpen}",
            new { tenantId, principalIds = principalIds.ToArray() }, ct);

    public Task<IReadOnlyList<ActivationRequest>> ListAwaitingDecisionAsync(string tenantId, string exceptPrincipalId, string? after, int limit,
        DateTimeOffset now, CancellationToken ct)
    {
        const string sql = Select + $"""
             WHERE tenant_id = @tenantId AND {ActivationSql.AwaitingDecisionAt}
              AND principal_id <> @exceptPrincipalId AND (@after IS NULL OR request_id > @after)
            ORDER BY request_id LIMIT @limit
            """;
        return QueryAsync(sql, new { tenantId, exceptPrincipalId, after, limit, now }, ct);
    }

    public Task<IReadOnlyList<ActivationRequest>> ListAsync(string tenantId, ActivationFilter filter, DateTimeOffset now, CancellationToken ct)
    {
        // The status filter is on the status now, which time alone may have moved past the recorded one.
        var status = filter.Status switch
        {
            null => "",
            ActivationStatus.Active => " AND " + ActivationSql.ActiveAt,
            ActivationStatus.Scheduled => " AND " + ActivationSql.ScheduledAt,
            ActivationStatus.PendingApproval => " AND " + ActivationSql.PendingApprovalAt,
            ActivationStatus.Expired => " AND " + ActivationSql.ExpiredAt,
            ActivationStatus.TimedOut => " AND " + ActivationSql.TimedOutAt,
            _ => " AND r.status = @statusText", // the other statuses are final: what is recorded is what is
        };
        var sql = Select + """
             WHERE tenant_id = @tenantId
              AND (@PrincipalId IS NULL OR principal_id = @PrincipalId)
              AND (@RoleId IS NULL OR role_id = @RoleId)
              AND (@After IS NULL OR request_id < @After)
            """ + status + " ORDER BY request_id DESC LIMIT @PageSize";
        var statusText = filter.Status is { } s ? ActivationRequest.Wire(s) : null;
        return QueryAsync(sql, new { tenantId, filter.PrincipalId, filter.RoleId, filter.After, filter.PageSize, now, statusText }, ct);
    }

    public Task<IReadOnlyList<ActivationRequest>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        // Each branch reads one partial index (…_due_end, …_due_start, …_due_approval, …_due_notice); the outer query locks by key.
        const string due = $"""
             WHERE (tenant_id, request_id) IN (
                SELECT r.tenant_id, r.request_id FROM activation_requests r WHERE {ActivationSql.DueToEnd}
                UNION ALL
                SELECT r.tenant_id, r.request_id FROM activation_requests r WHERE {ActivationSql.DueToStart}
                UNION ALL
                SELECT r.tenant_id, r.request_id FROM activation_requests r WHERE {ActivationSql.DueToTimeOut}
                UNION ALL
                SELECT r.tenant_id, r.request_id FROM activation_requests r WHERE {ActivationSql.NoticeDue})
            LIMIT @limit
            """;
        var sql = Select + due + db.Store.SkipLocked;
        return QueryAsync(sql, new { now, limit }, ct);
    }

    /// <summary>Whether a sweep has anything to record: the three forms of <see cref="ClaimDueAsync"/>, without locking.</summary>
    public static async Task<bool> AnyDueAsync(Store store, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = $"""
            SELECT EXISTS (SELECT 1 FROM activation_requests r WHERE {ActivationSql.DueToEnd})
                OR EXISTS (SELECT 1 FROM activation_requests r WHERE {ActivationSql.DueToStart})
                OR EXISTS (SELECT 1 FROM activation_requests r WHERE {ActivationSql.DueToTimeOut})
                OR EXISTS (SELECT 1 FROM activation_requests r WHERE {ActivationSql.NoticeDue})
            """;
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { now }, cancellationToken: ct));
    }

    public async Task InsertAsync(ActivationRequest r, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO activation_requests (tenant_id, request_id, principal_id, role_id, scope, assignment_id, status, duration_seconds,
                justification, ticket_number, ticket_system, requested_at, starts_at, ends_at, eligibility_ends_at, approval_deadline,
                decision, decided_by, decided_at, decision_justification, closed_at, version,
                extension_duration_seconds, extension_justification, extension_requested_at, extension_deadline, extension_approval,
                approval, auto_approved_by, break_glass, follow_up, expiry_warning_seconds, notices_sent, notice_at, governed_by)
            VALUES (@TenantId, @Id, @PrincipalId, @RoleId, @Scope, @AssignmentId, @Status, @DurationSeconds,
                @Justification, @TicketNumber, @TicketSystem, @RequestedAt, @StartsAt, @EndsAt, @EligibilityEndsAt, @ApprovalDeadline,
                @Decision, @DecidedBy, @DecidedAt, @DecisionJustification, @ClosedAt, @Version,
                @ExtensionDurationSeconds, @ExtensionJustification, @ExtensionRequestedAt, @ExtensionDeadline, @ExtensionApproval,
                @Approval, @AutoApprovedBy, @BreakGlass, @FollowUp, @ExpiryWarningSeconds, @NoticesSent, @NoticeAt, @GovernedBy)
            """;
        var connection = await db.ConnectionAsync(ct);
        try
        {
            await connection.ExecuteAsync(db.Command(sql, Parameters(r), ct));
        }
        catch (Exception e) when (Store.IsUniqueViolation(e))
        {
            throw new PimException(ErrorCodes.ActivationAlreadyOpen,
                $"An activation request for '{r.RoleId}' at scope '{r.Scope}' is already open.");
        }
    }

    public async Task<bool> UpdateAsync(ActivationRequest r, int expectedVersion, CancellationToken ct)
    {
        const string sql = """
            UPDATE activation_requests SET status = @Status, starts_at = @StartsAt, ends_at = @EndsAt, decision = @Decision,
                decided_by = @DecidedBy, decided_at = @DecidedAt, decision_justification = @DecisionJustification,
                closed_at = @ClosedAt, version = @Version, duration_seconds = @DurationSeconds,
                extension_duration_seconds = @ExtensionDurationSeconds, extension_justification = @ExtensionJustification,
                extension_requested_at = @ExtensionRequestedAt, extension_deadline = @ExtensionDeadline, extension_approval = @ExtensionApproval,
                approval = @Approval, approval_deadline = @ApprovalDeadline, follow_up = @FollowUp, notices_sent = @NoticesSent, notice_at = @NoticeAt
            WHERE tenant_id = @TenantId AND request_id = @Id AND version = @expectedVersion
            """;
        var connection = await db.ConnectionAsync(ct);
        var parameters = new DynamicParameters(Parameters(r));
        parameters.Add("expectedVersion", expectedVersion);
        try
        {
            return await connection.ExecuteAsync(db.Command(sql, parameters, ct)) == 1;
        }
        catch (Exception e) when (Store.IsUniqueViolation(e))
        {
            return false;
        }
    }

    private static object Parameters(ActivationRequest r) => new
    {
        r.TenantId, r.Id, r.PrincipalId, r.RoleId, r.Scope, r.AssignmentId, Status = ActivationRequest.Wire(r.Status),
        DurationSeconds = (long)r.Duration.TotalSeconds, r.Justification, TicketNumber = r.Ticket?.Number, TicketSystem = r.Ticket?.System,
        r.RequestedAt, r.StartsAt, r.EndsAt, r.EligibilityEndsAt, r.ApprovalDeadline,
        Decision = r.Decision is null ? null : r.Decision.Approved ? "approved" : "denied",
        DecidedBy = r.Decision?.DecidedBy, DecidedAt = r.Decision?.DecidedAt, DecisionJustification = r.Decision?.Justification,
        r.ClosedAt, r.Version,
        ExtensionDurationSeconds = r.Extension is null ? (long?)null : (long)r.Extension.Duration.TotalSeconds,
        ExtensionJustification = r.Extension?.Justification, ExtensionRequestedAt = r.Extension?.RequestedAt, ExtensionDeadline = r.Extension?.Deadline,
        ExtensionApproval = Document(r.Extension?.Approval), Approval = Document(r.Approval), r.AutoApprovedBy, BreakGlass = r.BreakGlass ? 1 : 0,
        FollowUp = Document(r.FollowUp), ExpiryWarningSeconds = r.ExpiryWarning is { } warning ? (long?)warning.TotalSeconds : null,
        NoticesSent = r.NoticesSent.Count == 0 ? null : Document(r.NoticesSent), NoticeAt = r.NextNoticeAt,
        GovernedBy = r.GovernedBy.Count == 0 ? null : Document(r.GovernedBy),
    };

    private async Task<IReadOnlyList<ActivationRequest>> QueryAsync(string sql, object parameters, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<RequestRow>(db.Command(sql, parameters, ct))).Select(r => r.ToDomain()).ToList();
    }
}
