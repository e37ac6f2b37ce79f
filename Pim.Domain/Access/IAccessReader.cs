namespace Pim.Domain;

/// <summary>Where a principal's right to a role comes from right now.</summary>
public sealed record Grant(string RoleId, string Scope, DateTimeOffset? ValidUntil, string AssignmentId, string? ActivationRequestId, string ViaPrincipalId);

/// <summary>
/// What an evaluation needs besides the grants: whether the tenant and the scope exist, who the principal is, and — when
/// it holds nothing — why (<see cref="AccessRules.WhyNot"/>).
/// </summary>
/// <param name="Kind">The principal's kind; null when the directory does not know it.</param>
/// <param name="Eligible">An eligible assignment of the role (its own or a group's) is in force at the scope or above.</param>
/// <param name="Expired">A grant of the role at the scope or above ran out: an activation expired, or an assignment ended.</param>
public sealed record AccessStanding(bool TenantKnown, bool ScopeKnown, PrincipalKind? Kind, bool Enabled, bool Eligible, bool Expired);

public interface IAccessReader
{
    /// <summary>
    /// Every grant of the given roles the principal holds at <paramref name="now"/>: active assignments (its own or its
    /// groups') in force, and activations in force. One indexed query.
    /// </summary>
    ValueTask<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds, string? scope,
        DateTimeOffset now, CancellationToken ct);

    /// <summary>The facts beside the grants for one principal, role and scope at <paramref name="now"/>.</summary>
    ValueTask<AccessStanding> StandingAsync(string tenantId, string principalId, string roleId, string scope, DateTimeOffset now, CancellationToken ct);

    /// <summary>Who holds any of the roles at <paramref name="now"/> (at the root scope), directly, through a group or an activation.</summary>
    Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct);
}
