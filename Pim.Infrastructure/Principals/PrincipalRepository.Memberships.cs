using System.Text;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

// Memberships: counting them, writing them, and the closure worked out again from what they are.
public sealed partial class PrincipalRepository
{
    private sealed class CountRow
    {
        public string PrincipalId { get; set; } = "";
        public int Count { get; set; }
    }

    public Task<IReadOnlyDictionary<string, int>> CountMemberOfAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct) =>
        CountMembershipsAsync("member_id", tenantId, principalIds, ct);

    public Task<IReadOnlyDictionary<string, int>> CountMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct) =>
        CountMembershipsAsync("group_id", tenantId, groupIds, ct);

    /// <summary>Direct memberships per principal, counted on one side (<c>member_id</c>: its groups; <c>group_id</c>: its members).</summary>
    private async Task<IReadOnlyDictionary<string, int>> CountMembershipsAsync(string side, string tenantId, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var sql = $"""
            SELECT {side} AS principal_id, count(*) AS count FROM group_memberships
            WHERE tenant_id = @tenantId AND {db.Store.In(side, "ids")} GROUP BY {side}
            """;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var connection = await db.ConnectionAsync(ct);
        foreach (var chunk in ids.Distinct().Chunk(Chunk))
            foreach (var row in await connection.QueryAsync<CountRow>(db.Command(sql, new { tenantId, ids = chunk }, ct)))
                counts[row.PrincipalId] = row.Count;
        return counts;
    }

    public async Task WriteMembershipsAsync(string tenantId, IReadOnlyCollection<(string Member, string Group)> added,
        IReadOnlyCollection<(string Member, string Group)> removed, CancellationToken ct)
    {
        const string remove = "DELETE FROM group_memberships WHERE tenant_id = @TenantId AND member_id = @MemberId AND group_id = @GroupId";
        const string add = """
            INSERT INTO group_memberships (tenant_id, member_id, group_id) VALUES (@TenantId, @MemberId, @GroupId)
            ON CONFLICT (tenant_id, member_id, group_id) DO NOTHING
            """;
        var connection = await db.ConnectionAsync(ct);
        if (removed.Count > 0)
            await connection.ExecuteAsync(db.Command(remove, removed.Select(e => new { TenantId = tenantId, MemberId = e.Member, GroupId = e.Group }).ToArray(), ct));
        if (added.Count > 0)
            await connection.ExecuteAsync(db.Command(add, added.Select(e => new { TenantId = tenantId, MemberId = e.Member, GroupId = e.Group }).ToArray(), ct));
    }

    private sealed class ReachRow
    {
        public int Deepest { get; set; }
        public int Widest { get; set; }
    }

    // Every group a member reaches through the direct memberships, one row per way and depth, up to @depth + 1 in a row
    // (so that a chain deeper than allowed, or a cycle, shows, and the recursion always ends).
    private const string Reach = """
        WITH RECURSIVE reach (member_id, group_id, depth) AS (
            SELECT m.member_id, m.group_id, 1 FROM group_memberships m WHERE m.tenant_id = @tenantId AND /*members*/
            UNION
            SELECT r.member_id, m.group_id, r.depth + 1
            FROM reach r JOIN group_memberships m ON m.tenant_id = @tenantId AND m.member_id = r.group_id
            WHERE r.depth <= @depth)
        """;

    /// <inheritdoc />
    /// <remarks>
    /// The roots' members (directly or further down) are found in the closure as it is: their own memberships did not
    /// change, only the roots' did. Their rows are deleted and worked out again from the direct memberships (each row at
    /// the depth of the shortest way), a bounded number of principals at a time.
    /// </remarks>
    public async Task<ClosureRebuild> RebuildClosureAsync(string tenantId, IReadOnlyCollection<string> roots, int depth, CancellationToken ct)
    {
        var membersOf = $"SELECT DISTINCT member_id FROM {MembershipSql.Closure} WHERE tenant_id = @tenantId AND {db.Store.In("group_id", "ids")}";
        var forget = $"DELETE FROM {MembershipSql.Closure} WHERE tenant_id = @tenantId AND {db.Store.In("member_id", "ids")}";
        var measure = Reach.Replace("/*members*/", db.Store.In("m.member_id", "ids")) + """
            SELECT COALESCE(max(depth), 0) AS deepest,
                   COALESCE((SELECT max(n) FROM (SELECT count(DISTINCT group_id) AS n FROM reach GROUP BY member_id) w), 0) AS widest
            FROM reach
            """;
        var insert = Reach.Replace("/*members*/", db.Store.In("m.member_id", "ids")) + $"""
            INSERT INTO {MembershipSql.Closure} (tenant_id, member_id, group_id, depth)
            SELECT @tenantId, member_id, group_id, min(depth) FROM reach WHERE member_id <> group_id GROUP BY member_id, group_id
            """;
        var connection = await db.ConnectionAsync(ct);
        var affected = new HashSet<string>(roots, StringComparer.Ordinal);
        foreach (var chunk in roots.Distinct().Chunk(Chunk))
            affected.UnionWith(await connection.QueryAsync<string>(db.Command(membersOf, new { tenantId, ids = chunk }, ct)));
        int deepest = 0, widest = 0;
        foreach (var chunk in affected.Order(StringComparer.Ordinal).Chunk(Chunk))
        {
            var args = new { tenantId, ids = chunk, depth };
            var reach = await connection.QuerySingleAsync<ReachRow>(db.Command(measure, args, ct));
            deepest = Math.Max(deepest, reach.Deepest);
            widest = Math.Max(widest, reach.Widest);
            if (deepest > depth) break; // refused: the unit of work rolls back
            await connection.ExecuteAsync(db.Command(forget, args, ct));
            await connection.ExecuteAsync(db.Command(insert, args, ct));
        }
        return new ClosureRebuild(affected.ToList(), deepest, widest);
    }
}
