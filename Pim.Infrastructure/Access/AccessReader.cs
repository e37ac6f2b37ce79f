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
    // assignments, and its activations — each only while what it stands on still holds (GrantBasis): the eligible
    // assignment it was made through, the membership of the group that holds it, and the eligibility's scope at or above.
    public const string Grants = $"""
        WITH holder AS (
            SELECT principal_id FROM principals WHERE tenant_id = @tenantId AND principal_id = @principalId AND disabled_at IS NULL)
        SELECT a.role_id, a.scope, a.ends_at AS valid_until, a.assignment_id, NULL AS activation_request_id, a.principal_id AS via_principal_id
        FROM holder h
        JOIN role_assignments a ON a.tenant_id = @tenantId AND a.principal_id = h.principal_id
        WHERE {AssignmentSql.ActiveInForceAt} /*roles:a*/
        UNION ALL
        SELECT a.role_id, a.scope, a.ends_at, a.assignment_id, NULL, a.principal_id
        FROM holder h
        JOIN group_memberships g ON g.tenant_id = @tenantId AND g.member_id = h.principal_id
        JOIN role_assignments a ON a.tenant_id = g.tenant_id AND a.principal_id = g.group_id
        WHERE {AssignmentSql.ActiveInForceAt} /*roles:a*/
        UNION ALL
        SELECT r.role_id, r.scope, r.ends_at, r.assignment_id, r.request_id, r.principal_id
        FROM holder h
        JOIN activation_requests r ON r.tenant_id = @tenantId AND r.principal_id = h.principal_id
        JOIN role_assignments e ON e.tenant_id = r.tenant_id AND e.assignment_id = r.assignment_id AND e.type = 'eligible'
        WHERE {ActivationSql.ActiveAt}
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
                    : scope == ScopePath.Root ? $" AND {alias}.scope = @scope"
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
        var rolesR = db.Store.In("r.role_id", "roleIds");
        var sql = $"""
            SELECT a.principal_id FROM role_assignments a
            JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.disabled_at IS NULL
            WHERE a.tenant_id = @tenantId AND a.scope = '/' AND {roles} AND {AssignmentSql.ActiveInForceAt}
            UNION
            SELECT g.member_id FROM role_assignments a
            JOIN group_memberships g ON g.tenant_id = a.tenant_id AND g.group_id = a.principal_id
            JOIN principals p ON p.tenant_id = g.tenant_id AND p.principal_id = g.member_id AND p.disabled_at IS NULL
            WHERE a.tenant_id = @tenantId AND a.scope = '/' AND {roles} AND {AssignmentSql.ActiveInForceAt}
            UNION
            SELECT r.principal_id FROM activation_requests r
            JOIN principals p ON p.tenant_id = r.tenant_id AND p.principal_id = r.principal_id AND p.disabled_at IS NULL
            JOIN role_assignments e ON e.tenant_id = r.tenant_id AND e.assignment_id = r.assignment_id AND e.type = 'eligible'
            WHERE r.tenant_id = @tenantId AND r.scope = '/' AND {rolesR} AND {ActivationSql.ActiveAt}
              AND (e.principal_id = r.principal_id
                   OR EXISTS (SELECT 1 FROM group_memberships m
                              WHERE m.tenant_id = r.tenant_id AND m.member_id = r.principal_id AND m.group_id = e.principal_id))
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, roleIds = roleIds.ToArray(), now }, ct))).ToList();
    }
}
