using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Alert incidents, and the per-tenant schedule of their evaluation: a sweeper claims a due tenant's row (<c>FOR UPDATE
/// SKIP LOCKED</c> on PostgreSQL; SQLite's write lock serialises writers), so replicas never evaluate a tenant at once.
/// </summary>
public sealed class AlertIncidentRepository(DbSession db) : IAlertIncidents
{
    private sealed class IncidentRow
    {
        public string TenantId { get; set; } = "";
        public string IncidentId { get; set; } = "";
        public string AlertType { get; set; } = "";
        public string RoleId { get; set; } = "";
        public string Scope { get; set; } = "";
        public DateTimeOffset RaisedAt { get; set; }
        public DateTimeOffset? ResolvedAt { get; set; }
        public DateTimeOffset? DismissedAt { get; set; }
        public string? DismissedBy { get; set; }
        public string? DismissalJustification { get; set; }
        public int Version { get; set; }

        public AlertIncident ToDomain() => AlertIncident.Rehydrate(TenantId, IncidentId, AlertType, RoleId, Scope, RaisedAt, ResolvedAt, DismissedAt,
            DismissedBy, DismissalJustification, Version);
    }

    private const string Select = """
        SELECT tenant_id, incident_id, alert_type, role_id, scope, raised_at, resolved_at, dismissed_at, dismissed_by, dismissal_justification, version
        FROM alert_incidents
        """;

    public async Task<AlertIncident?> FindAsync(string tenantId, string incidentId, CancellationToken ct)
    {
        const string sql = Select + " WHERE tenant_id = @tenantId AND incident_id = @incidentId";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<IncidentRow>(db.Command(sql, new { tenantId, incidentId }, ct)))?.ToDomain();
    }

    public async Task<IReadOnlyList<AlertIncident>> ListAsync(string tenantId, AlertStatus? status, string? alertType, string? after, int limit,
        CancellationToken ct)
    {
        var filter = status switch
        {
            AlertStatus.Open => " AND resolved_at IS NULL AND dismissed_at IS NULL",
            AlertStatus.Dismissed => " AND resolved_at IS NULL AND dismissed_at IS NOT NULL",
            AlertStatus.Resolved => " AND resolved_at IS NOT NULL",
            _ => "",
        };
        var sql = Select + $"""
             WHERE tenant_id = @tenantId{filter} AND (@alertType IS NULL OR alert_type = @alertType) AND (@after IS NULL OR incident_id < @after)
            ORDER BY incident_id DESC LIMIT @limit
            """;
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<IncidentRow>(db.Command(sql, new { tenantId, alertType, after, limit }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<AlertIncident>> ListUnresolvedAsync(string tenantId, CancellationToken ct)
    {
        const string sql = Select + " WHERE tenant_id = @tenantId AND resolved_at IS NULL";
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<IncidentRow>(db.Command(sql, new { tenantId }, ct))).Select(r => r.ToDomain()).ToList();
    }

    public async Task<bool> InsertAsync(AlertIncident i, CancellationToken ct)
    {
        // One unresolved incident per alert and subject (alert_incidents_one_unresolved): a second is not an error, it is already raised.
        const string sql = """
            INSERT INTO alert_incidents (tenant_id, incident_id, alert_type, role_id, scope, raised_at, resolved_at, dismissed_at, dismissed_by,
                                         dismissal_justification, version)
            VALUES (@TenantId, @Id, @AlertType, @RoleId, @Scope, @RaisedAt, @ResolvedAt, @DismissedAt, @DismissedBy, @DismissalJustification, @Version)
            ON CONFLICT DO NOTHING
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, i, ct)) == 1;
    }

    public async Task<bool> UpdateAsync(AlertIncident i, int expectedVersion, CancellationToken ct)
    {
        const string sql = """
            UPDATE alert_incidents SET resolved_at = @ResolvedAt, dismissed_at = @DismissedAt, dismissed_by = @DismissedBy,
                dismissal_justification = @DismissalJustification, version = @Version
            WHERE tenant_id = @TenantId AND incident_id = @Id AND version = @expectedVersion
            """;
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command(sql, new
        {
            i.ResolvedAt, i.DismissedAt, i.DismissedBy, i.DismissalJustification, i.Version, i.TenantId, i.Id, expectedVersion,
        }, ct)) == 1;
    }

    public async Task EnsureSchedulesAsync(DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO alert_schedules (tenant_id, next_evaluation_at)
            SELECT t.tenant_id, @now FROM tenants t
            WHERE t.consented_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM alert_schedules s WHERE s.tenant_id = t.tenant_id)
            ON CONFLICT DO NOTHING
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new { now }, ct));
    }

    public async Task<string?> ClaimDueEvaluationAsync(DateTimeOffset now, CancellationToken ct)
    {
        var sql = $"SELECT tenant_id FROM alert_schedules WHERE next_evaluation_at <= @now ORDER BY next_evaluation_at LIMIT 1{db.Store.SkipLocked}";
        var connection = await db.ConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(db.Command(sql, new { now }, ct));
    }

    public async Task ScheduleEvaluationAsync(string tenantId, DateTimeOffset at, DateTimeOffset? evaluatedAt, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO alert_schedules (tenant_id, next_evaluation_at, evaluated_at) VALUES (@tenantId, @at, @evaluatedAt)
            ON CONFLICT (tenant_id) DO UPDATE SET next_evaluation_at = excluded.next_evaluation_at,
                evaluated_at = COALESCE(excluded.evaluated_at, alert_schedules.evaluated_at)
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new { tenantId, at, evaluatedAt }, ct));
    }
}
