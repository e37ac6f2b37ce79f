using System.Text.Json;

namespace Pim.Domain;

/// <summary>What one evaluation of a tenant's alerts changed.</summary>
public sealed record AlertEvaluation(int Raised, int Resolved);

/// <summary>
/// Security alerts (the PIM alerts of Entra, computed from what Pim knows): evaluated on a schedule, once across replicas;
/// read by security administrators and readers; dismissed, and their settings changed, by PIM administrators.
/// A new incident is audited (<c>alert.raised</c>, so also the webhook event <c>pim.alert.raised</c>) and emailed to the
/// active Privileged Role and Security Administrators; an incident resolves itself when its condition clears.
/// </summary>
public sealed class AlertService(ITenants tenants, IAlertIncidents incidents, IAlertSettingsStore settingsStore, IAlertConditions conditions,
    IAuditLog audit, IUnitOfWork uow, AccessService access, Notifier notifier, AlertSchedule schedule, TimeProvider time)
{
    /// <summary>The most affected items an incident shows (its affectedCount says how many there are).</summary>
    public const int MaximumItemsShown = 50;

    public async Task<Page<AlertView>> ListAsync(Caller caller, AlertStatus? status, string? alertType, string? after, int pageSize, CancellationToken ct)
    {
        var tenant = await EnsureReaderAsync(caller, ct);
        var page = Paging.Of(await incidents.ListAsync(tenant.Id, status ?? AlertStatus.Open, alertType, after, pageSize + 1, ct), pageSize, i => i.Id);
        var settings = await settingsStore.EffectiveAsync(tenant.Id, ct);
        var views = new List<AlertView>();
        foreach (var incident in page.Items) views.Add(await ViewAsync(incident, settings, ct));
        return new Page<AlertView>(views, page.NextPageToken);
    }

    public async Task<AlertView> GetAsync(Caller caller, string incidentId, CancellationToken ct)
    {
        var tenant = await EnsureReaderAsync(caller, ct);
        var incident = await incidents.FindAsync(tenant.Id, incidentId, ct) ?? throw NotFound(incidentId);
        return await ViewAsync(incident, await settingsStore.EffectiveAsync(tenant.Id, ct), ct);
    }

    /// <summary>A PIM administrator dismisses an open incident, with a justification (audited); it is not raised again while its condition holds.</summary>
    public async Task<AlertView> DismissAsync(Caller caller, string incidentId, string justification, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(justification)) throw Errors.InvalidField("justification", "Dismissing an alert needs a justification.");
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Dismissing security alerts", ct);
            tenant.EnsureConsented();
            var incident = await incidents.FindAsync(tenant.Id, incidentId, ct) ?? throw NotFound(incidentId);
            var version = incident.Version;
            incident.Dismiss(caller.RequirePrincipal(), justification, now);
            if (!await incidents.UpdateAsync(incident, version, ct))
                throw new PimException(ErrorCodes.InvalidStateTransition, $"Alert '{incidentId}' was changed by another request at the same time; read it again.");
            await audit.AppendAsync(AuditOf(caller, now, AuditActions.AlertDismissed, incident) with { Justification = justification }, ct);
            return await ViewAsync(incident, await settingsStore.EffectiveAsync(tenant.Id, ct), ct);
        }, ct);
    }

    public async Task<EffectiveAlertSettings> GetSettingsAsync(Caller caller, string alertType, CancellationToken ct)
    {
        var definition = AlertCatalog.Get(alertType);
        var tenant = await EnsureReaderAsync(caller, ct);
        return (await settingsStore.EffectiveAsync(tenant.Id, ct)).Single(s => s.Settings.AlertType == definition.Type);
    }

    /// <summary>
    /// Replaces an alert's settings if <paramref name="expectedVersion"/> is the version in force (null: none named,
    /// precondition-required; another: precondition-failed). Audited with old and new; the tenant's alerts are evaluated
    /// again at the next sweep.
    /// </summary>
    public async Task<EffectiveAlertSettings> UpdateSettingsAsync(Caller caller, string alertType, bool enabled, int? maximumCount, TimeSpan? period,
        int? expectedVersion, CancellationToken ct)
    {
        var settings = AlertSettings.Of(AlertCatalog.Get(alertType), enabled, maximumCount, period);
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var tenant = await tenants.GetAsync(caller.TenantId, ct);
            await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Changing alert settings", ct);
            tenant.EnsureConsented();
            if (expectedVersion is null)
                throw new PimException(ErrorCodes.PreconditionRequired, "Changing alert settings needs the version of the settings you read; read them first.");
            var current = (await settingsStore.EffectiveAsync(tenant.Id, ct)).Single(s => s.Settings.AlertType == settings.AlertType);
            if (current.Version != expectedVersion || !await settingsStore.SaveAsync(tenant.Id, settings, current.Version, now, caller.ActorId, ct))
                throw new PimException(ErrorCodes.PreconditionFailed,
                    $"The settings of the alert '{alertType}' changed since they were read: version {current.Version} is current. Read them again.");
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.AlertSettingsUpdated, "alertSettings", alertType) with
            {
                Details = JsonSerializer.Serialize(new { oldValue = Wire(current.Settings), newValue = Wire(settings) }, DetailsJson),
            }, ct);
            await incidents.ScheduleEvaluationAsync(tenant.Id, now, null, ct);
            return new EffectiveAlertSettings(settings, current.Version + 1);
        }, ct);
    }

    /// <summary>
    /// Evaluates the alerts of up to <paramref name="limit"/> tenants that are due, each in its own unit of work while its
    /// schedule is claimed, so that replicas never evaluate a tenant twice. Returns how many tenants it evaluated.
    /// </summary>
    public async Task<int> EvaluateDueAsync(int limit, CancellationToken ct)
    {
        // New tenants get a schedule in a short transaction of its own: a replica inserting the same one waits only for that.
        await uow.RunAsync(() => incidents.EnsureSchedulesAsync(time.Now(), ct), ct);
        var evaluated = 0;
        while (evaluated < limit)
        {
            var now = time.Now();
            var claimed = await uow.RunAsync(async () =>
            {
                if (await incidents.ClaimDueEvaluationAsync(now, ct) is not { } tenantId) return false;
                await EvaluateTenantAsync(tenantId, now, ct);
                await incidents.ScheduleEvaluationAsync(tenantId, now + schedule.Interval, now, ct);
                return true;
            }, ct);
            if (!claimed) break;
            evaluated++;
        }
        return evaluated;
    }

    /// <summary>Evaluates one tenant's alerts now, whatever its schedule (the benchmark measures this).</summary>
    public Task<AlertEvaluation> EvaluateNowAsync(string tenantId, CancellationToken ct) =>
        uow.RunAsync(() => EvaluateTenantAsync(tenantId, time.Now(), ct), ct);

    private async Task<AlertEvaluation> EvaluateTenantAsync(string tenantId, DateTimeOffset now, CancellationToken ct)
    {
        if (await tenants.FindAsync(tenantId, ct) is not { HasConsented: true }) return new AlertEvaluation(0, 0);
        var settings = await settingsStore.EffectiveAsync(tenantId, ct);
        var findings = new List<AlertFinding>();
        foreach (var enabled in settings.Where(s => s.Settings.Enabled))
            findings.AddRange(await conditions.FindAsync(tenantId, enabled.Settings, now, ct));
        var (raise, resolve) = AlertRules.Reconcile(await incidents.ListUnresolvedAsync(tenantId, ct), findings);
        var system = Caller.System(tenantId);
        var raised = new List<(AlertIncident Incident, string Description)>();
        foreach (var finding in raise)
        {
            var incident = AlertIncident.Raise(tenantId, finding, now);
            if (!await incidents.InsertAsync(incident, ct)) continue;
            raised.Add((incident, AlertCatalog.Describe(SettingsOf(settings, finding.AlertType), finding.RoleId, finding.Scope, finding.Affected)));
            await audit.AppendAsync(AuditOf(system, now, AuditActions.AlertRaised, incident) with
            {
                Details = JsonSerializer.Serialize(new { alertType = incident.AlertType, affectedCount = finding.Affected }, DetailsJson),
            }, ct);
        }
        // One email per alert with new incidents, however many subjects it found (a first evaluation may find hundreds).
        foreach (var group in raised.GroupBy(r => r.Incident.AlertType))
            await notifier.AlertsRaisedAsync(AlertCatalog.Get(group.Key), group.ToList(), ct);
        var resolved = 0;
        foreach (var incident in resolve)
        {
            var version = incident.Version;
            incident.Resolve(now);
            if (!await incidents.UpdateAsync(incident, version, ct)) continue;
            resolved++;
            await audit.AppendAsync(AuditOf(system, now, AuditActions.AlertResolved, incident), ct);
        }
        return new AlertEvaluation(raised.Count, resolved);
    }

    /// <summary>An incident with what it affects now; a resolved one affects nothing.</summary>
    private async Task<AlertView> ViewAsync(AlertIncident incident, IReadOnlyList<EffectiveAlertSettings> settings, CancellationToken ct)
    {
        var definition = AlertCatalog.Get(incident.AlertType);
        var alertSettings = SettingsOf(settings, incident.AlertType);
        var (items, total) = incident.Status == AlertStatus.Resolved ? ([], 0)
            : await conditions.ItemsAsync(incident.TenantId, alertSettings, incident.RoleId, incident.Scope, MaximumItemsShown, time.Now(), ct);
        return new AlertView(incident, definition, AlertCatalog.Describe(alertSettings, incident.RoleId, incident.Scope, total), total, items);
    }

    /// <summary>Security administrators and readers (and the PIM administrators) read alerts, once the tenant has consented.</summary>
    private async Task<Tenant> EnsureReaderAsync(Caller caller, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.AuditReaders, "Reading security alerts", ct);
        tenant.EnsureConsented();
        return tenant;
    }

    private static AlertSettings SettingsOf(IReadOnlyList<EffectiveAlertSettings> settings, string alertType) =>
        settings.Single(s => s.Settings.AlertType == alertType).Settings;

    private static object Wire(AlertSettings s) => new
    {
        s.Enabled, s.MaximumCount, Period = s.Period is { } p ? IsoDuration.Format(p) : null,
    };

    private static PimException NotFound(string id) => Errors.NotFound($"Alert '{id}'");

    private static AuditEvent AuditOf(Caller caller, DateTimeOffset now, string action, AlertIncident incident) =>
        AuditEvent.For(caller, now, action, "alert", incident.Id) with { RoleId = incident.RoleId, Scope = incident.Scope };

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
}
