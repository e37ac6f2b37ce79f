using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>The scope tree with a closure table: every node has a row per ancestor (itself at depth 0, '/' last).</summary>
public sealed class ScopeRepository(DbSession db) : IScopes
{
    private sealed class NodeRow
    {
        public string TenantId { get; set; } = "";
        public string Scope { get; set; } = "";
        public string Kind { get; set; } = "";
        public string NodeId { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string ParentScope { get; set; } = "";

        public ScopeNode ToDomain() => new(TenantId, Scope, Kind, NodeId, DisplayName, ParentScope);
    }

    private const string Select = "SELECT tenant_id, scope, kind, node_id, display_name, parent_scope FROM scope_nodes";

    public async Task<ScopeNode?> FindAsync(string tenantId, string scope, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<NodeRow>(db.Command(Select + " WHERE tenant_id = @tenantId AND scope = @scope",
            new { tenantId, scope }, ct)))?.ToDomain();
    }

    public async Task<IReadOnlyList<string>> AncestorsAsync(string tenantId, string scope, CancellationToken ct)
    {
        const string sql = "SELECT ancestor_scope FROM scope_ancestors WHERE tenant_id = @tenantId AND scope = @scope ORDER BY depth";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, scope }, ct))).ToList();
    }

    public async Task<IReadOnlyList<string>> SubtreeAsync(string tenantId, string scope, CancellationToken ct)
    {
        const string sql = "SELECT scope FROM scope_ancestors WHERE tenant_id = @tenantId AND ancestor_scope = @scope ORDER BY depth";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, scope }, ct))).ToList();
    }

    public async Task<IReadOnlyList<ScopeNode>> ListAsync(string tenantId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<NodeRow>(db.Command(Select + " WHERE tenant_id = @tenantId ORDER BY scope", new { tenantId }, ct)))
            .Select(r => r.ToDomain()).ToList();
    }

    public async Task<int> CountAsync(string tenantId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(db.Command("SELECT count(*) FROM scope_nodes WHERE tenant_id = @tenantId", new { tenantId }, ct));
    }

    public async Task<bool> UpsertAsync(ScopeNode node, CancellationToken ct)
    {
        const string insert = """
            INSERT INTO scope_nodes (tenant_id, scope, kind, node_id, display_name, parent_scope)
            VALUES (@TenantId, @Scope, @Kind, @Id, @DisplayName, @ParentScope);
            INSERT INTO scope_ancestors (tenant_id, scope, ancestor_scope, depth) VALUES (@TenantId, @Scope, @Scope, 0);
            """;
        const string update = "UPDATE scope_nodes SET display_name = @DisplayName, parent_scope = @ParentScope WHERE tenant_id = @TenantId AND scope = @Scope";
        // Moving a subtree: forget every link from inside the subtree to outside it …
        const string detach = """
            DELETE FROM scope_ancestors
            WHERE tenant_id = @TenantId
              AND scope IN (SELECT d.scope FROM scope_ancestors d WHERE d.tenant_id = @TenantId AND d.ancestor_scope = @Scope)
              AND ancestor_scope NOT IN (SELECT d.scope FROM scope_ancestors d WHERE d.tenant_id = @TenantId AND d.ancestor_scope = @Scope)
            """;
        // … and link every node of the subtree to the new parent and the parent's ancestors.
        const string attachToRoot = """
            INSERT INTO scope_ancestors (tenant_id, scope, ancestor_scope, depth)
            SELECT s.tenant_id, s.scope, '/', s.depth + 1 FROM scope_ancestors s WHERE s.tenant_id = @TenantId AND s.ancestor_scope = @Scope
            """;
        const string attach = """
            INSERT INTO scope_ancestors (tenant_id, scope, ancestor_scope, depth)
            SELECT s.tenant_id, s.scope, p.ancestor_scope, s.depth + p.depth + 1
            FROM scope_ancestors s
            JOIN scope_ancestors p ON p.tenant_id = s.tenant_id AND p.scope = @ParentScope
            WHERE s.tenant_id = @TenantId AND s.ancestor_scope = @Scope
            """;
        var connection = await db.ConnectionAsync(ct);
        var existing = await FindAsync(node.TenantId, node.Scope, ct);
        if (existing is null)
        {
            await connection.ExecuteAsync(db.Command(insert, node, ct));
        }
        else
        {
            await connection.ExecuteAsync(db.Command(update, node, ct));
            if (existing.ParentScope == node.ParentScope) return false;
            await connection.ExecuteAsync(db.Command(detach, node, ct));
        }
        await connection.ExecuteAsync(db.Command(node.ParentScope == ScopePath.Root ? attachToRoot : attach, node, ct));
        return existing is null;
    }
}
