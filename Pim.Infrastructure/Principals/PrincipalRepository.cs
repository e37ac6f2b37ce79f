using System.Text;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// The directory: principals, their direct memberships (<c>group_memberships</c>) and the closure of memberships
/// (<see cref="MembershipSql.Closure"/>), worked out again from the direct ones by <see cref="RebuildClosureAsync"/>
/// whenever they change. A principal read here comes with every group it is a member of now
/// (<see cref="Principal.TransitiveMemberOf"/>: <see cref="MembershipSql.Memberships"/>, so just-in-time memberships
/// too, on Pim's clock), and those the directory alone says (<see cref="Principal.DirectoryMemberOf"/>: the closure).
/// A group is also a scope, <c>/groups/{groupId}</c> (registered in <c>scope_ancestors</c>, outside
/// the resource tree), at which its roles <c>member</c> and <c>owner</c> are held.
/// </summary>
public sealed partial class PrincipalRepository(DbSession db, TimeProvider time) : IPrincipals
{
    private sealed class PrincipalRow
    {
        public string TenantId { get; set; } = "";
        public string PrincipalId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string? Email { get; set; }
        public string? HomeTenantId { get; set; }
        public string? HomePrincipalId { get; set; }
        public DateTimeOffset? DisabledAt { get; set; }
        public string? UserName { get; set; }
        public string? ExternalId { get; set; }
        public string? Attributes { get; set; }
        public int Version { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
        public string? MemberOf { get; set; }
        public string? TransitiveMemberOf { get; set; }
        public string? DirectoryMemberOf { get; set; }
    }

    // A principal is one row: its direct groups and all its groups come along as comma-separated columns (ids hold no comma).
    private const string Select = $"""
        SELECT p.tenant_id, p.principal_id, p.kind, p.display_name, p.email, p.home_tenant_id, p.home_principal_id, p.disabled_at,
               p.user_name, p.external_id, p.attributes, p.version, p.created_at, p.updated_at,
               (SELECT string_agg(g.group_id, ',') FROM group_memberships g
                 WHERE g.tenant_id = p.tenant_id AND g.member_id = p.principal_id) AS member_of,
               (SELECT string_agg(c.group_id, ',') FROM {MembershipSql.Memberships} c
                 WHERE c.tenant_id = p.tenant_id AND c.member_id = p.principal_id) AS transitive_member_of,
               (SELECT string_agg(d.group_id, ',') FROM {MembershipSql.Closure} d
                 WHERE d.tenant_id = p.tenant_id AND d.member_id = p.principal_id) AS directory_member_of
        FROM principals p
        """;

    public async Task<Principal?> FindAsync(string tenantId, string principalId, CancellationToken ct)
    {
        const string sql = Select + " WHERE p.tenant_id = @tenantId AND p.principal_id = @principalId";
        var connection = await db.ConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PrincipalRow>(db.Command(Sql(sql), new { tenantId, principalId, now = time.GetUtcNow() }, ct));
        return row is null ? null : Map(row);
    }

    public async Task<Principal?> FindGuestAsync(string tenantId, string homeTenantId, string homePrincipalId, CancellationToken ct)
    {
        const string sql = Select + """
             WHERE p.tenant_id = @tenantId AND p.home_tenant_id = @homeTenantId AND p.home_principal_id = @homePrincipalId
            """;
        var connection = await db.ConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PrincipalRow>(db.Command(Sql(sql), new { tenantId, homeTenantId, homePrincipalId, now = time.GetUtcNow() }, ct));
        return row is null ? null : Map(row);
    }

    public async Task<IReadOnlyList<GuestTenant>> ListGuestTenantsAsync(string homeTenantId, string homePrincipalId, int limit, CancellationToken ct)
    {
        const string sql = """
            SELECT t.tenant_id, t.display_name, p.principal_id
            FROM principals p JOIN tenants t ON t.tenant_id = p.tenant_id
            WHERE p.home_tenant_id = @homeTenantId AND p.home_principal_id = @homePrincipalId AND p.disabled_at IS NULL
            ORDER BY t.tenant_id LIMIT @limit
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<GuestTenantRow>(db.Command(sql, new { homeTenantId, homePrincipalId, limit }, ct)))
            .Select(r => new GuestTenant(r.TenantId, r.DisplayName, r.PrincipalId)).ToList();
    }

    private sealed class GuestTenantRow
    {
        public string TenantId { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string PrincipalId { get; set; } = "";
    }

    public async Task<IReadOnlyList<Principal>> FindManyAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct)
    {
        if (principalIds.Count == 0) return [];
        var sql = Select + $" WHERE p.tenant_id = @tenantId AND {db.Store.In("p.principal_id", "ids")}";
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<PrincipalRow>(db.Command(Sql(sql), new { tenantId, ids = principalIds.ToArray(), now = time.GetUtcNow() }, ct));
        return rows.Select(Map).ToList();
    }

    public async Task<IReadOnlyList<string>> ListMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct)
    {
        var sql = $"""
            SELECT DISTINCT c.member_id FROM {MembershipSql.Memberships} c
            JOIN principals p ON p.tenant_id = c.tenant_id AND p.principal_id = c.member_id
            WHERE c.tenant_id = @tenantId AND {db.Store.In("c.group_id", "groupIds")} AND p.disabled_at IS NULL AND p.kind <> 'group'
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, groupIds = groupIds.ToArray(), now = time.GetUtcNow() }, ct))).ToList();
    }

    public async Task<IReadOnlyList<string>> ListGroupsWithinAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct)
    {
        if (groupIds.Count == 0) return [];
        var sql = $"""
            SELECT p.principal_id FROM principals p WHERE p.tenant_id = @tenantId AND p.kind = 'group' AND {db.Store.In("p.principal_id", "groupIds")}
            UNION
            SELECT c.member_id FROM {MembershipSql.Closure} c
            JOIN principals p ON p.tenant_id = c.tenant_id AND p.principal_id = c.member_id AND p.kind = 'group'
            WHERE c.tenant_id = @tenantId AND {db.Store.In("c.group_id", "groupIds")}
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, groupIds = groupIds.ToArray() }, ct))).Order(StringComparer.Ordinal).ToList();
    }

    private sealed class MemberRow
    {
        public string PrincipalId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string DisplayName { get; set; } = "";
    }

    public async Task<IReadOnlyList<GroupMember>> ListDirectMembersAsync(string tenantId, string groupId, CancellationToken ct)
    {
        const string sql = """
            SELECT p.principal_id, p.kind, p.display_name FROM group_memberships m
            JOIN principals p ON p.tenant_id = m.tenant_id AND p.principal_id = m.member_id
            WHERE m.tenant_id = @tenantId AND m.group_id = @groupId
            ORDER BY p.principal_id
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<MemberRow>(db.Command(sql, new { tenantId, groupId }, ct)))
            .Select(r => new GroupMember(r.PrincipalId, ParseKind(r.Kind), r.DisplayName)).ToList();
    }

    private sealed class MembershipRow
    {
        public string GroupId { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public int Depth { get; set; }
        public string? Via { get; set; }
    }

    public async Task<IReadOnlyList<Membership>> ListMembershipsAsync(string tenantId, string principalId, CancellationToken ct)
    {
        // An inherited membership comes through the principal's direct group that is nearest to the group (the first by id among equals).
        const string sql = $"""
            SELECT c.group_id, g.display_name, c.depth,
                   (SELECT min(d.group_id) FROM group_memberships d
                    JOIN {MembershipSql.Closure} v ON v.tenant_id = d.tenant_id AND v.member_id = d.group_id AND v.group_id = c.group_id
                                                       AND v.depth = c.depth - 1
                    WHERE d.tenant_id = c.tenant_id AND d.member_id = c.member_id) AS via
            FROM {MembershipSql.Closure} c
            JOIN principals g ON g.tenant_id = c.tenant_id AND g.principal_id = c.group_id
            WHERE c.tenant_id = @tenantId AND c.member_id = @principalId
            ORDER BY c.depth, c.group_id
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<MembershipRow>(db.Command(sql, new { tenantId, principalId }, ct)))
            .Select(r => new Membership(r.GroupId, r.DisplayName, r.Depth, r.Via)).ToList();
    }

    public async Task<IReadOnlyList<Principal>> ListAsync(string tenantId, PrincipalQuery query, CancellationToken ct)
    {
        var parameters = new DynamicParameters(new { tenantId, after = query.After, limit = query.Limit, offset = query.Offset, now = time.GetUtcNow() });
        var sql = $"{Select} WHERE {Where(query, parameters)}{(query.After is null ? "" : " AND p.principal_id > @after")} " +
                  "ORDER BY p.principal_id LIMIT @limit OFFSET @offset";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<PrincipalRow>(db.Command(Sql(sql), parameters, ct))).Select(Map).ToList();
    }

    public async Task<int> CountAsync(string tenantId, PrincipalQuery query, CancellationToken ct)
    {
        var parameters = new DynamicParameters(new { tenantId });
        var sql = $"SELECT count(*) FROM principals p WHERE {Where(query, parameters)}";
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(db.Command(sql, parameters, ct));
    }

    /// <summary>The condition of a query (paging aside), its values added to <paramref name="parameters"/>.</summary>
    private string Where(PrincipalQuery query, DynamicParameters parameters)
    {
        var sql = new StringBuilder("p.tenant_id = @tenantId");
        if (query.Kinds is { } kinds)
        {
            parameters.Add("kinds", kinds.Select(PrincipalKinds.ToText).ToArray());
            sql.Append(" AND ").Append(db.Store.In("p.kind", "kinds"));
        }
        if (query.MemberOf is { } groupId)
        {
            parameters.Add("memberOf", groupId);
            sql.Append(" AND p.principal_id IN (SELECT m.member_id FROM ").Append(query.Transitive ? MembershipSql.Closure : "group_memberships")
                .Append(" m WHERE m.tenant_id = @tenantId AND m.group_id = @memberOf)");
        }
        if (query.Text is { } text)
        {
            parameters.Add("text", text.ToLowerInvariant());
            sql.Append($" AND ({Contains("p.display_name_key", "@text")} OR {Contains("p.email_key", "@text")} OR {Contains("p.user_name_key", "@text")})");
        }
        if (query.Filter is { } filter)
        {
            var next = 0;
            sql.Append(" AND ").Append(Condition(filter, parameters, ref next));
        }
        return sql.ToString();
    }

    /// <summary>A directory filter in SQL: every value a parameter, case-insensitive attributes compared on their lower-cased keys.</summary>
    private string Condition(DirectoryFilter filter, DynamicParameters parameters, ref int next)
    {
        switch (filter)
        {
            case DirectoryFilter.And and:
                return $"({Condition(and.Left, parameters, ref next)} AND {Condition(and.Right, parameters, ref next)})";
            case DirectoryFilter.Or or:
                return $"({Condition(or.Left, parameters, ref next)} OR {Condition(or.Right, parameters, ref next)})";
            case DirectoryFilter.Not not:
                return $"(NOT {Condition(not.Inner, parameters, ref next)})";
        }
        var compare = (DirectoryFilter.Compare)filter;
        if (compare.Attribute == DirectoryAttribute.Active)
        {
            var enabled = compare.Operator == FilterOperator.Present || (compare.Flag == true) == (compare.Operator == FilterOperator.Equal);
            return compare.Operator == FilterOperator.Present ? "1 = 1" : enabled ? "p.disabled_at IS NULL" : "p.disabled_at IS NOT NULL";
        }
        var name = $"@f{next++}";
        parameters.Add(name[1..], compare.Attribute is DirectoryAttribute.Id or DirectoryAttribute.ExternalId or DirectoryAttribute.Member
            ? compare.Text : compare.Text?.ToLowerInvariant());
        if (compare.Attribute == DirectoryAttribute.Member)
        {
            var members = "SELECT 1 FROM group_memberships m WHERE m.tenant_id = p.tenant_id AND m.group_id = p.principal_id";
            return compare.Operator switch
            {
                FilterOperator.Present => $"EXISTS ({members})",
                FilterOperator.Equal => $"EXISTS ({members} AND m.member_id = {name})",
                FilterOperator.NotEqual => $"NOT EXISTS ({members} AND m.member_id = {name})",
                _ => throw new PimException(ErrorCodes.InvalidFilter, "members is compared with eq, ne or pr only."),
            };
        }
        var column = compare.Attribute switch
        {
            DirectoryAttribute.Id => "p.principal_id",
            DirectoryAttribute.UserName => "p.user_name_key",
            DirectoryAttribute.ExternalId => "p.external_id",
            DirectoryAttribute.DisplayName => "p.display_name_key",
            _ => "p.email_key",
        };
        if (compare.Operator == FilterOperator.Present || (compare.Text is "" && compare.Operator is FilterOperator.Contains or FilterOperator.StartsWith
                or FilterOperator.EndsWith))
            return $"{column} IS NOT NULL";
        return compare.Operator switch
        {
            FilterOperator.Equal => $"{column} = {name}",
            FilterOperator.NotEqual => $"({column} IS NULL OR {column} <> {name})",
            FilterOperator.Contains => Contains(column, name),
            FilterOperator.StartsWith => $"substr({column}, 1, length({name})) = {name}",
            _ => db.Store.Provider == StoreProvider.Postgres ? $"right({column}, length({name})) = {name}" : $"substr({column}, -length({name})) = {name}",
        };
    }

    /// <summary>A case-sensitive "contains" on both stores (SQLite's LIKE ignores ASCII case, PostgreSQL's does not).</summary>
    private string Contains(string column, string parameter) =>
        db.Store.Provider == StoreProvider.Postgres ? $"strpos({column}, {parameter}) > 0" : $"instr({column}, {parameter}) > 0";

    public async Task<IReadOnlyList<string>> FindTakenAsync(string tenantId, string exceptId, string? userName, string? externalId, CancellationToken ct)
    {
        const string sql = """
            SELECT 'userName' FROM principals
            WHERE tenant_id = @tenantId AND principal_id <> @exceptId AND kind = 'user' AND user_name_key = @userNameKey
            UNION ALL
            SELECT 'externalId' FROM principals WHERE tenant_id = @tenantId AND principal_id <> @exceptId AND external_id = @externalId
            """;
        if (userName is null && externalId is null) return [];
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, exceptId, userNameKey = userName?.ToLowerInvariant(), externalId }, ct)))
            .Distinct().ToList();
    }

    public async Task<bool> UpsertAsync(Principal principal, DateTimeOffset now, CancellationToken ct)
    {
        const string exists = "SELECT COUNT(*) FROM principals WHERE tenant_id = @TenantId AND principal_id = @Id";
        const string upsert = """
            INSERT INTO principals (tenant_id, principal_id, kind, display_name, email, home_tenant_id, home_principal_id, disabled_at,
                                    user_name, user_name_key, external_id, attributes, display_name_key, email_key, version, created_at, updated_at)
            VALUES (@TenantId, @Id, @Kind, @DisplayName, @Email, @HomeTenantId, @HomePrincipalId, @disabledAt,
                    @UserName, @userNameKey, @ExternalId, @Attributes, @displayNameKey, @emailKey, 1, @now, @now)
            ON CONFLICT (tenant_id, principal_id) DO UPDATE SET
                kind = excluded.kind, display_name = excluded.display_name, email = excluded.email,
                home_tenant_id = excluded.home_tenant_id, home_principal_id = excluded.home_principal_id, updated_at = excluded.updated_at,
                user_name = excluded.user_name, user_name_key = excluded.user_name_key, external_id = excluded.external_id,
                attributes = excluded.attributes, display_name_key = excluded.display_name_key, email_key = excluded.email_key,
                version = principals.version + 1,
                disabled_at = CASE WHEN excluded.disabled_at IS NULL THEN NULL ELSE COALESCE(principals.disabled_at, excluded.disabled_at) END
            """;
        var connection = await db.ConnectionAsync(ct);
        var existed = await connection.ExecuteScalarAsync<long>(db.Command(exists, new { principal.TenantId, principal.Id }, ct)) > 0;
        try
        {
            await connection.ExecuteAsync(db.Command(upsert, new
            {
                principal.TenantId, principal.Id, Kind = PrincipalKinds.ToText(principal.Kind), principal.DisplayName, principal.Email,
                principal.HomeTenantId, principal.HomePrincipalId, now, disabledAt = principal.Enabled ? (DateTimeOffset?)null : now,
                principal.UserName, principal.ExternalId, principal.Attributes,
                // A user without a userName of its own is known by its id.
                userNameKey = (principal.UserName ?? (principal.Kind == PrincipalKind.User ? principal.Id : null))?.ToLowerInvariant(),
                displayNameKey = principal.DisplayName.ToLowerInvariant(), emailKey = principal.Email?.ToLowerInvariant(),
            }, ct));
        }
        catch (Exception e) when (Store.IsUniqueViolation(e))
        {
            throw new PimException(ErrorCodes.NotUnique, "Another principal of the directory already has this externalId.");
        }
        // A group is a scope; a principal that was one and is no longer is not (PrincipalService refuses a kind change to or
        // from group: this is the store's guard). A new principal that is not a group never was one.
        if (principal.Kind == PrincipalKind.Group || existed)
            await connection.ExecuteAsync(db.Command(principal.Kind == PrincipalKind.Group ? RegisterGroupScope : ForgetGroupScope,
                new { tenantId = principal.TenantId, scope = ScopePath.Group(principal.Id) }, ct));
        return !existed;
    }

    public async Task TouchAsync(string tenantId, IReadOnlyCollection<string> principalIds, DateTimeOffset now, CancellationToken ct)
    {
        var sql = $"UPDATE principals SET version = version + 1, updated_at = @now WHERE tenant_id = @tenantId AND {db.Store.In("principal_id", "ids")}";
        var connection = await db.ConnectionAsync(ct);
        foreach (var ids in principalIds.Distinct().Chunk(Chunk))
            await connection.ExecuteAsync(db.Command(sql, new { tenantId, now, ids }, ct));
    }
    /// <summary>How many ids one statement lists (SQLite binds each as a parameter).</summary>
    private const int Chunk = 1000;

    /// <summary>SQLite spells string_agg group_concat.</summary>
    private string Sql(string sql) => db.Store.Provider == StoreProvider.Sqlite ? sql.Replace("string_agg(", "group_concat(") : sql;

    private static PrincipalKind ParseKind(string kind) =>
        PrincipalKinds.Parse(kind) ?? throw new InvalidDataException($"Unknown principal kind '{kind}'.");

    private static IReadOnlyList<string> Ids(string? column) => column is null ? [] : column.Split(',').Distinct().Order(StringComparer.Ordinal).ToList();

    private static Principal Map(PrincipalRow row) => new(
        row.TenantId, row.PrincipalId, ParseKind(row.Kind), row.DisplayName, row.Email, row.HomeTenantId, row.HomePrincipalId, Ids(row.MemberOf),
        row.DisabledAt is null)
    {
        TransitiveMemberOf = Ids(row.TransitiveMemberOf),
        DirectoryMemberOf = Ids(row.DirectoryMemberOf),
        UserName = row.UserName,
        ExternalId = row.ExternalId,
        Attributes = row.Attributes,
        Version = row.Version,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
    };

    // A group is a scope of its own (its roles member and owner are held there), with no ancestor but itself.
    private const string RegisterGroupScope = """
        INSERT INTO scope_ancestors (tenant_id, scope, ancestor_scope, depth) VALUES (@tenantId, @scope, @scope, 0)
        ON CONFLICT (tenant_id, scope, ancestor_scope) DO NOTHING
        """;
    private const string ForgetGroupScope = "DELETE FROM scope_ancestors WHERE tenant_id = @tenantId AND scope = @scope";

    public async Task DeleteAsync(string tenantId, string principalId, CancellationToken ct)
    {
        // Its memberships, and (for a group) its members' memberships of it, go with it; the closure's rows by cascade.
        const string sql = """
            DELETE FROM group_memberships WHERE tenant_id = @tenantId AND (member_id = @principalId OR group_id = @principalId);
            DELETE FROM principals WHERE tenant_id = @tenantId AND principal_id = @principalId;
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new { tenantId, principalId }, ct));
        await connection.ExecuteAsync(db.Command(ForgetGroupScope, new { tenantId, scope = ScopePath.Group(principalId) }, ct));
    }
}
