using System.Collections.Concurrent;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Tells waiters that a tenant changed. The grant index hears every change — this replica's commits at once, other
/// replicas' through the change feed — and passes each on here (<see cref="GrantIndex.Invalidate"/>).
/// </summary>
public sealed class TenantChanges : ITenantChanges
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    public Task Next(string tenantId) =>
        _next.GetOrAdd(tenantId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Changed(string tenantId)
    {
        if (_next.TryRemove(tenantId, out var waiting)) waiting.TrySetResult();
    }

    /// <summary>What changed is unknown (the feed was lost or came back): every waiter looks again.</summary>
    public void AllChanged()
    {
        foreach (var tenantId in _next.Keys) Changed(tenantId);
    }
}
