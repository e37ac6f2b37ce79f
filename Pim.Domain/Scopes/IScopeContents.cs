namespace Pim.Domain;

/// <summary>A role's settings that were saved at a scope, as they were when removed with it.</summary>
public sealed record RemovedRoleSettings(RoleSettings Settings, int Version);

/// <summary>An access review of a scope, removed with it, and how many instances and items went with it.</summary>
public sealed record RemovedAccessReview(string ReviewId, string DisplayName, int Instances, int Items);

/// <summary>
/// What Pim keeps about a scope besides the assignments at it (which their own use case removes, revoking what stood on
/// them): the role settings saved at it and the access reviews of it. A scope that ceases to exist takes them with it
/// (<see cref="ScopeRemoval"/>).
/// </summary>
public interface IScopeContents
{
    /// <summary>
    /// Deletes the role settings saved at <paramref name="scope"/> and the access reviews of it, with their instances and
    /// items; returns what it deleted.
    /// </summary>
    Task<(IReadOnlyList<RemovedRoleSettings> Settings, IReadOnlyList<RemovedAccessReview> Reviews)> RemoveAsync(string tenantId, string scope,
        CancellationToken ct);
}
