using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>Reads one tenant's <see cref="TenantGrants"/> from the store, in one snapshot (every query sees the same commit).</summary>
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
    private const string Principals =
        "SELECT principal_id, kind, CASE WHEN disabled_at IS NULL THEN 1 ELSE 0 END AS enabled FROM principals WHERE tenant_id = @tenantId";
    // The directory's memberships, and those held through PIM with their windows (one may start or end after @now).
    private const string Memberships = $"""
        SELECT member_id, group_id, NULL AS member_from, NULL AS member_until FROM {MembershipSql.Closure} WHERE tenant_id = @tenantId
        UNION ALL
        SELECT j.member_id, j.group_id, j.starts_at, j.ends_at FROM ({MembershipSql.HeldFromNow}) j WHERE j.tenant_id = @tenantId
        UNION ALL
        SELECT j.member_id, c.group_id, j.starts_at, j.ends_at FROM ({MembershipSql.HeldFromNow}) j
        JOIN {MembershipSql.Closure} c ON c.tenant_id = j.tenant_id AND c.member_id = j.group_id
        WHERE j.tenant_id = @tenantId
        """;
    private const string Assignments = """
        SELECT a.principal_id, a.role_id, a.scope, a.type, a.starts_at, a.ends_at, a.assignment_id
        FROM role_assignments a WHERE a.tenant_id = @tenantId AND (a.ends_at IS NULL OR a.ends_at > @now)
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
        WHERE r.tenant_id = @tenantId AND r.status IN ('active', 'scheduled') AND r.ends_at > @now
        """;
    private const string Ended = $"""
        SELECT DISTINCT a.principal_id, a.role_id, a.scope, 0 AS activation FROM role_assignments a
        WHERE a.tenant_id = @tenantId AND a.ends_at <= @now
        UNION
        SELECT DISTINCT r.principal_id, r.role_id, r.scope, 1 AS activation FROM activation_requests r
        WHERE r.tenant_id = @tenantId AND {ActivationSql.ExpiredAt}
        """;
    private const string Ancestors = "SELECT scope, ancestor_scope FROM scope_ancestors WHERE tenant_id = @tenantId";

    /// <returns>Null when the tenant does not exist.</returns>
    public static async Task<TenantGrants?> LoadAsync(Store store, string tenantId, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await store.OpenAsync(ct);
        // PostgreSQL: REPEATABLE READ takes one snapshot for the whole transaction. SQLite (WAL): a read transaction reads
        // the database as of its first read.
        await using var transaction = connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var args = new { tenantId, now };
        Task<IEnumerable<Row>> Query(string sql) => connection.QueryAsync<Row>(new CommandDefinition(sql, args, transaction, cancellationToken: ct));

        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT 1 FROM tenants WHERE tenant_id = @tenantId", args, transaction,
                cancellationToken: ct)) is null) return null;

        // Role ids and scopes repeat across rows: one string each, whatever the number of rows.
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string text) => pool.TryGetValue(text, out var shared) ? shared : pool[text] = text;
        var entries = 0;
        var principals = new Dictionary<string, TenantGrants.Holder>(StringComparer.Ordinal);
        TenantGrants.Holder? Of(string principalId) => principals.GetValueOrDefault(principalId);
        foreach (var p in await Query(Principals))
        {
            principals[p.PrincipalId] = new TenantGrants.Holder(PrincipalKinds.Parse(p.Kind) ?? PrincipalKind.User, p.Enabled == 1);
            entries++;
        }
        foreach (var m in await Query(Memberships))
        {
            Of(m.MemberId!)?.AddGroup(new TenantGrants.Membership(m.GroupId!, m.MemberFrom, m.MemberUntil));
            entries++;
        }
        foreach (var a in await Query(Assignments))
        {
            Of(a.PrincipalId)?.AddAssignment(new TenantGrants.Row(Shared(a.RoleId), Shared(a.Scope), a.StartsAt, a.EndsAt, a.AssignmentId, null),
                eligible: a.Type == "eligible");
            entries++;
        }
        foreach (var r in await Query(Activations))
        {
            Of(r.PrincipalId)?.AddActivation(new TenantGrants.Row(Shared(r.RoleId), Shared(r.Scope), r.StartsAt, r.EndsAt, r.AssignmentId, r.RequestId,
                r.Counts == 1, r.BasisUntil));
            entries++;
        }
        foreach (var e in await Query(Ended))
        {
            Of(e.PrincipalId)?.AddEnded(Shared(e.RoleId), Shared(e.Scope), e.Activation == 1);
            entries++;
        }
        var ancestors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var x in await Query(Ancestors))
        {
            (ancestors.TryGetValue(x.Scope, out var list) ? list : ancestors[x.Scope] = []).Add(Shared(x.AncestorScope!));
            entries++;
        }
        return new TenantGrants(principals, ancestors.ToDictionary(x => x.Key, x => x.Value.ToArray(), StringComparer.Ordinal), entries);
    }
}
