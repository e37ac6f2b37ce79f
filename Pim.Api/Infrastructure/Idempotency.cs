using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Infrastructure;

/// <summary>
/// Idempotency-Key on POSTs under a tenant: the same key and body (per tenant and caller) replay the first response
/// for 24 hours; the same key with another body answers 422; a key whose first request is still running answers 409.
/// It sits outside the exception handler, so refusals (problem details) are replayed too; 5xx answers are not kept.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(1);

    public async Task InvokeAsync(HttpContext http, IdempotencyStore store, TimeProvider time, AuthOptions auth)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Headers.TryGetValue(Header, out var keyValues)
            || http.GetRouteValue("tenantId") is not string tenantId)
        {
            await next(http);
            return;
        }
        var authenticated = await http.AuthenticateAsync();
        if (!authenticated.Succeeded)
        {
            await next(http); // the endpoint answers 401
            return;
        }
        var key = keyValues.ToString();
        if (key.Length is 0 or > 255 || key.Any(char.IsControl))
        {
            await Problems.WriteAsync(http, ErrorCodes.ValidationFailed, $"{Header} must be 1-255 printable characters.");
            return;
        }
        var user = authenticated.Principal!;
        var caller = $"{user.FindFirst(auth.Claims.TenantId)?.Value}/{user.FindFirst(auth.Claims.Subject)?.Value}";
        var hash = await HashAsync(http.Request);
        var ct = http.RequestAborted;
        var now = time.Now();

        if (await store.FindAsync(tenantId, caller, key, ct) is { } first)
        {
            var expired = first.CreatedAt < now - IdempotencyStore.Retention;
            var abandoned = first.StatusCode is null && first.CreatedAt < now - Abandoned;
            if (!expired && !abandoned)
            {
                if (first.RequestHash != hash)
                    await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyReused, $"{Header} '{key}' was used with another request; use a new key.");
                else if (first.StatusCode is null)
                    await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyInUse, $"The first request with {Header} '{key}' is still running; retry shortly.");
                else
                    await ReplayAsync(http, first);
                return;
            }
            await store.ForgetAsync(tenantId, caller, key, ct);
        }
        if (!await store.TryReserveAsync(tenantId, caller, key, hash, now, ct))
        {
            await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyInUse, $"The first request with {Header} '{key}' is still running; retry shortly.");
            return;
        }

        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        catch
        {
            await store.ForgetAsync(tenantId, caller, key, CancellationToken.None);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }
        if (http.Response.StatusCode >= 500)
            await store.ForgetAsync(tenantId, caller, key, CancellationToken.None);
        else
            await store.CompleteAsync(tenantId, caller, key, http.Response.StatusCode, http.Response.ContentType,
                http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null, Encoding.UTF8.GetString(buffer.ToArray()), CancellationToken.None);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, ct);
    }

    private static async Task ReplayAsync(HttpContext http, IdempotentResponse first)
    {
        http.Response.StatusCode = first.StatusCode!.Value;
        if (first.ContentType is not null) http.Response.ContentType = first.ContentType;
        if (first.Location is not null) http.Response.Headers.Location = first.Location;
        http.Response.Headers[ReplayedHeader] = "true";
        await http.Response.WriteAsync(first.Body ?? "", http.RequestAborted);
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
