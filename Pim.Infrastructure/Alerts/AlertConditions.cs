using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// The alerts' conditions in SQL, set-based: each alert is one statement of the rows it finds (one per affected item,
/// each carrying the subject's role and scope), which an evaluation groups by subject (<see cref="FindAsync"/>: one
/// statement per alert, whatever the number of assignments) and a reader filters to one subject
/// (<see cref="ItemsAsync"/>). Parameters: <c>@tenantId</c>, <c>@now</c>, <c>@since</c> (now minus the alert's period),
/// <c>@max</c> (its maximum count) and <c>@privileged</c> (the catalog's privileged roles). bench/alerts.sh times them on
/// 100,000 assignments.
/// </summary>
public sealed class AlertConditions(DbSession db) : IAlertConditions
{
    /// <summary>
    /// One alert's condition: the rows it finds (<c>role_id, scope, principal_id, principal_display_name, assignment_id,
    /// assignment_type</c>, and where it has them <c>count_value</c>, <c>last_activity_at</c>; <c>/*items*/</c> marks columns only a
    /// reader needs), what it counts per subject, and the subjects it keeps (HAVING).
    /// </summary>
    private sealed record Condition(string Rows, string Affected = "COUNT(*)", string Having = "", string ItemsWhere = "");

    private const string InForce = AssignmentSql.InForceAt;

    // The holders of a role, directly or through a group (members of a group assigned the role, directly or through nested groups, hold it too).
    private const string Holders = $"""
        SELECT a.role_id, a.scope, a.principal_id, p.display_name AS principal_display_name, a.assignment_id, a.type AS assignment_type
        FROM role_assignments a
        JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.kind <> 'group' AND p.disabled_at IS NULL
        WHERE a.tenant_id = @tenantId AND /*role*/ AND {InForce}
        UNION ALL
        SELECT a.role_id, a.scope, m.principal_id, m.display_name, a.assignment_id, a.type
        FROM role_assignments a
        JOIN {MembershipSql.Closure} g ON g.tenant_id = a.tenant_id AND g.group_id = a.principal_id
        JOIN principals m ON m.tenant_id = g.tenant_id AND m.principal_id = g.member_id AND m.kind <> 'group' AND m.disabled_at IS NULL
        WHERE a.tenant_id = @tenantId AND /*role*/ AND {InForce}
        """;

    private const string Owners = $"""
        SELECT a.role_id, a.scope, a.principal_id, p.display_name AS principal_display_name, a.assignment_id, a.type AS assignment_type
        FROM role_assignments a
        LEFT JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id
        WHERE a.tenant_id = @tenantId AND a.role_id = 'owner' AND {InForce}
        """;

    private Condition Of(string alertType) => alertType switch
    {
        AlertTypes.TooManyGlobalAdministrators => new(Holders.Replace("/*role*/", "a.role_id = 'global-administrator'"),
            Affected: "COUNT(DISTINCT x.principal_id)", Having: "HAVING COUNT(DISTINCT x.principal_id) > @max"),

        // Settings saved without MFA, with the eligible assignments at or below their scope (none: the subject still counts).
        AlertTypes.RolesWithoutMfa => new($"""
            SELECT s.role_id, s.scope, a.principal_id, p.display_name AS principal_display_name, a.assignment_id, a.type AS assignment_type
            FROM role_settings s
            LEFT JOIN role_assignments a ON a.tenant_id = s.tenant_id AND a.role_id = s.role_id AND a.type = 'eligible' AND {InForce}
                AND (s.scope = '/' OR a.scope = s.scope
                     OR a.scope IN (SELECT x.scope FROM scope_ancestors x WHERE x.tenant_id = s.tenant_id AND x.ancestor_scope = s.scope))
            LEFT JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id
            WHERE s.tenant_id = @tenantId AND {Privileged("s.role_id")} AND {MfaOff}
            """, Affected: "COUNT(x.assignment_id)", ItemsWhere: " AND x.assignment_id IS NOT NULL"),

        // Standing access directory sync created after the area (directory roles, or a resource scope at or above) was signed up.
        AlertTypes.RolesAssignedOutsidePim => new($"""
            SELECT a.role_id, a.scope, a.principal_id, p.display_name AS principal_display_name, a.assignment_id, a.type AS assignment_type
            FROM role_assignments a
            LEFT JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id
            WHERE a.tenant_id = @tenantId AND a.type = 'active' AND a.source = 'directorySync' AND {Privileged("a.role_id")} AND {InForce}
              AND EXISTS (SELECT 1 FROM sign_ups s
                          WHERE s.tenant_id = a.tenant_id AND s.signed_up_at < a.created_at
                            AND ((a.scope = '/' AND s.area = 'directoryRoles')
                                 OR (s.area = 'resources' AND s.scope IN (SELECT x.ancestor_scope FROM scope_ancestors x
                                                                          WHERE x.tenant_id = a.tenant_id AND x.scope = a.scope))))
            """),

        // Per principal, role and scope: requests (but the denied, withdrawn and timed out) within the window, beyond the maximum.
        AlertTypes.RolesActivatedTooFrequently => new("""
            SELECT r.role_id, r.scope, r.principal_id, MAX(p.display_name) AS principal_display_name, NULL AS assignment_id, NULL AS assignment_type,
                   COUNT(*) AS count_value, MAX(r.requested_at) AS last_activity_at
            FROM activation_requests r
            LEFT JOIN principals p ON p.tenant_id = r.tenant_id AND p.principal_id = r.principal_id
            WHERE r.tenant_id = @tenantId AND r.requested_at >= @since AND r.status NOT IN ('denied', 'canceled', 'timedOut')
            GROUP BY r.role_id, r.scope, r.principal_id
            HAVING COUNT(*) > @max
            """),

        // Privileged assignments older than the period, neither activated nor used within it.
        AlertTypes.UnusedPrivilegedRoles => new($"""
            SELECT a.role_id, a.scope, a.principal_id, p.display_name AS principal_display_name, a.assignment_id, a.type AS assignment_type
                   /*items*/
            FROM role_assignments a
            LEFT JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id
            WHERE a.tenant_id = @tenantId AND {Privileged("a.role_id")} AND {InForce} AND a.created_at < @since
              AND {AssignmentUseSql.NotUsedSince}
            """.Replace("/*items*/", "/*items:, " + AssignmentUseSql.LastActivity(db.Store.Provider) + " AS last_activity_at*/")),

        // Holders of privileged roles (enabled users, guests, service principals) Pim has not seen within the period (never seen:
        // since they were synced).
        AlertTypes.StaleAccountsInPrivilegedRoles => new($"""
            SELECT a.role_id, a.scope, p.principal_id, p.display_name AS principal_display_name, a.assignment_id, a.type AS assignment_type,
                   v.last_seen_at AS last_activity_at
            FROM role_assignments a
            JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.kind <> 'group' AND p.disabled_at IS NULL
            LEFT JOIN principal_sightings v ON v.tenant_id = p.tenant_id AND v.principal_id = p.principal_id
            WHERE a.tenant_id = @tenantId AND {Privileged("a.role_id")} AND {InForce} AND COALESCE(v.last_seen_at, p.created_at) < @since
            UNION ALL
            SELECT a.role_id, a.scope, m.principal_id, m.display_name, a.assignment_id, a.type, v.last_seen_at
            FROM role_assignments a
            JOIN {MembershipSql.Closure} g ON g.tenant_id = a.tenant_id AND g.group_id = a.principal_id
            JOIN principals m ON m.tenant_id = g.tenant_id AND m.principal_id = g.member_id AND m.kind <> 'group' AND m.disabled_at IS NULL
            LEFT JOIN principal_sightings v ON v.tenant_id = m.tenant_id AND v.principal_id = m.principal_id
            WHERE a.tenant_id = @tenantId AND {Privileged("a.role_id")} AND {InForce} AND COALESCE(v.last_seen_at, m.created_at) < @since
            """, Affected: "COUNT(DISTINCT x.principal_id)"),

        AlertTypes.TooManyOwners => new(Owners, Affected: "COUNT(DISTINCT x.principal_id)", Having: "HAVING COUNT(DISTINCT x.principal_id) > @max"),
        AlertTypes.TooManyPermanentOwners => new(Owners + " AND a.type = 'active' AND a.ends_at IS NULL",
            Affected: "COUNT(DISTINCT x.principal_id)", Having: "HAVING COUNT(DISTINCT x.principal_id) > @max"),
        _ => throw new InvalidOperationException($"Unknown alert type '{alertType}'."),
    };

    /// <summary>Role settings <c>s</c> that let the role be activated without MFA (their JSON document's activation.requireMfa).</summary>
    private string MfaOff => db.Store.Provider == StoreProvider.Postgres
        ? "(s.document::jsonb #>> '{activation,requireMfa}') = 'false'"
        : "json_extract(s.document, '$.activation.requireMfa') = 0";

    /// <summary>The statement that finds every subject of the alert and how many items each affects (what bench/alerts.sh times).</summary>
    public string FindingsSql(string alertType)
    {
        var c = Of(alertType);
        return $"SELECT x.role_id, x.scope, {c.Affected} AS affected FROM ({Rows(c, items: false)}) x GROUP BY x.role_id, x.scope {c.Having}";
    }

    private static string Rows(Condition c, bool items) =>
        System.Text.RegularExpressions.Regex.Replace(c.Rows, @"/\*items:(.*?)\*/", m => items ? m.Groups[1].Value : "",
            System.Text.RegularExpressions.RegexOptions.Singleline);

    private sealed class FindingRow
    {
        public string RoleId { get; set; } = "";
        public string Scope { get; set; } = "";
        public long Affected { get; set; }
    }

    public async Task<IReadOnlyList<AlertFinding>> FindAsync(string tenantId, AlertSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        await db.WithoutJitAsync(ct);
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<FindingRow>(db.Command(FindingsSql(settings.AlertType), Parameters(tenantId, settings, now), ct));
        return rows.Select(r => new AlertFinding(settings.AlertType, r.RoleId, r.Scope, (int)r.Affected)).ToList();
    }

    private sealed class ItemRow
    {
        public string? PrincipalId { get; set; }
        public string? PrincipalDisplayName { get; set; }
        public string? AssignmentId { get; set; }
        public string? AssignmentType { get; set; }
        public long? CountValue { get; set; }
        public DateTimeOffset? LastActivityAt { get; set; }
        public long Total { get; set; }
    }

    public async Task<(IReadOnlyList<AffectedItem> Items, int Total)> ItemsAsync(string tenantId, AlertSettings settings, string roleId, string scope, int limit,
        DateTimeOffset now, CancellationToken ct)
    {
        var c = Of(settings.AlertType);
        var sql = $"""
            SELECT x.*, COUNT(*) OVER () AS total FROM ({Rows(c, items: true)}) x
            WHERE x.role_id = @roleId AND x.scope = @scope{c.ItemsWhere}
            ORDER BY x.principal_id, x.assignment_id
            LIMIT @limit
            """;
        var parameters = new DynamicParameters(Parameters(tenantId, settings, now));
        parameters.AddDynamicParams(new { roleId, scope, limit });
        var connection = await db.ConnectionAsync(ct);
        var rows = (await connection.QueryAsync<ItemRow>(db.Command(sql, parameters, ct))).ToList();
        return (rows.Select(r => new AffectedItem(r.PrincipalId, r.PrincipalDisplayName, r.AssignmentId, AssignmentTypes.Parse(r.AssignmentType),
            r.CountValue is { } n ? (int)n : null, r.LastActivityAt)).ToList(), rows.Count == 0 ? 0 : (int)rows[0].Total);
    }

    /// <summary>A privileged role: of the catalog, or one of the tenant's own marked privileged.</summary>
    private string Privileged(string column) =>
        $"({db.Store.In(column, "privileged")} OR {column} IN (SELECT c.role_id FROM custom_roles c WHERE c.tenant_id = @tenantId AND c.privileged = 1))";

    private static object Parameters(string tenantId, AlertSettings settings, DateTimeOffset now) => new
    {
        tenantId, now, since = settings.Period is { } period ? now - period : now, max = settings.MaximumCount ?? 0,
        privileged = AlertCatalog.PrivilegedRoles.ToArray(),
    };
}
