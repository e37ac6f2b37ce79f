using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// The caller of a request under <c>/v1/tenants/{tenantId}</c>, bound once as a handler parameter (TodoApi's
/// <c>CurrentUser</c>): its token resolved against the tenant in the path — the principal it acts as, its service
/// scopes, where it comes from (client address, user agent, trace id). Converts to the domain's <see cref="Caller"/>.
/// Endpoints whose tenant is not in the path (AuthZEN: it is the subject's) resolve it with <see cref="ResolveAsync"/>.
/// </summary>
public sealed class CurrentCaller
{
    private CurrentCaller(Caller caller) => Value = caller;

    public Caller Value { get; }

    public static implicit operator Caller(CurrentCaller current) => current.Value;

    public static async ValueTask<CurrentCaller?> BindAsync(HttpContext http) =>
        new(await ResolveAsync(http, PathTenantOf(http)));

    /// <summary>The tenant of the request's path: a caller binds only on routes under <c>/v1/tenants/{tenantId}</c>.</summary>
    public static string PathTenantOf(HttpContext http) => http.GetRouteValue("tenantId") as string
        ?? throw new InvalidOperationException("CurrentCaller binds only on routes under /v1/tenants/{tenantId}.");

    /// <summary>What the request's bearer token says about its holder.</summary>
    public static TokenFacts TokenOf(HttpContext http) => TokenOf(http, http.RequestServices);

    private static TokenFacts TokenOf(HttpContext http, IServiceProvider services) => http.User.ToTokenFacts(services.GetRequiredService<AuthOptions>());

    /// <summary>
    /// The request's caller as it acts in <paramref name="tenantId"/>: itself, the guest of its home identity, or nobody.
    /// A principal acting with its own token is seen by Pim now (recorded off the hot path; service-scoped tokens are not
    /// the principal's sign-in).
    /// </summary>
    public static ValueTask<Caller> ResolveAsync(HttpContext http, string tenantId) =>
        ResolveAsync(http, tenantId, http.RequestServices.GetRequiredService<AccessService>(), http.RequestServices);

    /// <summary>
    /// The same, with the <paramref name="access"/> that maps a guest and the <paramref name="services"/> to read the
    /// token's settings from: the single evaluation's own (<see cref="Features.Access.SingleEvaluation"/>), which resolves
    /// its caller without the request's DI scope.
    /// </summary>
    public static async ValueTask<Caller> ResolveAsync(HttpContext http, string tenantId, AccessService access, IServiceProvider services)
    {
        Pim.Infrastructure.PimTelemetry.Tenant(tenantId);
        var origin = new RequestOrigin(
            http.ClientAddress(),
            http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : null,
            System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
        var caller = await access.ResolveCallerAsync(tenantId, TokenOf(http, services), origin, http.RequestAborted);
        if (caller is { PrincipalId: { } seen, IsOperator: false, IsEvaluator: false })
            services.GetRequiredService<IPrincipalSightings>().Record(tenantId, seen, services.GetRequiredService<TimeProvider>().Now());
        return caller;
    }
}
