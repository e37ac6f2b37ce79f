using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Reads <see cref="TenantGrants"/> from the store, in one snapshot (every query sees the same commit): a whole tenant's
/// for the grant index, or one principal's for the store path (<see cref="AccessReader"/>). The SQL only fetches rows;
/// what they give is decided once, in C#, by <see cref="TenantGrants"/> and <see cref="AccessRules"/>.
/// </summary>
public static class GrantIndexLoader
{
    private sealed class Row
    {
        public string PrincipalId { get; set; } = "";
        public string? MemberId { get; set; }
        public string? GroupId { get; set; }
        public string? Kind { get; set; }
        public long Enabled { get; set; }
        public string RoleId { get; set; } = "";
        public string Scope { get; set; } = "";
        public string? AncestorScope { get; set; }
        public string? Type { get; set; }
        public DateTimeOffset StartsAt { get; set; }
        public DateTimeOffset? EndsAt { get; set; }
        public string AssignmentId { get; set; } = "";
        public string? RequestId { get; set; }
        public long Counts { get; set; }
        public long Activation { get; set; }
        public DateTimeOffset? MemberFrom { get; set; }
        public DateTimeOffset? MemberUntil { get; set; }
        public DateTimeOffset? BasisUntil { get; set; }
    }

    // Only what can still matter at or after @now (the snapshot's time): rows that ended before it count only as "ended".
    // Each query reads the whole tenant, or (the store path) one principal and the groups it is in: /*holder:c*/ and
    // /*holders:c*/ restrict column c to the principal, or to it and its groups; /*scope:c*/ to the scope asked about.
    private const string Tenant = "SELECT 1 FROM tenants WHERE tenant_id = @tenantId";
    private const string Principals =
        "SELECT principal_id, kind, CASE WHEN disabled_at IS NULL THEN 1 ELSE 0 END AS enabled FROM principals WHERE tenant_id = @tenantId /*holders:principal_id*/";
    // The directory's memberships, and those held through PIM with their windows (one may start or end after @now).
    private const string Memberships = $"""
        SELECT member_id, group_id, NULL AS member_from, NULL AS member_until FROM {MembershipSql.Closure}
        WHERE tenant_id = @tenantId /*holder:member_id*/
        UNION ALL
        SELECT j.member_id, j.group_id, j.starts_at, j.ends_at FROM ({MembershipSql.HeldFromNow}) j WHERE j.tenant_id = @tenantId /*holder:j.member_id*/
        UNION ALL
        SELECT j.member_id, c.group_id, j.starts_at, j.ends_at FROM ({MembershipSql.HeldFromNow}) j
        JOIN {MembershipSql.Closure} c ON c.tenant_id = j.tenant_id AND c.member_id = j.group_id
        WHERE j.tenant_id = @tenantId /*holder:j.member_id*/
        """;
    private const string Assignments = """
        SELECT a.principal_id, a.role_id, a.scope, a.type, a.starts_at, a.ends_at, a.assignment_id
        FROM role_assignments a WHERE a.tenant_id = @tenantId AND (a.ends_at IS NULL OR a.ends_at > @now) /*holders:a.principal_id*/
        """;
    // An activation through a group counts until the membership it stands on ends (basis_until; none for a standing one).
    private const string Activations = $"""
        SELECT r.principal_id, r.role_id, r.scope, r.starts_at, r.ends_at, r.assignment_id, r.request_id,
               CASE WHEN e.assignment_id IS NOT NULL AND {ActivationSql.BasisHolds} THEN 1 ELSE 0 END AS counts,
               CASE WHEN e.principal_id = r.principal_id THEN NULL
                    ELSE (SELECT {MembershipSql.LongestEnd} FROM {MembershipSql.Memberships} g
                          WHERE g.tenant_id = r.tenant_id AND g.member_id = r.principal_id AND g.group_id = e.principal_id) END AS basis_until
        FROM activation_requests r
        LEFT JOIN role_assignments e ON e.tenant_id = r.tenant_id AND e.assignment_id = r.assignment_id AND e.type = 'eligible'
        WHERE r.tenant_id = @tenantId AND r.status IN ('active', 'scheduled') AND r.ends_at > @now /*holder:r.principal_id*/
        """;
    private const string Ended = $"""
        SELECT DISTINCT a.principal_id, a.role_id, a.scope, 0 AS activation FROM role_assignments a
        WHERE a.tenant_id = @tenantId AND a.ends_at <= @now /*holders:a.principal_id*/
        UNION
        SELECT DISTINCT r.principal_id, r.role_id, r.scope, 1 AS activation FROM activation_requests r
        WHERE r.tenant_id = @tenantId AND {ActivationSql.ExpiredAt} /*holder:r.principal_id*/
        """;
    private const string Ancestors = "SELECT scope, ancestor_scope FROM scope_ancestors WHERE tenant_id = @tenantId /*scope:scope*/";

    /// <summary>The groups @principalId is a member of, every way <see cref="Memberships"/> has it: the rows that restrict to it.</summary>
    private const string GroupsOfHolder = $"""
        SELECT group_id FROM {MembershipSql.Closure} WHERE tenant_id = @tenantId AND member_id = @principalId
        UNION ALL
        SELECT j.group_id FROM ({MembershipSql.HeldFromNow}) j WHERE j.tenant_id = @tenantId AND j.member_id = @principalId
        UNION ALL
        SELECT c.group_id FROM ({MembershipSql.HeldFromNow}) j
        JOIN {MembershipSql.Closure} c ON c.tenant_id = j.tenant_id AND c.member_id = j.group_id
        WHERE j.tenant_id = @tenantId AND j.member_id = @principalId
        """;

    private static readonly string[] Queries = [Tenant, Principals, Memberships, Assignments, Activations, Ended, Ancestors];

    /// <summary>Every query of a tenant, as one batch (one round trip).</summary>
    public static readonly string WholeTenant = Batch(Restrict(""));

    /// <summary>
    /// The queries restricted to @principalId, the groups it is in and the scope @scope, as one batch: what the store path
    /// (<see cref="AccessReader"/>) loads to evaluate one principal with the rules the index evaluates every one with.
    /// </summary>
    public static readonly string OnePrincipal = Batch(Restrict("one"));

    private static Func<string, string> Restrict(string which) => sql => System.Text.RegularExpressions.Regex.Replace(sql, @"/\*(holder|holders|scope):([a-z_.]+)\*/",
        m => which.Length == 0 ? "" : m.Groups[1].Value switch
        {
            "holder" => $"AND {m.Groups[2].Value} = @principalId",
            // An IN over the principal and its groups, not an OR: each store then reads the column's index once per id.
            "holders" => $"AND {m.Groups[2].Value} IN (SELECT @principalId UNION ALL {GroupsOfHolder})",
            _ => $"AND {m.Groups[2].Value} = @scope",
        });

    private static string Batch(Func<string, string> restrict) => string.Join(";\n", Queries.Select(restrict));

    /// <returns>Null when the tenant does not exist.</returns>
    public static async Task<TenantGrants?> LoadAsync(Store store, string tenantId, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await store.OpenAsync(ct);
        await using var transaction = await BeginSnapshotAsync(connection, ct);
        return await ReadAsync(connection, new CommandDefinition(WholeTenant, new { tenantId, now }, transaction, cancellationToken: ct));
    }

    /// <summary>
    /// One principal's rows (its own, its groups', the scope's ancestors) as of one snapshot, through the session: in its
    /// transaction when one is open (only it sees its own writes), else in a read snapshot of its own. Null when the tenant
    /// does not exist.
    /// </summary>
    public static async Task<TenantGrants?> LoadPrincipalAsync(DbSession db, string tenantId, string principalId, string? scope, DateTimeOffset now,
        CancellationToken ct)
    {
        var args = new { tenantId, principalId, scope, now };
        var connection = await db.ConnectionAsync(ct);
        if (db.InTransaction) return await ReadAsync(connection, db.Command(OnePrincipal, args, ct));
        await using var transaction = await BeginSnapshotAsync(connection, ct);
        return await ReadAsync(connection, new CommandDefinition(OnePrincipal, args, transaction, cancellationToken: ct));
    }

    /// <summary>
    /// PostgreSQL: REPEATABLE READ takes one snapshot for the whole transaction (its BEGIN travels with the batch). SQLite
    /// (WAL): a read transaction reads the database as of its first read.
    /// </summary>
    private static async Task<System.Data.Common.DbTransaction> BeginSnapshotAsync(System.Data.Common.DbConnection connection, CancellationToken ct) =>
        connection is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: true) : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

    private static async Task<TenantGrants?> ReadAsync(System.Data.Common.DbConnection connection, CommandDefinition batch)
    {
        await using var results = await connection.QueryMultipleAsync(batch);
        if (!(await results.ReadAsync<long>()).Any()) return null;

        // Role ids and scopes repeat across rows: the builder keeps one string each, whatever the number of rows.
        var grants = new TenantGrants.Builder();
        foreach (var p in await results.ReadAsync<Row>())
            grants.AddPrincipal(p.PrincipalId, PrincipalKinds.Parse(p.Kind) ?? PrincipalKind.User, p.Enabled == 1);
        foreach (var m in await results.ReadAsync<Row>())
            grants.AddMembership(m.MemberId!, m.GroupId!, m.MemberFrom, m.MemberUntil);
        foreach (var a in await results.ReadAsync<Row>())
            grants.AddAssignment(a.PrincipalId, a.RoleId, a.Scope, a.StartsAt, a.EndsAt, a.AssignmentId, eligible: a.Type == "eligible");
        foreach (var r in await results.ReadAsync<Row>())
            grants.AddActivation(r.PrincipalId, r.RoleId, r.Scope, r.StartsAt, r.EndsAt, r.AssignmentId, r.RequestId, r.Counts == 1, r.BasisUntil);
        foreach (var e in await results.ReadAsync<Row>())
            grants.AddEnded(e.PrincipalId, e.RoleId, e.Scope, e.Activation == 1);
        foreach (var x in await results.ReadAsync<Row>())
            grants.AddAncestor(x.Scope, x.AncestorScope!);
        return grants.Build();
    }
}
