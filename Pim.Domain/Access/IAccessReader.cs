namespace Pim.Domain;

/// <summary>Where a principal's right to a role comes from right now.</summary>
public sealed record Grant(string RoleId, string Scope, DateTimeOffset? ValidUntil, string AssignmentId, string? ActivationRequestId, string ViaPrincipalId);

public interface IAccessReader
{
    /// <summary>
    /// Every grant of the given roles the principal holds at <paramref name="now"/>: active assignments (its own or its
    /// groups') in force, and activations in force. One indexed query.
    /// </summary>
    Task<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds, string? scope,
        DateTimeOffset now, CancellationToken ct);

    /// <summary>Who holds any of the roles at <paramref name="now"/> (at the root scope), directly, through a group or an activation.</summary>
    Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct);
}
