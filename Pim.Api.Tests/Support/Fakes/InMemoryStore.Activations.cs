using Pim.Domain;

namespace Pim.Api.Tests.Support.Fakes;

/// <summary>Activation requests, with the schema's rule of one open request per principal, role and scope.</summary>
public sealed partial class InMemoryStore : IActivationRequests
{
    private IEnumerable<ActivationRequest> Requests(string tenantId) => _requests.Values.Where(r => r.TenantId == tenantId);

    private static IReadOnlyList<ActivationRequest> Copies(IEnumerable<ActivationRequest> requests) => requests.Select(Copy).ToList();

    Task<ActivationRequest?> IActivationRequests.FindAsync(string tenantId, string requestId, CancellationToken ct) =>
        Task.FromResult(_requests.TryGetValue((tenantId, requestId), out var r) ? Copy(r) : null);

    public Task<ActivationRequest?> FindForUpdateAsync(string tenantId, string requestId, CancellationToken ct) =>
        ((IActivationRequests)this).FindAsync(tenantId, requestId, ct);

    public Task<ActivationRequest?> FindRecordedOpenAsync(string tenantId, string principalId, string roleId, string scope, CancellationToken ct) =>
        Task.FromResult(Copies(Requests(tenantId).Where(r => r.PrincipalId == principalId && r.RoleId == roleId && r.Scope == scope
                                                              && ActivationRequest.OpenStatuses.Contains(r.Status))).SingleOrDefault());

    public Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenByAssignmentAsync(string tenantId, string assignmentId, CancellationToken ct) =>
        Task.FromResult(Copies(Requests(tenantId).Where(r => r.AssignmentId == assignmentId && ActivationRequest.OpenStatuses.Contains(r.Status))));

    public Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenInScopesAsync(string tenantId, IReadOnlyCollection<string> scopes, CancellationToken ct) =>
        Task.FromResult(Copies(Requests(tenantId).Where(r => scopes.Contains(r.Scope) && ActivationRequest.OpenStatuses.Contains(r.Status))));

    public Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenByPrincipalsAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct) =>
        Task.FromResult(Copies(Requests(tenantId).Where(r => principalIds.Contains(r.PrincipalId) && ActivationRequest.OpenStatuses.Contains(r.Status))));

    private static bool AwaitingDecision(ActivationRequest r, DateTimeOffset now) =>
        r.StatusAt(now) == ActivationStatus.PendingApproval || r.HasPendingExtensionAt(now);

    public Task<IReadOnlyList<ActivationRequest>> ListAwaitingDecisionAsync(string tenantId, string exceptPrincipalId, string? after, int limit,
        DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(Copies(Requests(tenantId)
            .Where(r => AwaitingDecision(r, now) && r.PrincipalId != exceptPrincipalId && (after is null || string.CompareOrdinal(r.Id, after) > 0))
            .OrderBy(r => r.Id, StringComparer.Ordinal).Take(limit)));

    public Task<IReadOnlyList<ActivationRequest>> ListAsync(string tenantId, ActivationFilter filter, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(Copies(Requests(tenantId)
            .Where(r => (filter.PrincipalId is null || r.PrincipalId == filter.PrincipalId) && (filter.RoleId is null || r.RoleId == filter.RoleId)
                        && (filter.Status is null || r.StatusAt(now) == filter.Status) && (filter.After is null || string.CompareOrdinal(r.Id, filter.After) < 0))
            .OrderByDescending(r => r.Id, StringComparer.Ordinal).Take(filter.PageSize)));

    public Task InsertAsync(ActivationRequest request, CancellationToken ct)
    {
        if (ActivationRequest.OpenStatuses.Contains(request.Status) && Requests(request.TenantId).Any(r => r.PrincipalId == request.PrincipalId
                && r.RoleId == request.RoleId && r.Scope == request.Scope && ActivationRequest.OpenStatuses.Contains(r.Status)))
            throw new PimException(ErrorCodes.ActivationAlreadyOpen, "An activation request for this role and scope is already open.");
        _requests[(request.TenantId, request.Id)] = Copy(request);
        return Task.CompletedTask;
    }

    public Task<bool> UpdateAsync(ActivationRequest request, int expectedVersion, CancellationToken ct)
    {
        if (!_requests.TryGetValue((request.TenantId, request.Id), out var stored) || stored.Version != expectedVersion) return Task.FromResult(false);
        _requests[(request.TenantId, request.Id)] = Copy(request);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<ActivationRequest>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        Task.FromResult(Copies(_requests.Values.Where(r => r.StatusAt(now) != r.Status || r.NextNoticeAt <= now).Take(limit)));
}
