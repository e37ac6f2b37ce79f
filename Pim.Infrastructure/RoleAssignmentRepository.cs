using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

public sealed class RoleAssignmentRepository(DbSession db) : IRoleAssignments
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

        public RoleAssignment ToDomain() => RoleAssignment.Rehydrate(TenantId, AssignmentId, PrincipalId, RoleId, Scope,
            AssignmentTypes.Parse(Type) ?? throw new InvalidDataException($"Unknown assignment type '{Type}'."), StartsAt, EndsAt, Justification, CreatedAt, CreatedBy, Version);
    }

    private const string Columns = """
        a.tenant_id, a.assignment_id, a.principal_id, a.role_id, a.scope, a.type, a.starts_at, a.ends_at,
        a.justification, a.created_at, a.created_by, a.version
        """;

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
                                          justification, created_at, created_by, version)
            VALUES (@TenantId, @Id, @PrincipalId, @RoleId, @Scope, @Type, @StartsAt, @EndsAt, @Justification, @CreatedAt, @CreatedBy, @Version)
            """;
        var connection = await db.ConnectionAsync(ct);
        try
        {
            await connection.ExecuteAsync(db.Command(sql, new
            {
                a.TenantId, a.Id, a.PrincipalId, a.RoleId, a.Scope, Type = AssignmentTypes.ToText(a.Type), a.StartsAt, a.EndsAt,
                a.Justification, a.CreatedAt, a.CreatedBy, a.Version,
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
            UPDATE role_assignments SET type = @Type, version = @Version
            WHERE tenant_id = @TenantId AND assignment_id = @Id AND version = @expectedVersion
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new { Type = AssignmentTypes.ToText(a.Type), a.Version, a.TenantId, a.Id, expectedVersion }, ct)) == 1;
    }

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

    public async Task<IReadOnlyList<RoleAssignment>> ListForPrincipalAsync(string tenantId, string principalId, CancellationToken ct)
    {
        const string sql = $"""
            SELECT {Columns} FROM role_assignments a
            WHERE a.tenant_id = @tenantId AND a.principal_id = @principalId
            UNION ALL
            SELECT {Columns} FROM group_memberships g
            JOIN role_assignments a ON a.tenant_id = g.tenant_id AND a.principal_id = g.group_id
            WHERE g.tenant_id = @tenantId AND g.member_id = @principalId
            """;
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<AssignmentRow>(db.Command(sql, new { tenantId, principalId }, ct));
        return rows.Select(r => r.ToDomain()).ToList();
    }
}

public sealed class AccessReader(DbSession db) : IAccessReader
{
    private sealed class GrantRow
    {
        public string RoleId { get; set; } = "";
        public string Scope { get; set; } = "";
        public DateTimeOffset? ValidUntil { get; set; }
        public string AssignmentId { get; set; } = "";
        public string? ActivationRequestId { get; set; }
        public string ViaPrincipalId { get; set; } = "";
    }

    // The holder must exist and be enabled; then three indexed branches: its own active assignments, its groups' active
    // assignments, and its activations — each only while what it stands on still holds (GrantBasis): the eligible
    // assignment it was made through, the membership of the group that holds it, and the eligibility's scope at or above.
    private const string Grants = """
        WITH holder AS (
            SELECT principal_id FROM principals WHERE tenant_id = @tenantId AND principal_id = @principalId AND disabled_at IS NULL)
        SELECT a.role_id, a.scope, a.ends_at AS valid_until, a.assignment_id, NULL AS activation_request_id, a.principal_id AS via_principal_id
        FROM holder h
        JOIN role_assignments a ON a.tenant_id = @tenantId AND a.principal_id = h.principal_id
        WHERE a.type = 'active' AND a.starts_at <= @now AND (a.ends_at IS NULL OR a.ends_at > @now) /*roles:a*/
        UNION ALL
        SELECT a.role_id, a.scope, a.ends_at, a.assignment_id, NULL, a.principal_id
        FROM holder h
        JOIN group_memberships g ON g.tenant_id = @tenantId AND g.member_id = h.principal_id
        JOIN role_assignments a ON a.tenant_id = g.tenant_id AND a.principal_id = g.group_id
        WHERE a.type = 'active' AND a.starts_at <= @now AND (a.ends_at IS NULL OR a.ends_at > @now) /*roles:a*/
        UNION ALL
        SELECT r.role_id, r.scope, r.ends_at, r.assignment_id, r.request_id, r.principal_id
        FROM holder h
        JOIN activation_requests r ON r.tenant_id = @tenantId AND r.principal_id = h.principal_id
        JOIN role_assignments e ON e.tenant_id = r.tenant_id AND e.assignment_id = r.assignment_id AND e.type = 'eligible'
        WHERE r.status IN ('active', 'scheduled') AND r.starts_at <= @now AND r.ends_at > @now
          AND (e.principal_id = r.principal_id
               OR EXISTS (SELECT 1 FROM group_memberships m
                          WHERE m.tenant_id = r.tenant_id AND m.member_id = r.principal_id AND m.group_id = e.principal_id))
          AND (e.scope = r.scope
               OR EXISTS (SELECT 1 FROM scope_ancestors x
                          WHERE x.tenant_id = r.tenant_id AND x.scope = r.scope AND x.ancestor_scope = e.scope)) /*roles:r*/
        """;

    public async Task<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds,
        string? scope, DateTimeOffset now, CancellationToken ct)
    {
        var sql = Grants;
        foreach (var alias in new[] { "a", "r" })
        {
            // Directory roles live at '/'; at a resource scope, grants at the scope or any ancestor count (closure table).
            var filter = (roleIds is null ? "" : $" AND {db.Store.In(alias + ".role_id", "roleIds")}")
                + (scope is null ? ""
                    : scope == Scopes.Root ? $" AND {alias}.scope = @scope"
                    : $" AND {alias}.scope IN (SELECT x.ancestor_scope FROM scope_ancestors x WHERE x.tenant_id = @tenantId AND x.scope = @scope)");
            sql = sql.Replace($"/*roles:{alias}*/", filter);
        }
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<GrantRow>(db.Command(sql, new { tenantId, principalId, roleIds = roleIds?.ToArray(), scope, now }, ct));
        return rows.Select(r => new Grant(r.RoleId, r.Scope, r.ValidUntil, r.AssignmentId, r.ActivationRequestId, r.ViaPrincipalId)).ToList();
    }

    public async Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct)
    {
        // The same rules as FindGrantsAsync, for every holder at once.
        var roles = db.Store.In("a.role_id", "roleIds");
        var sql = $"""
            SELECT a.principal_id FROM role_assignments a
            JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.disabled_at IS NULL
            WHERE a.tenant_id = @tenantId AND a.type = 'active' AND a.scope = '/' AND {roles}
              AND a.starts_at <= @now AND (a.ends_at IS NULL OR a.ends_at > @now)
            UNION
            SELECT g.member_id FROM role_assignments a
            JOIN group_memberships g ON g.tenant_id = a.tenant_id AND g.group_id = a.principal_id
            JOIN principals p ON p.tenant_id = g.tenant_id AND p.principal_id = g.member_id AND p.disabled_at IS NULL
            WHERE a.tenant_id = @tenantId AND a.type = 'active' AND a.scope = '/' AND {roles}
              AND a.starts_at <= @now AND (a.ends_at IS NULL OR a.ends_at > @now)
            UNION
            SELECT a.principal_id FROM activation_requests a
            JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.disabled_at IS NULL
            JOIN role_assignments e ON e.tenant_id = a.tenant_id AND e.assignment_id = a.assignment_id AND e.type = 'eligible'
            WHERE a.tenant_id = @tenantId AND a.status IN ('active', 'scheduled') AND a.scope = '/' AND {roles}
              AND a.starts_at <= @now AND a.ends_at > @now
              AND (e.principal_id = a.principal_id
                   OR EXISTS (SELECT 1 FROM group_memberships m
                              WHERE m.tenant_id = a.tenant_id AND m.member_id = a.principal_id AND m.group_id = e.principal_id))
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, roleIds = roleIds.ToArray(), now }, ct))).ToList();
    }
}
