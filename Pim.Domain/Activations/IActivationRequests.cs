namespace Pim.Domain;

public sealed record ActivationFilter(string? PrincipalId, string? RoleId, ActivationStatus? Status, string? After, int PageSize);

public interface IActivationRequests
{
    Task<ActivationRequest?> FindAsync(string tenantId, string requestId, CancellationToken ct);
    /// <summary>The request, held until the unit of work ends: decisions on one request are made one after the other.</summary>
    Task<ActivationRequest?> FindForUpdateAsync(string tenantId, string requestId, CancellationToken ct);
    /// <summary>The request recorded as open (pending, scheduled, active) for the principal, role and scope, if any.</summary>
    Task<ActivationRequest?> FindRecordedOpenAsync(string tenantId, string principalId, string roleId, string scope, CancellationToken ct);
    /// <summary>Requests recorded as open that were made through the assignment.</summary>
    Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenByAssignmentAsync(string tenantId, string assignmentId, CancellationToken ct);
    /// <summary>Requests recorded as open at any of the scopes.</summary>
    Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenInScopesAsync(string tenantId, IReadOnlyCollection<string> scopes, CancellationToken ct);
    /// <summary>Requests recorded as open for any of the principals.</summary>
    Task<IReadOnlyList<ActivationRequest>> ListRecordedOpenByPrincipalsAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct);
    /// <summary>
    /// Requests waiting for a decision at <paramref name="now"/> (approval, or an extension), not made by
    /// <paramref name="exceptPrincipalId"/>, oldest first, after the key <paramref name="after"/>: one indexed page.
    /// </summary>
    Task<IReadOnlyList<ActivationRequest>> ListAwaitingDecisionAsync(string tenantId, string exceptPrincipalId, string? after, int limit,
        DateTimeOffset now, CancellationToken ct);
    Task<IReadOnlyList<ActivationRequest>> ListAsync(string tenantId, ActivationFilter filter, DateTimeOffset now, CancellationToken ct);
    /// <summary>Throws <see cref="ErrorCodes.ActivationAlreadyOpen"/> when another open request holds the slot.</summary>
    Task InsertAsync(ActivationRequest request, CancellationToken ct);
    /// <summary>Writes the request if nobody changed it since it was read; false otherwise.</summary>
    Task<bool> UpdateAsync(ActivationRequest request, int expectedVersion, CancellationToken ct);
    /// <summary>
    /// Claims (locks, skipping rows other sweepers hold) requests, in any tenant, whose recorded status time alone has
    /// moved on (expired, timed out, or scheduled and started), or that have a notice due (<see cref="ActivationRequest.NextNoticeAt"/>).
    /// </summary>
    Task<IReadOnlyList<ActivationRequest>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken ct);
}

public static class ActivationRequestsExtensions
{
    /// <summary>A request of the caller's tenant, for any caller of that tenant (each use case then decides who may act on it).</summary>
    public static async Task<ActivationRequest> GetForAsync(this IActivationRequests requests, ITenants tenants, Caller caller, string requestId,
        CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        caller.RequireOperatorOrPrincipal();
        tenant.EnsureConsented(); // the request was gated by sign-up when it was made
        return await requests.FindAsync(tenant.Id, requestId, ct) ?? throw Errors.NotFound($"Activation request '{requestId}'");
    }

    /// <summary><see cref="GetForAsync"/>, the request held until the unit of work ends.</summary>
    public static async Task<ActivationRequest> GetForUpdateAsync(this IActivationRequests requests, ITenants tenants, Caller caller, string requestId,
        CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        caller.RequireOperatorOrPrincipal();
        tenant.EnsureConsented();
        return await requests.FindForUpdateAsync(tenant.Id, requestId, ct) ?? throw Errors.NotFound($"Activation request '{requestId}'");
    }
}
