namespace Pim.Domain;

/// <summary>
/// Ends, at once, the open requests whose basis is gone (<see cref="GrantBasis"/>). Every change that can take a basis
/// away (a principal synced without a group or disabled, a principal or an assignment removed, an eligibility made
/// active, a scope moved, a just-in-time group membership ended) asks this one service about the requests it touched;
/// approval and extension ask before they act. A membership held through PIM that ends takes with it, in the same unit of
/// work, the member's requests that stood on it — and so on, when those were memberships too.
/// </summary>
public sealed class GrantRevocation(IRoleAssignments assignments, IPrincipals principals, IScopes scopes, IActivationRequests requests,
    ActivationRecorder recorder, Notifier notifier, RoleSettingsService settings)
{
    /// <summary>Why the request no longer stands, or null.</summary>
    public async Task<string?> LostAsync(ActivationRequest request, CancellationToken ct)
    {
        var holder = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        var eligibility = await assignments.FindAsync(request.TenantId, request.AssignmentId, ct);
        var ancestors = request.Scope == ScopePath.Root ? [ScopePath.Root] : await scopes.AncestorsAsync(request.TenantId, request.Scope, ct);
        return GrantBasis.Lost(request, holder, eligibility, ancestors);
    }

    /// <summary>Checks each candidate still open at <paramref name="now"/>; revokes those that lost their basis. Returns how many.</summary>
    public async Task<int> RevokeLostAsync(Caller caller, IEnumerable<ActivationRequest> candidates, DateTimeOffset now, CancellationToken ct)
    {
        var revoked = 0;
        var pending = candidates.DistinctBy(r => r.Id).ToList();
        while (pending.Count > 0)
        {
            // Members whose just-in-time membership this pass ended: their other requests are the next pass's candidates.
            var members = new HashSet<string>(StringComparer.Ordinal);
            foreach (var request in pending)
            {
                if (!request.IsOpenAt(now)) continue;
                var reason = await LostAsync(request, ct);
                if (reason is null) continue;
                await RevokeOneAsync(caller, request, reason, now, ct);
                revoked++;
                if (IsMembership(request)) members.Add(request.PrincipalId);
            }
            pending = members.Count == 0 ? [] : [.. await requests.ListRecordedOpenByPrincipalsAsync(caller.TenantId, members, ct)];
        }
        return revoked;
    }

    /// <summary>
    /// A just-in-time membership ended otherwise than by losing its basis (deactivated by its member, revoked by an
    /// administrator, its active assignment removed or made eligible): the member's requests that stood on it are revoked now.
    /// </summary>
    public async Task<int> EndDependentsAsync(Caller caller, string principalId, string roleId, string scope, DateTimeOffset now, CancellationToken ct) =>
        roleId == RoleCatalog.Member && ScopePath.GroupOf(scope) is not null
            ? await RevokeLostAsync(caller, await requests.ListRecordedOpenByPrincipalsAsync(caller.TenantId, [principalId], ct), now, ct)
            : 0;

    /// <summary>
    /// A membership granted through PIM confers only what it was granted under. When the groups (or groups nested in them)
    /// come to confer a role they did not confer then — an assignment of one of them or of a group above, or a nesting
    /// under another group — each membership of them held through PIM whose grant did not cover it ends: an open
    /// activation is revoked (<see cref="RevocationReasons.ConferralGrew"/>, and what stood on it with it), a standing
    /// assignment falls back to an eligibility (its holder activates it again, under the policy now in force). Directory
    /// sync's standing assignments are the directory's, and stay. Returns how many ended.
    /// </summary>
    public async Task<int> EndOutgrownAsync(Caller caller, IReadOnlyCollection<string> groupIds, DateTimeOffset now, CancellationToken ct)
    {
        var ended = 0;
        foreach (var groupId in await principals.ListGroupsWithinAsync(caller.TenantId, groupIds, ct))
        {
            var scope = ScopePath.Group(groupId);
            var governing = await settings.PolicyAtAsync(caller.TenantId, RoleCatalog.Member, scope, ct);
            bool Covers(IReadOnlyList<GoverningRole> granted) =>
                governing.GovernedBy.All(g => granted.Any(c => c.RoleId == g.RoleId && c.Scope == g.Scope));
            foreach (var request in await requests.ListRecordedOpenInScopesAsync(caller.TenantId, [scope], ct))
            {
                if (request.RoleId != RoleCatalog.Member || !request.IsOpenAt(now) || Covers(request.GovernedBy)) continue;
                await RevokeAsync(caller, request, RevocationReasons.ConferralGrew, now, ct);
                ended++;
            }
            foreach (var standing in await assignments.ListAtScopeAsync(caller.TenantId, scope, ct))
            {
                if (standing is not { RoleId: RoleCatalog.Member, Type: AssignmentType.Active, DirectorySync: false } || Covers(standing.GovernedBy)) continue;
                var version = standing.Version;
                standing.FallBackToEligible();
                if (!await assignments.UpdateTypeAsync(standing, version, ct))
                    throw new PimException(ErrorCodes.Conflict, $"Assignment '{standing.Id}' was changed by another request; try again.");
                await recorder.AuditAsync(AssignmentService.AuditOf(caller, now, AuditActions.AssignmentMadeEligible, standing) with
                {
                    Details = $"{{\"reason\":\"{RevocationReasons.ConferralGrew}\"}}",
                }, ct);
                await EndDependentsAsync(caller, standing.PrincipalId, standing.RoleId, standing.Scope, now, ct);
                ended++;
            }
        }
        return ended;
    }

    private static bool IsMembership(ActivationRequest request) => request.RoleId == RoleCatalog.Member && ScopePath.GroupOf(request.Scope) is not null;

    /// <summary>
    /// Before a decision or an extension: a request whose basis went (a write path that should have ended it did not,
    /// or raced with this one) is revoked now, in the caller's unit of work. Returns the refusal to answer once that
    /// unit of work commits, or null when the request still stands.
    /// </summary>
    public async Task<PimException?> RevokeIfLostAsync(Caller caller, ActivationRequest request, DateTimeOffset now, CancellationToken ct)
    {
        if (!request.IsOpenAt(now) || await LostAsync(request, ct) is not { } reason) return null;
        await RevokeAsync(caller, request, reason, now, ct);
        return new PimException(ErrorCodes.InvalidStateTransition, $"Activation request '{request.Id}' no longer stands ({reason}) and was revoked.");
    }

    /// <summary>
    /// A leaver's own requests (its account disabled or deleted): each one still open at <paramref name="now"/> ends at
    /// once, audited with the reason — an active activation revoked, a request waiting for approval or a scheduled one
    /// canceled. The role administrators hear of the leaver as a whole (<see cref="Notifier.DirectoryChangedAsync"/>), not
    /// of each request. Returns how many were revoked and how many canceled.
    /// </summary>
    public async Task<(int Revoked, int Canceled)> EndAllAsync(Caller caller, IEnumerable<ActivationRequest> requests, string reason, DateTimeOffset now,
        CancellationToken ct)
    {
        int revoked = 0, canceled = 0;
        foreach (var request in requests.DistinctBy(r => r.Id).ToList())
        {
            var version = request.Version;
            var settled = request.Settle(now);
            var cancel = request.Status is ActivationStatus.PendingApproval or ActivationStatus.Scheduled;
            if (cancel) request.Cancel(now);
            else if (request.Status == ActivationStatus.Active) request.Revoke(now);
            if (!cancel && request.Status != ActivationStatus.Revoked && settled.Count == 0) continue;
            await recorder.SaveAsync(request, version, ct);
            foreach (var action in settled)
                await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, action, request), ct);
            if (request.Status is not (ActivationStatus.Canceled or ActivationStatus.Revoked)) continue;
            await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, cancel ? AuditActions.ActivationCanceled : AuditActions.ActivationRevoked,
                request) with { Details = $"{{\"reason\":\"{reason}\"}}" }, ct);
            if (cancel) canceled++;
            else revoked++;
        }
        return (revoked, canceled);
    }

    /// <summary>
    /// Ends the request now (recording first what time alone changed), audited as revoked with the reason (and the
    /// <paramref name="comment"/> of an administrator who revoked it, as its justification); the holder and the role
    /// administrators are told.
    /// </summary>
    public async Task RevokeAsync(Caller caller, ActivationRequest request, string reason, DateTimeOffset now, CancellationToken ct, string? comment = null)
    {
        await RevokeOneAsync(caller, request, reason, now, ct, comment);
        await EndDependentsAsync(caller, request.PrincipalId, request.RoleId, request.Scope, now, ct);
    }

    private async Task RevokeOneAsync(Caller caller, ActivationRequest request, string reason, DateTimeOffset now, CancellationToken ct, string? comment = null)
    {
        var version = request.Version;
        var settled = request.Settle(now);
        request.Revoke(now);
        await recorder.SaveAsync(request, version, ct);
        foreach (var action in settled)
            await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, action, request), ct);
        await recorder.AuditAsync(ActivationRecorder.AuditOf(caller, now, AuditActions.ActivationRevoked, request) with
        {
            Justification = comment ?? request.Justification,
            Details = $"{{\"reason\":\"{reason}\"}}",
        }, ct);
        await notifier.ActivationRevokedAsync(request, comment is null ? reason : $"{reason} by {caller.ActorId}: {comment}", ct);
    }
}
