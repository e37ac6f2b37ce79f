namespace Pim.Domain;

/// <summary>Why an activation (or a request waiting for approval) no longer stands: recorded with its revocation.</summary>
public static class RevocationReasons
{
    public const string PrincipalDeleted = "principal-deleted";
    public const string PrincipalDisabled = "principal-disabled";
    public const string EligibilityRemoved = "eligibility-removed";
    public const string EligibilityMadeActive = "eligibility-made-active";
    public const string MembershipRemoved = "membership-removed";
    public const string ScopeMoved = "scope-moved";
}

/// <summary>
/// A grant is only as alive as what it stands on (DESIGN §7): the principal (present and enabled), the eligible
/// assignment it was made through (still there, still eligible), the group membership that eligibility came through,
/// and the eligibility's scope still at or above the request's. A pure function; access evaluation asks the same
/// questions in SQL.
/// </summary>
public static class GrantBasis
{
    /// <param name="ancestors">The request's scope and its ancestors as the tree is now.</param>
    /// <returns>The reason the request no longer stands, or null when it does.</returns>
    public static string? Lost(ActivationRequest request, Principal? holder, RoleAssignment? eligibility, IReadOnlyList<string> ancestors)
    {
        if (holder is null) return RevocationReasons.PrincipalDeleted;
        if (!holder.Enabled) return RevocationReasons.PrincipalDisabled;
        if (eligibility is null) return RevocationReasons.EligibilityRemoved;
        if (eligibility.Type != AssignmentType.Eligible) return RevocationReasons.EligibilityMadeActive;
        if (eligibility.PrincipalId != request.PrincipalId && !holder.MemberOf.Contains(eligibility.PrincipalId))
            return RevocationReasons.MembershipRemoved;
        if (!ancestors.Contains(eligibility.Scope)) return RevocationReasons.ScopeMoved;
        return null;
    }
}

/// <summary>
/// Ends, at once, the open requests whose basis is gone. Every change that can take a basis away (a principal synced
/// without a group or disabled, a principal or an assignment removed, an eligibility made active, a scope moved) asks
/// this one service about the requests it touched; approval and extension ask before they act.
/// </summary>
public sealed class GrantRevocation(IActivationRequests requests, IRoleAssignments assignments, IPrincipals principals, IScopes scopes,
    IAuditLog audit, Notifier notifier)
{
    /// <summary>Why the request no longer stands, or null.</summary>
    public async Task<string?> LostAsync(ActivationRequest request, CancellationToken ct)
    {
        var holder = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        var eligibility = await assignments.FindAsync(request.TenantId, request.AssignmentId, ct);
        var ancestors = request.Scope == Scopes.Root ? [Scopes.Root] : await scopes.AncestorsAsync(request.TenantId, request.Scope, ct);
        return GrantBasis.Lost(request, holder, eligibility, ancestors);
    }

    /// <summary>Checks each candidate still open at <paramref name="now"/>; revokes those that lost their basis. Returns how many.</summary>
    public async Task<int> RevokeLostAsync(Caller caller, IEnumerable<ActivationRequest> candidates, DateTimeOffset now, CancellationToken ct)
    {
        var revoked = 0;
        foreach (var request in candidates.DistinctBy(r => r.Id).ToList())
        {
            if (!request.IsOpenAt(now) || await LostAsync(request, ct) is not { } reason) continue;
            await RevokeAsync(caller, request, reason, now, ct);
            revoked++;
        }
        return revoked;
    }

    /// <summary>
    /// Ends the request now (recording first what time alone changed), audited as revoked with the reason; the holder and
    /// the role administrators are told.
    /// </summary>
    public async Task RevokeAsync(Caller caller, ActivationRequest request, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var version = request.Version;
        var settled = request.Settle(now);
        request.Revoke(now);
        if (!await requests.UpdateAsync(request, version, ct))
            throw new PimException(ErrorCodes.Conflict, $"Activation request '{request.Id}' changed meanwhile; try again.");
        foreach (var action in settled)
            await audit.AppendAsync(ActivationService.AuditOf(caller, now, action, request), ct);
        await audit.AppendAsync(ActivationService.AuditOf(caller, now, AuditActions.ActivationRevoked, request) with
        {
            Details = $"{{\"reason\":\"{reason}\"}}",
        }, ct);
        await notifier.ActivationRevokedAsync(request, reason, ct);
    }
}
