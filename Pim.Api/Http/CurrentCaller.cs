using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// The caller of a request under <c>/v1/tenants/{tenantId}</c>, bound once as a handler parameter (TodoApi's
/// <c>CurrentUser</c>): its token resolved against the tenant in the path — the principal it acts as, its service
/// scopes, where it comes from (client address, user agent, trace id). Converts to the domain's <see cref="Caller"/>.
/// </summary>
public sealed class CurrentCaller
{
    private CurrentCaller(Caller caller) => Value = caller;

    public Caller Value { get; }

    public static implicit operator Caller(CurrentCaller current) => current.Value;

    public static async ValueTask<CurrentCaller?> BindAsync(HttpContext http)
    {
        var tenantId = http.GetRouteValue("tenantId") as string
            ?? throw new InvalidOperationException("CurrentCaller binds only on routes under /v1/tenants/{tenantId}.");
        var services = http.RequestServices;
        var origin = new RequestOrigin(
            http.ClientAddress(),
            http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : null,
            System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
        var token = http.User.ToTokenFacts(services.GetRequiredService<AuthOptions>());
        return new CurrentCaller(await services.GetRequiredService<AccessService>().ResolveCallerAsync(tenantId, token, origin, http.RequestAborted));
    }
}
