using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Http;

public sealed class IdempotencyOptions
{
    /// <summary>Live keys (24 hours) one caller may hold in one tenant.</summary>
    public int MaxKeysPerCaller { get; set; } = 1000;
}

/// <summary>
/// Idempotency-Key on POSTs under a tenant (DESIGN §7: replays re-authorize the caller and never store secrets).
/// <list type="bullet">
/// <item>The key is claimed, the change made and the answer recorded in one transaction of the store (every unit of
/// work of the request nests in it), and the answer reaches the client only after that commit: after a crash a retry
/// either replays a committed answer or runs once. A second request with the key waits for the first one's commit.</item>
/// <item>A replay runs the request again against the store and rolls it back: if that run is refused now (401, 403,
/// 404, 429, 5xx) the refusal is the answer; otherwise the recorded answer is replayed with <c>Idempotent-Replayed: true</c>.</item>
/// <item>Answers that carry a one-time secret keep only their status and Location; 401, 403, 429 and 5xx are not kept.</item>
/// <item>Only callers of the tenant keep keys, at most <see cref="IdempotencyOptions.MaxKeysPerCaller"/> each.</item>
/// </list>
/// It sits outside the exception handler, so refusals (problem details) are recorded too, and inside the rate limits: a
/// request over its budget is refused before it claims a key or opens the transaction.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, TimeProvider time, AuthOptions auth, IdempotencyOptions options)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Headers.TryGetValue(Header, out var keyValues)
            || http.GetRouteValue("tenantId") is not string tenantId || http.Has<EndpointMarkers.Evaluation>() || http.Has<EndpointMarkers.Scim>())
        {
            await next(http);
            return;
        }
        // The request's store and use cases, resolved only for a request that carries a key (not for every request).
        var keys = http.RequestServices.GetRequiredService<IdempotencyStore>();
        var session = http.RequestServices.GetRequiredService<DbSession>();
        var access = http.RequestServices.GetRequiredService<AccessService>();
        // Authentication has run (UsePimAuthentication): its answer is the request's user.
        if (!http.User.IsAuthenticated())
        {
            await next(http); // the endpoint answers 401
            return;
        }
        var key = keyValues.ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl))
        {
            await Problems.WriteAsync(http, ErrorCodes.ValidationFailed, $"{Header} must be 1-{MaxKeyLength} printable characters.");
            return;
        }
        var ct = http.RequestAborted;
        // The body is read before the store is: a slow upload holds no connection.
        var hash = await HashAsync(http.Request);
        TokenFacts token;
        try { token = http.User.ToTokenFacts(auth); }
        catch (PimException e)
        {
            await Problems.WriteAsync(http, e.Code, e.Message);
            return;
        }
        var caller = await access.ResolveCallerAsync(tenantId, token, RequestOrigin.None, ct);
        if (caller.PrincipalId is null && !caller.ServiceScopesApply)
        {
            await next(http); // nobody in this tenant: it keeps no keys here (the endpoint refuses it)
            return;
        }
        var callerKey = $"{token.TenantId}/{token.Subject}";
        var now = time.Now();

        await using var transaction = await session.BeginEnclosingAsync(ct);
        if (await keys.TryClaimAsync(tenantId, callerKey, key, hash, now, ct))
        {
            var (held, oldest) = await keys.CountAsync(tenantId, callerKey, now, ct);
            if (held > options.MaxKeysPerCaller)
            {
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((oldest + IdempotencyStore.Retention - now).TotalSeconds)).ToString();
                await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyLimit,
                    $"A caller holds at most {options.MaxKeysPerCaller} {Header}s in a tenant at once; keys are kept 24 hours.");
                return;
            }
            var body = await RunBufferedAsync(http);
            var status = http.Response.StatusCode;
            if (status is >= 500 or StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests)
            {
                await transaction.DisposeAsync(); // nothing of this request is kept, the key included
            }
            else
            {
                var withheld = status < 300 && http.Has<EndpointMarkers.AnswerCarriesSecret>();
                var location = http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null;
                await keys.RecordAsync(tenantId, callerKey, key, status, withheld ? null : http.Response.ContentType, location,
                    withheld ? null : Encoding.UTF8.GetString(body), withheld, CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
            await http.Response.Body.WriteAsync(body, ct);
            return;
        }

        var first = await keys.FindAsync(tenantId, callerKey, key, ct);
        if (first.RequestHash != hash)
        {
            await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyReused, $"{Header} '{key}' was used with another request; use a new key.");
            return;
        }
        if (first.StatusCode is not { } recorded)
        {
            await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyInUse, $"The first request with {Header} '{key}' is still running; retry shortly.");
            return;
        }
        // Re-authorize: the caller must still be allowed to make this request. The run is rolled back whatever it did.
        var rerun = await RunBufferedAsync(http);
        await transaction.DisposeAsync();
        if (http.Response.StatusCode is >= 500 or StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden
            or StatusCodes.Status404NotFound or StatusCodes.Status429TooManyRequests)
        {
            await http.Response.Body.WriteAsync(rerun, ct);
            return;
        }
        http.Response.Clear();
        http.Response.Headers[ReplayedHeader] = "true";
        if (first.Location is not null) http.Response.Headers.Location = first.Location;
        if (first.Withheld)
        {
            await Problems.WriteAsync(http, ErrorCodes.IdempotencyAnswerWithheld,
                $"The first request with {Header} '{key}' succeeded ({recorded}{(first.Location is null ? "" : $", {first.Location}")}); its answer " +
                "carried a one-time secret, which Pim does not keep. Read the resource, or delete it and create a new one.");
            return;
        }
        http.Response.StatusCode = recorded;
        if (first.ContentType is not null) http.Response.ContentType = first.ContentType;
        await http.Response.WriteAsync(first.Body ?? "", ct);
    }

    /// <summary>Runs the rest of the pipeline with the response body held back, and returns that body.</summary>
    private async Task<byte[]> RunBufferedAsync(HttpContext http)
    {
        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        return buffer.ToArray();
    }

    /// <summary>The request as the key covers it: method, path with query, and body.</summary>
    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0) sha.AppendData(chunk, 0, read);
        request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
