using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

public sealed class TenantRepository(DbSession db) : ITenants
{
    private sealed class TenantRow { public string TenantId { get; set; } = ""; public string DisplayName { get; set; } = ""; public DateTimeOffset? ConsentedAt { get; set; } public string? ConsentedBy { get; set; } }
    private sealed class SignUpRow { public string Area { get; set; } = ""; public string Scope { get; set; } = ""; public DateTimeOffset SignedUpAt { get; set; } public string SignedUpBy { get; set; } = ""; }

    public Task<Tenant?> FindAsync(string tenantId, CancellationToken ct) => FindAsync(tenantId, "", ct);

    public Task<Tenant?> FindForUpdateAsync(string tenantId, CancellationToken ct) => FindAsync(tenantId, db.Store.HoldRow, ct);

    private async Task<Tenant?> FindAsync(string tenantId, string hold, CancellationToken ct)
    {
        var sql = $"""
            SELECT tenant_id, display_name, consented_at, consented_by FROM tenants WHERE tenant_id = @tenantId{hold};
            SELECT area, scope, signed_up_at, signed_up_by FROM sign_ups WHERE tenant_id = @tenantId ORDER BY signed_up_at;
            """;
        var connection = await db.ConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(db.Command(sql, new { tenantId }, ct));
        var row = await results.ReadSingleOrDefaultAsync<TenantRow>();
        if (row is null) return null;
        var signUps = (await results.ReadAsync<SignUpRow>()).Select(s => new SignUp(s.Area, s.Scope, s.SignedUpAt, s.SignedUpBy));
        return Tenant.Rehydrate(row.TenantId, row.DisplayName, row.ConsentedAt, row.ConsentedBy, signUps);
    }

    public async Task<bool> UpsertAsync(Tenant tenant, DateTimeOffset now, CancellationToken ct)
    {
        const string exists = "SELECT COUNT(*) FROM tenants WHERE tenant_id = @Id";
        const string upsert = """
            INSERT INTO tenants (tenant_id, display_name, created_at, updated_at)
            VALUES (@Id, @DisplayName, @now, @now)
            ON CONFLICT (tenant_id) DO UPDATE SET display_name = excluded.display_name, updated_at = excluded.updated_at
            """;
        var connection = await db.ConnectionAsync(ct);
        var existed = await connection.ExecuteScalarAsync<long>(db.Command(exists, new { tenant.Id }, ct)) > 0;
        await connection.ExecuteAsync(db.Command(upsert, new { tenant.Id, tenant.DisplayName, now }, ct));
        return !existed;
    }

    public async Task<bool> RecordConsentAsync(Tenant tenant, CancellationToken ct)
    {
        const string sql = """
            UPDATE tenants SET consented_at = @ConsentedAt, consented_by = @ConsentedBy
            WHERE tenant_id = @Id AND consented_at IS NULL
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new { tenant.Id, tenant.ConsentedAt, tenant.ConsentedBy }, ct)) == 1;
    }

    public async Task<bool> AddSignUpAsync(string tenantId, SignUp signUp, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO sign_ups (tenant_id, area, scope, signed_up_at, signed_up_by)
            VALUES (@tenantId, @Area, @Scope, @SignedUpAt, @SignedUpBy)
            ON CONFLICT (tenant_id, area, scope) DO NOTHING
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new { tenantId, signUp.Area, signUp.Scope, signUp.SignedUpAt, signUp.SignedUpBy }, ct)) == 1;
    }
}
