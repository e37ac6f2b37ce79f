using Pim.Domain;

namespace Pim.Api.Tests.Support.Fakes;

/// <summary>
/// What a scope that ceases to exist takes with it, over the settings this store keeps; it keeps no access review and no
/// alert incident (the use cases these fakes serve raise none), so there are none to remove.
/// </summary>
public sealed partial class InMemoryStore : IScopeContents, IAlertIncidents
{
    Task<(IReadOnlyList<RemovedRoleSettings> Settings, IReadOnlyList<RemovedAccessReview> Reviews)> IScopeContents.RemoveAsync(string tenantId, string scope,
        CancellationToken ct)
    {
        var removed = _settings.Where(s => s.Key.Item1 == tenantId && s.Key.Item3 == scope).OrderBy(s => s.Key.Item2, StringComparer.Ordinal).ToList();
        foreach (var setting in removed) _settings.Remove(setting.Key);
        return Task.FromResult<(IReadOnlyList<RemovedRoleSettings>, IReadOnlyList<RemovedAccessReview>)>(
            (removed.Select(s => new RemovedRoleSettings(s.Value.Settings, s.Value.Version)).ToList(), []));
    }

    Task<IReadOnlyList<AlertIncident>> IAlertIncidents.ListUnresolvedAsync(string tenantId, CancellationToken ct) => Task.FromResult<IReadOnlyList<AlertIncident>>([]);

    Task<AlertIncident?> IAlertIncidents.FindAsync(string tenantId, string incidentId, CancellationToken ct) => Task.FromResult<AlertIncident?>(null);

    Task<IReadOnlyList<AlertIncident>> IAlertIncidents.ListAsync(string tenantId, AlertStatus? status, string? alertType, string? after, int limit, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AlertIncident>>([]);

    Task<bool> IAlertIncidents.InsertAsync(AlertIncident incident, CancellationToken ct) => throw new NotSupportedException("These fakes raise no alert.");

    Task<bool> IAlertIncidents.UpdateAsync(AlertIncident incident, int expectedVersion, CancellationToken ct) => Task.FromResult(false);

    Task IAlertIncidents.EnsureSchedulesAsync(DateTimeOffset now, CancellationToken ct) => Task.CompletedTask;

    Task<string?> IAlertIncidents.ClaimDueEvaluationAsync(DateTimeOffset now, CancellationToken ct) => Task.FromResult<string?>(null);

    Task IAlertIncidents.ScheduleEvaluationAsync(string tenantId, DateTimeOffset at, DateTimeOffset? evaluatedAt, CancellationToken ct) => Task.CompletedTask;
}
