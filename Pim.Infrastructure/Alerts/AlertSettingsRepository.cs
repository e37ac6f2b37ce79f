using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>A tenant's alert settings, one row per alert type it changed, versioned for If-Match.</summary>
public sealed class AlertSettingsRepository(DbSession db) : IAlertSettingsStore
{
    private sealed class SettingsRow
    {
        public string AlertType { get; set; } = "";
        public int Enabled { get; set; }
        public int? MaximumCount { get; set; }
        public long? PeriodSeconds { get; set; }
        public int Version { get; set; }
    }

    public async Task<IReadOnlyList<EffectiveAlertSettings>> ListAsync(string tenantId, CancellationToken ct)
    {
        const string sql = "SELECT alert_type, enabled, maximum_count, period_seconds, version FROM alert_settings WHERE tenant_id = @tenantId";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<SettingsRow>(db.Command(sql, new { tenantId }, ct)))
            .Where(r => AlertCatalog.Find(r.AlertType) is not null)
            .Select(r => new EffectiveAlertSettings(new AlertSettings(r.AlertType, r.Enabled == 1, r.MaximumCount,
                r.PeriodSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null), r.Version)).ToList();
    }

    public async Task<bool> SaveAsync(string tenantId, AlertSettings settings, int expectedVersion, DateTimeOffset now, string updatedBy, CancellationToken ct)
    {
        const string insert = """
            INSERT INTO alert_settings (tenant_id, alert_type, enabled, maximum_count, period_seconds, version, updated_at, updated_by)
            VALUES (@tenantId, @AlertType, @enabled, @MaximumCount, @periodSeconds, 1, @now, @updatedBy)
            ON CONFLICT (tenant_id, alert_type) DO NOTHING
            """;
        const string update = """
            UPDATE alert_settings SET enabled = @enabled, maximum_count = @MaximumCount, period_seconds = @periodSeconds, version = version + 1,
                updated_at = @now, updated_by = @updatedBy
            WHERE tenant_id = @tenantId AND alert_type = @AlertType AND version = @expectedVersion
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(expectedVersion == 0 ? insert : update, new
        {
            tenantId, settings.AlertType, enabled = settings.Enabled ? 1 : 0, settings.MaximumCount,
            periodSeconds = settings.Period is { } p ? (long?)p.TotalSeconds : null, now, updatedBy, expectedVersion,
        }, ct)) == 1;
    }
}
