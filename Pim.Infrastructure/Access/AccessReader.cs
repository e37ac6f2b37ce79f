using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

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
    // assignments (groups it is a member of directly, through nested groups or just in time: MembershipSql; valid until
    // the membership ends when it does), and its activations — each
    // only while what it stands on still holds (GrantBasis): the eligible assignment it was made through, the membership
    // of the group that holds it, and the eligibility's scope at or above. The memberships are asked of @principalId, not
    // of holder's column: PostgreSQL pushes a parameter into each branch of MembershipSql's union, not a join's column.
    public const string Grants = $"""
        WITH holder AS (
            SELECT principal_id FROM principals WHERE tenant_id = @tenantId AND principal_id = @principalId AND disabled_at IS NULL)
        SELECT a.role_id, a.scope, a.ends_at AS valid_until, a.assignment_id, NULL AS activation_request_id, a.principal_id AS via_principal_id
        FROM holder h
        JOIN role_assignments a ON a.tenant_id = @tenantId AND a.principal_id = h.principal_id
        WHERE {AssignmentSql.ActiveInForceAt} /*roles:a*/
        UNION ALL
        SELECT a.role_id, a.scope, {MembershipSql.EndThroughMembership}, a.assignment_id, NULL, a.principal_id
        FROM holder h
        JOIN {MembershipSql.Memberships} g ON g.tenant_id = @tenantId AND g.member_id = @principalId
        JOIN role_assignments a ON a.tenant_id = g.tenant_id AND a.principal_id = g.group_id
        WHERE {AssignmentSql.ActiveInForceAt} /*roles:a*/
        UNION ALL
        SELECT r.role_id, r.scope, r.ends_at, r.assignment_id, r.request_id, r.principal_id
        FROM holder h
        JOIN activation_requests r ON r.tenant_id = @tenantId AND r.principal_id = h.principal_id
        JOIN role_assignments e ON e.tenant_id = r.tenant_id AND e.assignment_id = r.assignment_id AND e.type = 'eligible'
        WHERE {ActivationSql.ActiveAt} AND {ActivationSql.BasisHolds} /*roles:r*/
        """;

    public async Task<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds,
        string? scope, DateTimeOffset now, CancellationToken ct)
    {
        var sql = Grants;
        foreach (var alias in new[] { "a", "r" })
            sql = sql.Replace($"/*roles:{alias}*/", (roleIds is null ? "" : $" AND {db.Store.In(alias + ".role_id", "roleIds")}") + AtScope(alias, scope));
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<GrantRow>(db.Command(sql, new { tenantId, principalId, roleIds = roleIds?.ToArray(), scope, now }, ct));
        return rows.Select(r => new Grant(r.RoleId, r.Scope, r.ValidUntil, r.AssignmentId, r.ActivationRequestId, r.ViaPrincipalId)).ToList();
    }

    /// <summary>Directory roles live at '/'; at a resource scope, what is at the scope or any ancestor counts (closure table).</summary>
    private static string AtScope(string alias, string? scope) =>
        scope is null ? ""
        : scope == ScopePath.Root ? $" AND {alias}.scope = @scope"
        : $" AND {alias}.scope IN (SELECT x.ancestor_scope FROM scope_ancestors x WHERE x.tenant_id = @tenantId AND x.scope = @scope)";

    private sealed class StandingRow
    {
        public int TenantKnown { get; set; }
        public int ScopeKnown { get; set; }
        public string? Kind { get; set; }
        public int Enabled { get; set; }
        public int Eligible { get; set; }
        public int Expired { get; set; }
    }

    // What the grant index answers from memory (GrantIndex), asked of the store: the same rules, so that both agree.
    private const string Standing = $"""
        SELECT
          CASE WHEN EXISTS (SELECT 1 FROM tenants t WHERE t.tenant_id = @tenantId) THEN 1 ELSE 0 END AS tenant_known,
          CASE WHEN @scope = '/' OR EXISTS (SELECT 1 FROM scope_ancestors x WHERE x.tenant_id = @tenantId AND x.scope = @scope)
               THEN 1 ELSE 0 END AS scope_known,
          p.kind,
          CASE WHEN p.disabled_at IS NULL THEN 1 ELSE 0 END AS enabled,
          CASE WHEN EXISTS (
              SELECT 1 FROM role_assignments a
              WHERE a.tenant_id = @tenantId AND a.role_id = @roleId AND a.type = 'eligible' AND {AssignmentSql.InForceAt} /*scope:a*/
                AND (a.principal_id = @principalId
                     OR a.principal_id IN (SELECT g.group_id FROM {MembershipSql.Memberships} g WHERE g.tenant_id = @tenantId AND g.member_id = @principalId)))
               THEN 1 ELSE 0 END AS eligible,
          CASE WHEN EXISTS (
              SELECT 1 FROM role_assignments a
              WHERE a.tenant_id = @tenantId AND a.role_id = @roleId AND a.ends_at <= @now /*scope:a*/
                AND (a.principal_id = @principalId
                     OR a.principal_id IN (SELECT g.group_id FROM {MembershipSql.Memberships} g WHERE g.tenant_id = @tenantId AND g.member_id = @principalId)))
            OR EXISTS (
              SELECT 1 FROM activation_requests r
              WHERE r.tenant_id = @tenantId AND r.principal_id = @principalId AND r.role_id = @roleId AND {ActivationSql.ExpiredAt} /*scope:r*/)
               THEN 1 ELSE 0 END AS expired
        FROM (SELECT 1 AS one) o
        LEFT JOIN principals p ON p.tenant_id = @tenantId AND p.principal_id = @principalId
        """;

    public async Task<AccessStanding> StandingAsync(string tenantId, string principalId, string roleId, string scope, DateTimeOffset now,
        CancellationToken ct)
    {
        var sql = Standing.Replace("/*scope:a*/", AtScope("a", scope)).Replace("/*scope:r*/", AtScope("r", scope));
        var connection = await db.ConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<StandingRow>(db.Command(sql, new { tenantId, principalId, roleId, scope, now }, ct));
        return new AccessStanding(row.TenantKnown == 1, row.ScopeKnown == 1, PrincipalKinds.Parse(row.Kind), row.Enabled == 1,
            row.Eligible == 1, row.Expired == 1);
    }

    public async Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct)
    {
        // The same rules as FindGrantsAsync, for every holder at once. The members of the groups that hold the roles are
        // asked of the groups as a parameter, which reaches every branch of MembershipSql's union (a join would not).
        var roles = db.Store.In("a.role_id", "roleIds");
        var rolesR = db.Store.In("r.role_id", "roleIds");
        var holding = $"""
            SELECT DISTINCT a.principal_id FROM role_assignments a
            WHERE a.tenant_id = @tenantId AND a.scope = '/' AND {roles} AND {AssignmentSql.ActiveInForceAt}
            """;
        var sql = $"""
            SELECT a.principal_id FROM role_assignments a
            JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.disabled_at IS NULL
            WHERE a.tenant_id = @tenantId AND a.scope = '/' AND {roles} AND {AssignmentSql.ActiveInForceAt}
            UNION
            SELECT g.member_id FROM {MembershipSql.Memberships} g
            JOIN principals p ON p.tenant_id = g.tenant_id AND p.principal_id = g.member_id AND p.disabled_at IS NULL
            WHERE g.tenant_id = @tenantId AND {db.Store.In("g.group_id", "holders")}
            UNION
            SELECT r.principal_id FROM activation_requests r
            JOIN principals p ON p.tenant_id = r.tenant_id AND p.principal_id = r.principal_id AND p.disabled_at IS NULL
            JOIN role_assignments e ON e.tenant_id = r.tenant_id AND e.assignment_id = r.assignment_id AND e.type = 'eligible'
            WHERE r.tenant_id = @tenantId AND r.scope = '/' AND {rolesR} AND {ActivationSql.ActiveAt}
              AND (e.principal_id = r.principal_id
                   OR EXISTS (SELECT 1 FROM {MembershipSql.Memberships} m
                              WHERE m.tenant_id = r.tenant_id AND m.member_id = r.principal_id AND m.group_id = e.principal_id))
            """;
        var connection = await db.ConnectionAsync(ct);
        var holders = (await connection.QueryAsync<string>(db.Command(holding, new { tenantId, roleIds = roleIds.ToArray(), now }, ct))).ToArray();
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, roleIds = roleIds.ToArray(), holders, now }, ct))).ToList();
    }
}
