using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>A tenant's own roles (migration 0011), keyed by tenant: one tenant's roles are never another's.</summary>
public sealed class CustomRoleRepository(DbSession db) : ICustomRoles
{
    private sealed class RoleRow
    {
        public string RoleId { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Description { get; set; } = "";
        public int Resource { get; set; }
        public int Privileged { get; set; }

        public RoleDefinition ToDomain() => new(RoleId, DisplayName, Description, Privileged != 0, Resource != 0, Custom: true);
    }

    private const string Select = "SELECT role_id, display_name, description, resource, privileged FROM custom_roles";

    public async Task<RoleDefinition?> FindAsync(string tenantId, string roleId, CancellationToken ct)
    {
        const string sql = Select + " WHERE tenant_id = @tenantId AND role_id = @roleId";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<RoleRow>(db.Command(sql, new { tenantId, roleId }, ct)))?.ToDomain();
    }

    public async Task<IReadOnlyList<RoleDefinition>> ListAsync(string tenantId, CancellationToken ct)
    {
        const string sql = Select + " WHERE tenant_id = @tenantId ORDER BY role_id";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<RoleRow>(db.Command(sql, new { tenantId }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<bool> UpsertAsync(string tenantId, RoleDefinition role, DateTimeOffset now, string actorId, CancellationToken ct)
    {
        const string update = """
            UPDATE custom_roles SET display_name = @DisplayName, description = @Description, resource = @resource, privileged = @privileged,
                updated_at = @now, updated_by = @actorId
            WHERE tenant_id = @tenantId AND role_id = @Id
            """;
        const string insert = """
            INSERT INTO custom_roles (tenant_id, role_id, display_name, description, resource, privileged, created_at, created_by, updated_at, updated_by)
            VALUES (@tenantId, @Id, @DisplayName, @Description, @resource, @privileged, @now, @actorId, @now, @actorId)
            """;
        var parameters = new { tenantId, role.Id, role.DisplayName, role.Description, resource = role.Resource ? 1 : 0, privileged = role.Privileged ? 1 : 0, now, actorId };
        var connection = await db.ConnectionAsync(ct);
        if (await connection.ExecuteAsync(db.Command(update, parameters, ct)) == 1) return false;
        await connection.ExecuteAsync(db.Command(insert, parameters, ct));
        return true;
    }

    public async Task<bool> DeleteAsync(string tenantId, string roleId, CancellationToken ct)
    {
        const string sql = """
            DELETE FROM role_settings WHERE tenant_id = @tenantId AND role_id = @roleId;
            DELETE FROM custom_roles WHERE tenant_id = @tenantId AND role_id = @roleId;
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new { tenantId, roleId }, ct)) > 0;
    }
}
