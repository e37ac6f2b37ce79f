namespace Pim.Domain;

public enum AlertStatus { Open, Dismissed, Resolved }

/// <summary>Alert statuses as they are written on the wire.</summary>
public static class AlertStatuses
{
    public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<AlertStatus>().Select(ToText)];

    public static string ToText(AlertStatus status) => status.ToString().ToLowerInvariant();

    public static AlertStatus? Parse(string? text) => Enum.GetValues<AlertStatus>().Select(s => (AlertStatus?)s).FirstOrDefault(s => ToText(s!.Value) == text);
}

/// <summary>What one evaluation of an alert found about one subject (a role at a scope): how many items it affects.</summary>
public sealed record AlertFinding(string AlertType, string RoleId, string Scope, int Affected);

/// <summary>One thing an incident is about, as the alert finds it now: a principal, the assignment that gives it the role, and the facts that count.</summary>
/// <param name="Count">Activations in the alert's window (roles-activated-too-frequently).</param>
/// <param name="LastActivityAt">The last activation or use of the assignment, or when Pim last saw the principal; null: never.</param>
public sealed record AffectedItem(string? PrincipalId, string? PrincipalDisplayName, string? AssignmentId, AssignmentType? AssignmentType, int? Count,
    DateTimeOffset? LastActivityAt);

/// <summary>
/// A security alert raised about one subject (a role at a scope): open while its condition holds, dismissed by an
/// administrator (with a justification; it is not raised again while the condition holds), resolved when the condition
/// clears. Its status is what its instants say.
/// </summary>
public sealed class AlertIncident
{
    private AlertIncident(string tenantId, string id, string alertType, string roleId, string scope, DateTimeOffset raisedAt, DateTimeOffset? resolvedAt,
        DateTimeOffset? dismissedAt, string? dismissedBy, string? dismissalJustification, int version)
    {
        TenantId = tenantId;
        Id = id;
        AlertType = alertType;
        RoleId = roleId;
        Scope = scope;
        RaisedAt = raisedAt;
        ResolvedAt = resolvedAt;
        DismissedAt = dismissedAt;
        DismissedBy = dismissedBy;
        DismissalJustification = dismissalJustification;
        Version = version;
    }

    public string TenantId { get; }
    public string Id { get; }
    public string AlertType { get; }
    public string RoleId { get; }
    public string Scope { get; }
    public DateTimeOffset RaisedAt { get; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    public DateTimeOffset? DismissedAt { get; private set; }
    public string? DismissedBy { get; private set; }
    public string? DismissalJustification { get; private set; }
    public int Version { get; private set; }

    public AlertStatus Status => ResolvedAt is not null ? AlertStatus.Resolved : DismissedAt is not null ? AlertStatus.Dismissed : AlertStatus.Open;

    public static AlertIncident Raise(string tenantId, AlertFinding finding, DateTimeOffset now) =>
        new(tenantId, NewId.Next(), finding.AlertType, finding.RoleId, finding.Scope, now, null, null, null, null, 1);

    public static AlertIncident Rehydrate(string tenantId, string id, string alertType, string roleId, string scope, DateTimeOffset raisedAt,
        DateTimeOffset? resolvedAt, DateTimeOffset? dismissedAt, string? dismissedBy, string? dismissalJustification, int version) =>
        new(tenantId, id, alertType, roleId, scope, raisedAt, resolvedAt, dismissedAt, dismissedBy, dismissalJustification, version);

    /// <summary>An administrator dismisses an open incident: it stays dismissed, and is not raised again, until its condition clears.</summary>
    public void Dismiss(string by, string justification, DateTimeOffset now)
    {
        if (Status != AlertStatus.Open)
            throw new PimException(ErrorCodes.InvalidStateTransition, $"Alert '{Id}' is {AlertStatuses.ToText(Status)}; only an open alert can be dismissed.");
        DismissedAt = now;
        DismissedBy = by;
        DismissalJustification = justification;
        Version++;
    }

    /// <summary>The condition cleared.</summary>
    public void Resolve(DateTimeOffset now)
    {
        if (Status == AlertStatus.Resolved) return;
        ResolvedAt = now;
        Version++;
    }
}

/// <summary>An incident as the API shows it: with its alert, what it is about in words, and the items it affects now.</summary>
public sealed record AlertView(AlertIncident Incident, AlertDefinition Definition, string Description, int AffectedCount, IReadOnlyList<AffectedItem> AffectedItems);

/// <summary>The rules of an evaluation, as a pure function of what is unresolved and what was found.</summary>
public static class AlertRules
{
    /// <summary>
    /// What an evaluation changes: a finding with no unresolved (open or dismissed) incident about it raises a new one;
    /// an unresolved incident that nothing was found about any more (the condition cleared, or its alert was turned off)
    /// resolves.
    /// </summary>
    public static (IReadOnlyList<AlertFinding> Raise, IReadOnlyList<AlertIncident> Resolve) Reconcile(IReadOnlyList<AlertIncident> unresolved,
        IReadOnlyList<AlertFinding> findings)
    {
        // By subject, so that a tenant with thousands of subjects (an Owners alert per subscription) costs no more than it holds.
        var open = unresolved.Select(i => (i.AlertType, i.RoleId, i.Scope)).ToHashSet();
        var found = findings.Select(f => (f.AlertType, f.RoleId, f.Scope)).ToHashSet();
        return (findings.Where(f => !open.Contains((f.AlertType, f.RoleId, f.Scope))).ToList(),
            unresolved.Where(i => !found.Contains((i.AlertType, i.RoleId, i.Scope))).ToList());
    }
}

public interface IAlertIncidents
{
    Task<AlertIncident?> FindAsync(string tenantId, string incidentId, CancellationToken ct);
    /// <summary>Incidents newest first, after the key <paramref name="after"/>.</summary>
    Task<IReadOnlyList<AlertIncident>> ListAsync(string tenantId, AlertStatus? status, string? alertType, string? after, int limit, CancellationToken ct);
    /// <summary>Open and dismissed incidents.</summary>
    Task<IReadOnlyList<AlertIncident>> ListUnresolvedAsync(string tenantId, CancellationToken ct);
    /// <summary>Inserts the incident; false when an unresolved one about the same subject exists (another evaluation raised it).</summary>
    Task<bool> InsertAsync(AlertIncident incident, CancellationToken ct);
    /// <summary>Writes the incident if nobody changed it since it was read; false otherwise.</summary>
    Task<bool> UpdateAsync(AlertIncident incident, int expectedVersion, CancellationToken ct);
    /// <summary>Gives every consented tenant that has none a schedule, due at <paramref name="now"/>.</summary>
    Task EnsureSchedulesAsync(DateTimeOffset now, CancellationToken ct);
    /// <summary>Claims (locks, skipping what other sweepers hold) a tenant whose alerts are due for evaluation; null when none is.</summary>
    Task<string?> ClaimDueEvaluationAsync(DateTimeOffset now, CancellationToken ct);
    /// <summary>When the tenant's alerts are evaluated next.</summary>
    Task ScheduleEvaluationAsync(string tenantId, DateTimeOffset at, DateTimeOffset? evaluatedAt, CancellationToken ct);
}

/// <summary>The conditions of the alerts, asked of the store set-based: a few statements per alert type, whatever the tenant's size.</summary>
public interface IAlertConditions
{
    /// <summary>Every subject the alert finds at <paramref name="now"/>, with how many items it affects.</summary>
    Task<IReadOnlyList<AlertFinding>> FindAsync(string tenantId, AlertSettings settings, DateTimeOffset now, CancellationToken ct);
    /// <summary>The items the alert finds about one subject now (at most <paramref name="limit"/>), and how many there are.</summary>
    Task<(IReadOnlyList<AffectedItem> Items, int Total)> ItemsAsync(string tenantId, AlertSettings settings, string roleId, string scope, int limit,
        DateTimeOffset now, CancellationToken ct);
}

/// <summary>How often each tenant's alerts are evaluated.</summary>
public sealed record AlertSchedule(TimeSpan Interval)
{
    public static readonly AlertSchedule Default = new(TimeSpan.FromHours(1));
}
