using Pim.Domain;

namespace Pim.Api.Tests.Support.Fakes;

/// <summary>A tenant's own roles, and the changes a waiting read hears (every commit of a unit of work).</summary>
public sealed partial class InMemoryStore : ICustomRoles, ITenantChanges
{
    private readonly Dictionary<(string, string), RoleDefinition> _roles = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    Task<RoleDefinition?> ICustomRoles.FindAsync(string tenantId, string roleId, CancellationToken ct) =>
        Task.FromResult(_roles.GetValueOrDefault((tenantId, roleId)));

    Task<IReadOnlyList<RoleDefinition>> ICustomRoles.ListAsync(string tenantId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RoleDefinition>>(_roles.Where(r => r.Key.Item1 == tenantId).Select(r => r.Value).OrderBy(r => r.Id).ToList());

    public Task<bool> UpsertAsync(string tenantId, RoleDefinition role, DateTimeOffset now, string actorId, CancellationToken ct)
    {
        var created = !_roles.ContainsKey((tenantId, role.Id));
        _roles[(tenantId, role.Id)] = role;
        return Task.FromResult(created);
    }

    Task<bool> ICustomRoles.DeleteAsync(string tenantId, string roleId, CancellationToken ct) => Task.FromResult(_roles.Remove((tenantId, roleId)));

    public Task Next(string tenantId) => _changed.Task;

    /// <summary>Wakes what waits for a change.</summary>
    public void Changed() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
