namespace Pim.Infrastructure;

/// <summary>
/// The one place the store expands groups. Every query that asks which groups a principal is a member of right now —
/// access evaluation and its standing, eligibility, the holders of a role, what an activation stands on, approvers,
/// reviewers, a principal's groups — reads <see cref="Memberships"/> at <c>@now</c>: rows (tenant_id, member_id,
/// group_id, depth, ends_at), one per way a principal is a member of a group:
/// <list type="bullet">
/// <item>the directory's memberships, direct or through nested groups (<see cref="Closure"/>, migration 0008's closure,
/// maintained on every membership write by <see cref="PrincipalRepository.RebuildClosureAsync"/>), with no end;</item>
/// <item>just-in-time memberships: the group's role <c>member</c> held through PIM — an activation of
/// it in force at <c>@now</c>, or an active assignment of it — which makes the principal a member of the group and of
/// every group that group is in, until the activation or assignment ends (<c>ends_at</c>).</item>
/// </list>
/// A principal may be a member of a group in several ways at once: readers that list take each group once.
/// The directory's own views (a principal's memberships with their depth, a group's transitive members) read
/// <see cref="Closure"/>: what the directory says. Alerts that count who holds a role read <see cref="Memberships"/>
/// too, and <see cref="EligibleMemberships"/> where they count who may hold it.
/// </summary>
public static class MembershipSql
{
    /// <summary>The directory's memberships, direct and nested: the table membership writes maintain.</summary>
    public const string Closure = "group_closure";

    /// <summary>
    /// Memberships held through PIM that have not ended at <c>@now</c> (some may start later: a scheduled activation):
    /// (tenant_id, member_id, group_id, starts_at, ends_at) of an activation of <c>member</c> at <c>/groups/{groupId}</c>,
    /// or of an active assignment of it, of a group that exists. What the grant index loads, with their windows.
    /// </summary>
    public const string HeldFromNow = $"""
        SELECT r.tenant_id, r.principal_id AS member_id, gp.principal_id AS group_id, r.starts_at, r.ends_at
        FROM activation_requests r
        JOIN principals gp ON gp.tenant_id = r.tenant_id AND gp.principal_id = substr(r.scope, 9) AND gp.kind = 'group'
        WHERE {ActivationNotEnded}
        UNION ALL
        SELECT a.tenant_id, a.principal_id, gp.principal_id, a.starts_at, a.ends_at
        FROM role_assignments a
        JOIN principals gp ON gp.tenant_id = a.tenant_id AND gp.principal_id = substr(a.scope, 9) AND gp.kind = 'group'
        WHERE {AssignmentNotEnded}
        """;

    // A membership held through PIM: an activation (r) or an active assignment (a) of 'member' at a group, not ended at
    // @now (it may start later), or in force at @now.
    private const string ActivationNotEnded =
        "r.role_id = 'member' AND r.scope LIKE '/groups/%' AND r.status IN ('active', 'scheduled') AND r.ends_at > @now";
    private const string AssignmentNotEnded =
        "a.role_id = 'member' AND a.scope LIKE '/groups/%' AND a.type = 'active' AND (a.ends_at IS NULL OR a.ends_at > @now)";
    private const string ActivationInForce = $"{ActivationNotEnded} AND r.starts_at <= @now";
    private const string AssignmentInForce = $"{AssignmentNotEnded} AND a.starts_at <= @now";

    /// <summary>
    /// Every group with itself and every group it is in (a derived table: (tenant_id, member_id, group_id)): what a
    /// membership of <c>member_id</c> makes its holder a member of.
    /// </summary>
    public const string GroupAndAncestors = $"""
        (SELECT gp.tenant_id, gp.principal_id AS member_id, gp.principal_id AS group_id FROM principals gp WHERE gp.kind = 'group'
         UNION ALL
         SELECT c.tenant_id, c.member_id, c.group_id FROM {Closure} c)
        """;

    /// <summary>
    /// Memberships a principal may activate at <c>@now</c> but does not hold (a derived table: give it an alias):
    /// (tenant_id, member_id, group_id) of an eligible assignment of <c>member</c> in force, of a group that exists and of
    /// every group that group is in, held by the principal itself or by a group it is a member of (<see cref="Memberships"/>:
    /// a group holds membership eligibly for its members to activate). Nothing is held through them until one is activated
    /// (then <see cref="Memberships"/> has it); the alerts that count eligible holders of a role read them
    /// (<c>AlertConditions</c>): a principal eligible for membership of a group that holds a role may take that role.
    /// </summary>
    public const string EligibleMemberships = $"""
        (SELECT e.tenant_id, e.principal_id AS member_id, u.group_id FROM role_assignments e
         JOIN {GroupAndAncestors} u ON u.tenant_id = e.tenant_id AND u.member_id = substr(e.scope, 9)
         WHERE {EligibleInForce}
         UNION ALL
         SELECT e.tenant_id, h.member_id, u.group_id FROM role_assignments e
         JOIN {GroupAndAncestors} u ON u.tenant_id = e.tenant_id AND u.member_id = substr(e.scope, 9)
         JOIN {Memberships} h ON h.tenant_id = e.tenant_id AND h.group_id = e.principal_id
         WHERE {EligibleInForce})
        """;

    // An eligible assignment (e) of 'member' at a group, in force at @now.
    private const string EligibleInForce =
        "e.role_id = 'member' AND e.scope LIKE '/groups/%' AND e.type = 'eligible' AND e.starts_at <= @now AND (e.ends_at IS NULL OR e.ends_at > @now)";

    /// <summary>Over a principal's memberships <c>g</c> of one group: when the last of them ends (null: one never does).</summary>
    public const string LongestEnd = "CASE WHEN count(*) > count(g.ends_at) THEN NULL ELSE max(g.ends_at) END";

    /// <summary>
    /// The end of a group's assignment <c>a</c> as it applies to a member whose membership <c>g</c> ends at
    /// <c>g.ends_at</c> (null: never): the earlier of the two.
    /// </summary>
    public const string EndThroughMembership =
        "CASE WHEN g.ends_at IS NULL OR (a.ends_at IS NOT NULL AND a.ends_at <= g.ends_at) THEN a.ends_at ELSE g.ends_at END";

    /// <summary>
    /// Every membership at <c>@now</c> (a derived table: give it an alias): the directory's closure; a membership held
    /// through an activation, or an active assignment, of a group that exists; and the groups that group is in. Ask it of
    /// a parameter or of an outer query's column (<c>g.member_id = @principalId</c>, a correlated <c>EXISTS</c>): the
    /// planner takes such a restriction into every branch's index, but not a column of a table it is joined to
    /// (PostgreSQL keeps branches that join as subquery scans, filtered after reading all of a tenant's memberships).
    /// </summary>
    public const string Memberships = $"""
        (SELECT c.tenant_id, c.member_id, c.group_id, c.depth, CAST(NULL AS timestamptz) AS ends_at FROM {Closure} c
         UNION ALL
         SELECT r.tenant_id, r.principal_id, gp.principal_id, 1, r.ends_at FROM activation_requests r
         JOIN principals gp ON gp.tenant_id = r.tenant_id AND gp.principal_id = substr(r.scope, 9) AND gp.kind = 'group'
         WHERE {ActivationInForce}
         UNION ALL
         SELECT r.tenant_id, r.principal_id, c.group_id, c.depth + 1, r.ends_at FROM activation_requests r
         JOIN {Closure} c ON c.tenant_id = r.tenant_id AND c.member_id = substr(r.scope, 9)
         WHERE {ActivationInForce}
         UNION ALL
         SELECT a.tenant_id, a.principal_id, gp.principal_id, 1, a.ends_at FROM role_assignments a
         JOIN principals gp ON gp.tenant_id = a.tenant_id AND gp.principal_id = substr(a.scope, 9) AND gp.kind = 'group'
         WHERE {AssignmentInForce}
         UNION ALL
         SELECT a.tenant_id, a.principal_id, c.group_id, c.depth + 1, a.ends_at FROM role_assignments a
         JOIN {Closure} c ON c.tenant_id = a.tenant_id AND c.member_id = substr(a.scope, 9)
         WHERE {AssignmentInForce})
        """;
}
