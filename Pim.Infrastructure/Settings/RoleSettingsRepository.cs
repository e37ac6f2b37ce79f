using System.Text.Json;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>Role settings are one JSON document per tenant, role and scope, versioned for If-Match.</summary>
public sealed class RoleSettingsRepository(DbSession db) : IRoleSettingsStore
{
    private static readonly JsonSerializerOptions Json = DocumentJson.Options;

    private sealed class SettingsRow
    {
        public string Document { get; set; } = "";
        public int Version { get; set; }
        public string Scope { get; set; } = "";
    }

    public async Task<StoredRoleSettings?> FindNearestAsync(string tenantId, string roleId, IReadOnlyList<string> ancestors, CancellationToken ct)
    {
        var sql = $"SELECT document, version, scope FROM role_settings WHERE tenant_id = @tenantId AND role_id = @roleId AND {db.Store.In("scope", "ancestors")}";
        var connection = await db.ConnectionAsync(ct);
        var rows = (await connection.QueryAsync<SettingsRow>(db.Command(sql, new { tenantId, roleId, ancestors = ancestors.ToArray() }, ct))).ToList();
        var nearest = ancestors.Select(a => rows.FirstOrDefault(r => r.Scope == a)).FirstOrDefault(r => r is not null);
        return nearest is null ? null : new StoredRoleSettings(JsonSerializer.Deserialize<RoleSettings>(nearest.Document, Json)!, nearest.Version, nearest.Scope);
    }

    public async Task<bool> SaveAsync(string tenantId, RoleSettings settings, string scope, int expectedVersion, DateTimeOffset now, string updatedBy,
        CancellationToken ct)
    {
        const string insert = """
            INSERT INTO role_settings (tenant_id, role_id, scope, document, version, updated_at, updated_by)
            VALUES (@tenantId, @RoleId, @scope, @document, 1, @now, @updatedBy)
            ON CONFLICT (tenant_id, role_id, scope) DO NOTHING
            """;
        const string update = """
            UPDATE role_settings SET document = @document, version = version + 1, updated_at = @now, updated_by = @updatedBy
            WHERE tenant_id = @tenantId AND role_id = @RoleId AND scope = @scope AND version = @expectedVersion
            """;
        var document = JsonSerializer.Serialize(settings, Json);
        var connection = await db.ConnectionAsync(ct);
        var sql = expectedVersion == 0 ? insert : update;
        return await connection.ExecuteAsync(db.Command(sql, new { tenantId, settings.RoleId, scope, document, now, updatedBy, expectedVersion }, ct)) == 1;
    }
}
