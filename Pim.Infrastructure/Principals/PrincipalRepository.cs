using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

public sealed class PrincipalRepository(DbSession db) : IPrincipals
{
    private sealed class PrincipalRow { public string TenantId { get; set; } = ""; public string PrincipalId { get; set; } = ""; public string Kind { get; set; } = ""; public string DisplayName { get; set; } = ""; public string? Email { get; set; } public string? HomeTenantId { get; set; } public string? HomePrincipalId { get; set; } public string? MemberOf { get; set; } public DateTimeOffset? DisabledAt { get; set; } }

    // Group memberships come along as one comma-separated column, so a principal is one row.
    private const string Select = """
        SELECT p.tenant_id, p.principal_id, p.kind, p.display_name, p.email, p.home_tenant_id, p.home_principal_id, p.disabled_at,
               (SELECT string_agg(g.group_id, ',') FROM group_memberships g
                 WHERE g.tenant_id = p.tenant_id AND g.member_id = p.principal_id) AS member_of
        FROM principals p
        """;

    public async Task<Principal?> FindAsync(string tenantId, string principalId, CancellationToken ct)
    {
        const string sql = Select + " WHERE p.tenant_id = @tenantId AND p.principal_id = @principalId";
        var connection = await db.ConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PrincipalRow>(db.Command(Sql(sql), new { tenantId, principalId }, ct));
        return row is null ? null : Map(row);
    }

    public async Task<Principal?> FindGuestAsync(string tenantId, string homeTenantId, string homePrincipalId, CancellationToken ct)
    {
        const string sql = Select + """
             WHERE p.tenant_id = @tenantId AND p.home_tenant_id = @homeTenantId AND p.home_principal_id = @homePrincipalId
            """;
        var connection = await db.ConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PrincipalRow>(db.Command(Sql(sql), new { tenantId, homeTenantId, homePrincipalId }, ct));
        return row is null ? null : Map(row);
    }

    public async Task<IReadOnlyList<Principal>> FindManyAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct)
    {
        if (principalIds.Count == 0) return [];
        var sql = Select + $" WHERE p.tenant_id = @tenantId AND {db.Store.In("p.principal_id", "ids")}";
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<PrincipalRow>(db.Command(Sql(sql), new { tenantId, ids = principalIds.ToArray() }, ct));
        return rows.Select(Map).ToList();
    }

    public async Task<IReadOnlyList<string>> ListMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct)
    {
        var sql = $"SELECT DISTINCT member_id FROM group_memberships WHERE tenant_id = @tenantId AND {db.Store.In("group_id", "groupIds")}";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, groupIds = groupIds.ToArray() }, ct))).ToList();
    }

    public async Task<bool> UpsertAsync(Principal principal, DateTimeOffset now, CancellationToken ct)
    {
        const string exists = "SELECT COUNT(*) FROM principals WHERE tenant_id = @TenantId AND principal_id = @Id";
        const string upsert = """
            INSERT INTO principals (tenant_id, principal_id, kind, display_name, email, home_tenant_id, home_principal_id, disabled_at, created_at, updated_at)
            VALUES (@TenantId, @Id, @Kind, @DisplayName, @Email, @HomeTenantId, @HomePrincipalId, @disabledAt, @now, @now)
            ON CONFLICT (tenant_id, principal_id) DO UPDATE SET
                kind = excluded.kind, display_name = excluded.display_name, email = excluded.email,
                home_tenant_id = excluded.home_tenant_id, home_principal_id = excluded.home_principal_id, updated_at = excluded.updated_at,
                disabled_at = CASE WHEN excluded.disabled_at IS NULL THEN NULL ELSE COALESCE(principals.disabled_at, excluded.disabled_at) END
            """;
        const string clearMemberships = "DELETE FROM group_memberships WHERE tenant_id = @TenantId AND member_id = @Id";
        const string addMembership = "INSERT INTO group_memberships (tenant_id, member_id, group_id) VALUES (@TenantId, @MemberId, @GroupId)";
        var connection = await db.ConnectionAsync(ct);
        var existed = await connection.ExecuteScalarAsync<long>(db.Command(exists, new { principal.TenantId, principal.Id }, ct)) > 0;
        await connection.ExecuteAsync(db.Command(upsert, new
        {
            principal.TenantId, principal.Id, Kind = PrincipalKinds.ToText(principal.Kind), principal.DisplayName, principal.Email,
            principal.HomeTenantId, principal.HomePrincipalId, now, disabledAt = principal.Enabled ? (DateTimeOffset?)null : now,
        }, ct));
        await connection.ExecuteAsync(db.Command(clearMemberships, new { principal.TenantId, principal.Id }, ct));
        if (principal.MemberOf.Count > 0)
            await connection.ExecuteAsync(db.Command(addMembership,
                principal.MemberOf.Distinct().Select(g => new { principal.TenantId, MemberId = principal.Id, GroupId = g }).ToArray(), ct));
        return !existed;
    }

    /// <summary>SQLite spells string_agg group_concat.</summary>
    private string Sql(string sql) => db.Store.Provider == StoreProvider.Sqlite ? sql.Replace("string_agg(", "group_concat(") : sql;

    private static Principal Map(PrincipalRow row) => new(
        row.TenantId, row.PrincipalId,
        PrincipalKinds.Parse(row.Kind) ?? throw new InvalidDataException($"Unknown principal kind '{row.Kind}'."),
        row.DisplayName, row.Email, row.HomeTenantId, row.HomePrincipalId,
        row.MemberOf is null ? [] : row.MemberOf.Split(',').Order(StringComparer.Ordinal).ToList(),
        row.DisabledAt is null);

    public async Task DeleteAsync(string tenantId, string principalId, CancellationToken ct)
    {
        // Its memberships, and (for a group) its members' memberships of it, go with it.
        const string sql = """
            DELETE FROM group_memberships WHERE tenant_id = @tenantId AND (member_id = @principalId OR group_id = @principalId);
            DELETE FROM principals WHERE tenant_id = @tenantId AND principal_id = @principalId;
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new { tenantId, principalId }, ct));
    }
}
