using System.Text.Json;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

public sealed class RoleAssignmentRepository(DbSession db, TimeProvider time) : IRoleAssignments
{
    private sealed class AssignmentRow
    {
        public string TenantId { get; set; } = "";
        public string AssignmentId { get; set; } = "";
        public string PrincipalId { get; set; } = "";
        public string RoleId { get; set; } = "";
        public string Scope { get; set; } = "";
        public string Type { get; set; } = "";
        public DateTimeOffset StartsAt { get; set; }
        public DateTimeOffset? EndsAt { get; set; }
        public string? Justification { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public int Version { get; set; }
        public string Source { get; set; } = "";
        public DateTimeOffset? ExpiryWarningAt { get; set; }
        public DateTimeOffset? ExpiryWarnedAt { get; set; }
        public string? GovernedBy { get; set; }

        public RoleAssignment ToDomain() => RoleAssignment.Rehydrate(TenantId, AssignmentId, PrincipalId, RoleId, Scope,
            AssignmentTypes.Parse(Type) ?? throw new InvalidDataException($"Unknown assignment type '{Type}'."), StartsAt, EndsAt, Justification, CreatedAt, CreatedBy, Version,
            Source == DirectorySyncSource, ExpiryWarningAt, ExpiryWarnedAt,
            GovernedBy is null ? null : JsonSerializer.Deserialize<List<GoverningRole>>(GovernedBy, DocumentJson.Options));
    }

    private const string Columns = """
        a.tenant_id, a.assignment_id, a.principal_id, a.role_id, a.scope, a.type, a.starts_at, a.ends_at,
        a.justification, a.created_at, a.created_by, a.version, a.source, a.expiry_warning_at, a.expiry_warned_at, a.governed_by
        """;

    /// <summary><see cref="Columns"/> of a group's assignment <c>a</c> as it applies to a member whose membership <c>g</c> ends at <c>g.ends_at</c>.</summary>
    private const string ColumnsThroughMembership = $"""
        a.tenant_id, a.assignment_id, a.principal_id, a.role_id, a.scope, a.type, a.starts_at,
        {MembershipSql.EndThroughMembership} AS ends_at,
        a.justification, a.created_at, a.created_by, a.version, a.source, a.expiry_warning_at, a.expiry_warned_at, a.governed_by
        """;

    /// <summary>role_assignments.source of an assignment directory sync created ('pim' otherwise).</summary>
    public const string DirectorySyncSource = "directorySync";

    public async Task<RoleAssignment?> FindAsync(string tenantId, string assignmentId, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM role_assignments a WHERE a.tenant_id = @tenantId AND a.assignment_id = @assignmentId";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<AssignmentRow>(db.Command(sql, new { tenantId, assignmentId }, ct)))?.ToDomain();
    }

    public async Task InsertAsync(RoleAssignment a, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at,
                                          justification, created_at, created_by, version, source, expiry_warning_at, governed_by)
            VALUES (@TenantId, @Id, @PrincipalId, @RoleId, @Scope, @Type, @StartsAt, @EndsAt, @Justification, @CreatedAt, @CreatedBy, @Version, @Source,
                    @ExpiryWarningAt, @GovernedBy)
            """;
        var connection = await db.ConnectionAsync(ct);
        try
        {
            await connection.ExecuteAsync(db.Command(sql, new
            {
                a.TenantId, a.Id, a.PrincipalId, a.RoleId, a.Scope, Type = AssignmentTypes.ToText(a.Type), a.StartsAt, a.EndsAt,
                a.Justification, a.CreatedAt, a.CreatedBy, a.Version, Source = a.DirectorySync ? DirectorySyncSource : "pim", a.ExpiryWarningAt,
                GovernedBy = Governance(a),
            }, ct));
        }
        catch (Exception e) when (Store.IsUniqueViolation(e))
        {
            throw new PimException(ErrorCodes.AssignmentExists,
                $"Principal '{a.PrincipalId}' already has an assignment of '{a.RoleId}' at scope '{a.Scope}'.");
        }
    }

    public async Task<bool> UpdateTypeAsync(RoleAssignment a, int expectedVersion, CancellationToken ct)
    {
        const string sql = """
            UPDATE role_assignments SET type = @Type, version = @Version, governed_by = @GovernedBy
            WHERE tenant_id = @TenantId AND assignment_id = @Id AND version = @expectedVersion
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql,
            new { Type = AssignmentTypes.ToText(a.Type), a.Version, a.TenantId, a.Id, expectedVersion, GovernedBy = Governance(a) }, ct)) == 1;
    }

    /// <summary>What a group's role was granted under, as a JSON document (null when it confers nothing).</summary>
    private static string? Governance(RoleAssignment a) => a.GovernedBy.Count == 0 ? null : JsonSerializer.Serialize(a.GovernedBy, DocumentJson.Options);

    public async Task<bool> DeleteAsync(string tenantId, string assignmentId, CancellationToken ct)
    {
        const string sql = "DELETE FROM role_assignments WHERE tenant_id = @tenantId AND assignment_id = @assignmentId";
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new { tenantId, assignmentId }, ct)) == 1;
    }

    public async Task<IReadOnlyList<RoleAssignment>> ListAsync(string tenantId, AssignmentFilter filter, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM role_assignments a
            WHERE a.tenant_id = @tenantId
              AND (@PrincipalId IS NULL OR a.principal_id = @PrincipalId)
              AND (@RoleId IS NULL OR a.role_id = @RoleId)
              AND (@Type IS NULL OR a.type = @Type)
              AND (@After IS NULL OR a.assignment_id > @After)
            ORDER BY a.assignment_id
            LIMIT @PageSize
            """;
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<AssignmentRow>(db.Command(sql, new
        {
            tenantId, filter.PrincipalId, filter.RoleId, Type = filter.Type is { } t ? AssignmentTypes.ToText(t) : null, filter.After, filter.PageSize,
        }, ct));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<RoleAssignment>> ListHeldByAsync(string tenantId, string principalId, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM role_assignments a WHERE a.tenant_id = @tenantId AND a.principal_id = @principalId ORDER BY a.assignment_id";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<AssignmentRow>(db.Command(sql, new { tenantId, principalId }, ct))).Select(r => r.ToDomain()).ToList();
    }

    /// <remarks>
    /// A group's assignment applies to the principal for as long as its membership of the group does: one held through
    /// PIM (just-in-time) ends, so the assignment comes with its end brought forward to the membership's (an activation
    /// made through it ends with the membership; a role held through it is valid until then). Each group counts once,
    /// with its longest-lasting membership now.
    /// </remarks>
    public async Task<IReadOnlyList<RoleAssignment>> ListAtScopeAsync(string tenantId, string scope, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM role_assignments a WHERE a.tenant_id = @tenantId AND a.scope = @scope ORDER BY a.assignment_id";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<AssignmentRow>(db.Command(sql, new { tenantId, scope }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<RoleAssignment>> ListForPrincipalAsync(string tenantId, string principalId, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM role_assignments a
            WHERE a.tenant_id = @tenantId AND a.principal_id = @principalId
            UNION ALL
            SELECT {ColumnsThroughMembership} FROM (
                SELECT g.group_id, {MembershipSql.LongestEnd} AS ends_at
                FROM {MembershipSql.Memberships} g WHERE g.tenant_id = @tenantId AND g.member_id = @principalId GROUP BY g.group_id) g
            JOIN role_assignments a ON a.tenant_id = @tenantId AND a.principal_id = g.group_id
            """;
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<AssignmentRow>(db.Command(sql, new { tenantId, principalId, now = time.GetUtcNow() }, ct));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    private sealed class ConferredRow
    {
        public string RoleId { get; set; } = "";
        public string Scope { get; set; } = "";
        public string PrincipalId { get; set; } = "";
    }

    public async Task<IReadOnlyList<GoverningRole>> ListConferredAsync(string tenantId, string groupId, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = $"""
            SELECT DISTINCT a.role_id, a.scope, a.principal_id FROM role_assignments a
            WHERE a.tenant_id = @tenantId AND a.role_id <> 'member' AND (a.ends_at IS NULL OR a.ends_at > @now)
              AND (a.principal_id = @groupId
                   OR a.principal_id IN (SELECT c.group_id FROM {MembershipSql.Closure} c WHERE c.tenant_id = @tenantId AND c.member_id = @groupId))
            ORDER BY a.role_id, a.scope, a.principal_id
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<ConferredRow>(db.Command(sql, new { tenantId, groupId, now }, ct)))
            .Select(r => new GoverningRole(r.RoleId, r.Scope, r.PrincipalId)).ToList();
    }

    public async Task<IReadOnlyList<RoleAssignment>> ListGroupEligibilitiesForMembershipAsync(string tenantId, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM role_assignments a
            JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.kind = 'group'
            WHERE a.tenant_id = @tenantId AND a.role_id = 'member' AND a.type = 'eligible' AND (a.ends_at IS NULL OR a.ends_at > @now)
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<AssignmentRow>(db.Command(sql, new { tenantId, now }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<RoleAssignment>> ListAwaitingExpiryWarningAsync(string tenantId, string roleId, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM role_assignments a
            WHERE a.tenant_id = @tenantId AND a.role_id = @roleId AND a.ends_at IS NOT NULL AND a.expiry_warned_at IS NULL AND a.ends_at > @now
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<AssignmentRow>(db.Command(sql, new { tenantId, roleId, now }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task SaveExpiryWarningsAsync(IReadOnlyList<RoleAssignment> assignments, CancellationToken ct)
    {
        const string sql = """
            UPDATE role_assignments SET expiry_warning_at = @ExpiryWarningAt, expiry_warned_at = @ExpiryWarnedAt
            WHERE tenant_id = @TenantId AND assignment_id = @Id
            """;
        var connection = await db.ConnectionAsync(ct);
        foreach (var a in assignments)
            await connection.ExecuteAsync(db.Command(sql, new { a.ExpiryWarningAt, a.ExpiryWarnedAt, a.TenantId, a.Id }, ct));
    }

    public async Task<IReadOnlyList<RoleAssignment>> ClaimExpiryWarningsDueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        var sql = $"SELECT {Columns} FROM role_assignments a WHERE a.expiry_warning_at <= @now ORDER BY a.expiry_warning_at LIMIT @limit{db.Store.SkipLocked}";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<AssignmentRow>(db.Command(sql, new { now, limit }, ct))).Select(r => r.ToDomain()).ToList();
    }
}
