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
    /// reader needs), what it counts per subject, and the subjects it keeps (HAVING). An alert about who holds a role
    /// (<paramref name="OnePerPrincipal"/>) finds a row per way each principal holds it (<see cref="Holders"/>) and counts
    /// principals: a reader shows each principal once, by the way that gives it the most.
    /// </summary>
    private sealed record Condition(string Rows, string Affected = "COUNT(*)", string Having = "", string ItemsWhere = "", bool OnePerPrincipal = false);

    private const string InForce = AssignmentSql.InForceAt;

    /// <summary>
    /// Every way a principal holds an assignment <c>a</c> that <paramref name="assignments"/> selects, at <c>@now</c>: rows
    /// (role_id, scope, principal_id, principal_display_name, assignment_id, assignment_type, principal_created_at, way)
    /// for users, guests and service principals that are enabled (a group holds nothing itself; a disabled principal holds
    /// nothing), one per way:
    /// <list type="bullet">
    /// <item>way 0, its own assignment;</item>
    /// <item>way 1, a group's assignment, through a membership of that group at <c>@now</c> — the directory's, direct or
    /// nested, or one held just in time (an activation of <c>member</c>, an active assignment of it: <see cref="MembershipSql.Memberships"/>),
    /// narrowed by <paramref name="membership"/> (over its <c>g.ends_at</c>);</item>
    /// <item>way 2, with <paramref name="eligibleMemberships"/>, a group's assignment through a membership the principal is
    /// eligible for (<see cref="MembershipSql.EligibleMemberships"/>): it holds the role eligibly, whatever the group's
    /// assignment type.</item>
    /// </list>
    /// A principal holding it several ways has several rows: the findings count distinct principals.
    /// </summary>
    private static string Holders(string assignments, bool eligibleMemberships = true, string membership = "") => $"""
        SELECT a.role_id, a.scope, a.principal_id, p.display_name AS principal_display_name, a.assignment_id, a.type AS assignment_type,
               p.created_at AS principal_created_at, 0 AS way
        FROM role_assignments a
        JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.kind <> 'group' AND p.disabled_at IS NULL
        WHERE a.tenant_id = @tenantId AND {assignments} AND {InForce}
        UNION ALL
        SELECT a.role_id, a.scope, m.principal_id, m.display_name, a.assignment_id, a.type, m.created_at, 1
        FROM role_assignments a
        JOIN {MembershipSql.Memberships} g ON g.tenant_id = a.tenant_id AND g.group_id = a.principal_id{membership}
        JOIN principals m ON m.tenant_id = g.tenant_id AND m.principal_id = g.member_id AND m.kind <> 'group' AND m.disabled_at IS NULL
        WHERE a.tenant_id = @tenantId AND {assignments} AND {InForce}
        """ + (!eligibleMemberships ? "" : $"""

        UNION ALL
        SELECT a.role_id, a.scope, m.principal_id, m.display_name, a.assignment_id, 'eligible', m.created_at, 2
        FROM role_assignments a
        JOIN {MembershipSql.EligibleMemberships} g ON g.tenant_id = a.tenant_id AND g.group_id = a.principal_id
        JOIN principals m ON m.tenant_id = g.tenant_id AND m.principal_id = g.member_id AND m.kind <> 'group' AND m.disabled_at IS NULL
        WHERE a.tenant_id = @tenantId AND {assignments} AND {InForce}
        """);

    private const string Principals = "COUNT(DISTINCT x.principal_id)";
    private const string TooMany = "HAVING COUNT(DISTINCT x.principal_id) > @max";

    private Condition Of(string alertType) => alertType switch
    {
        // Which ways each alert counts, and why: AlertTypes.
        AlertTypes.TooManyGlobalAdministrators => new(Holders("a.role_id = 'global-administrator'"),
            Affected: Principals, Having: TooMany, OnePerPrincipal: true),

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

        // Standing access directory sync created after the area (directory roles, or a resource scope at or above) was signed
        // up: an active assignment of a privileged role; and an active assignment of 'member' of a group that holds one
        // actively, itself or through a group it is in (u), created after directory roles
        // (which manage groups' roles) were signed up. UNION: a membership of a group holding the role twice is one item.
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
            UNION
            SELECT a.role_id, a.scope, j.principal_id, p.display_name, j.assignment_id, j.type
            FROM role_assignments j
            JOIN {MembershipSql.GroupAndAncestors} u ON u.tenant_id = j.tenant_id AND u.member_id = substr(j.scope, 9)
            JOIN role_assignments a ON a.tenant_id = u.tenant_id AND a.principal_id = u.group_id
            LEFT JOIN principals p ON p.tenant_id = j.tenant_id AND p.principal_id = j.principal_id
            WHERE j.tenant_id = @tenantId AND j.role_id = 'member' AND j.scope LIKE '/groups/%' AND j.type = 'active' AND j.source = 'directorySync'
              AND j.starts_at <= @now AND (j.ends_at IS NULL OR j.ends_at > @now)
              AND a.type = 'active' AND {Privileged("a.role_id")} AND {InForce}
              AND EXISTS (SELECT 1 FROM sign_ups s WHERE s.tenant_id = j.tenant_id AND s.signed_up_at < j.created_at AND s.area = 'directoryRoles')
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

        // Holders of privileged roles, every way, that Pim has not seen within the period (never seen: since they were synced).
        AlertTypes.StaleAccountsInPrivilegedRoles => new($"""
            SELECT h.role_id, h.scope, h.principal_id, h.principal_display_name, h.assignment_id, h.assignment_type, h.way, v.last_seen_at AS last_activity_at
            FROM ({Holders(Privileged("a.role_id"))}) h
            LEFT JOIN principal_sightings v ON v.tenant_id = @tenantId AND v.principal_id = h.principal_id
            WHERE COALESCE(v.last_seen_at, h.principal_created_at) < @since
            """, Affected: Principals, OnePerPrincipal: true),

        // Owners at the scope, every way; standing ones through a membership that never ends (g.ends_at).
        AlertTypes.TooManyOwners => new(Holders(Owners), Affected: Principals, Having: TooMany, OnePerPrincipal: true),
        AlertTypes.TooManyPermanentOwners => new(Holders(Owners + " AND a.type = 'active' AND a.ends_at IS NULL", eligibleMemberships: false,
            membership: " AND g.ends_at IS NULL"), Affected: Principals, Having: TooMany, OnePerPrincipal: true),
        _ => throw new InvalidOperationException($"Unknown alert type '{alertType}'."),
    };

    private const string Owners = "a.role_id = 'owner'";

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
        // An alert about holders shows each principal once: the way that gives it the most (active before eligible, its own
        // before a group's, a membership held before one it may take).
        var sql = c.OnePerPrincipal ? $"""
            SELECT y.*, COUNT(*) OVER () AS total FROM (
                SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.principal_id
                                               ORDER BY CASE x.assignment_type WHEN 'active' THEN 0 ELSE 1 END, x.way, x.assignment_id) AS nth
                FROM ({Rows(c, items: true)}) x
                WHERE x.role_id = @roleId AND x.scope = @scope{c.ItemsWhere}) y
            WHERE y.nth = 1
            ORDER BY y.principal_id, y.assignment_id
            LIMIT @limit
            """ : $"""
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
