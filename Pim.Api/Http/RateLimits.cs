using System.Globalization;
using System.Threading.RateLimiting;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// <c>Pim:RateLimits</c>: every caller is rate limited, per caller and per tenant, with separate budgets for access
/// evaluation (high), other reads, and writes (low), each a number of requests per <see cref="Window"/>.
/// </summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
    public Budget Evaluation { get; set; } = new() { PerCaller = 60_000, PerTenant = 300_000 };
    public Budget Reads { get; set; } = new() { PerCaller = 1_200, PerTenant = 12_000 };
    public Budget Writes { get; set; } = new() { PerCaller = 120, PerTenant = 1_200 };

    public sealed class Budget
    {
        public int PerCaller { get; set; }
        public int PerTenant { get; set; }
    }
}

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by request class, tenant and caller: a caller's own budget, chained with
/// its tenant's. The tenant a request spends is the caller's own (its token's tenant; the path's only for callers of
/// that tenant and for platform identities), so nobody can exhaust another tenant's budget by calling its paths;
/// requests without a valid token spend a budget of their client address. Health probes are not limited.
/// Refusals are 429 problems with Retry-After.
/// </summary>
public static class RateLimits
{
    private enum RequestClass { Evaluation, Reads, Writes }

    public static void AddPimRateLimits(this IServiceCollection services, RateLimitOptions options, AuthOptions auth)
    {
        services.AddSingleton(options);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, options, auth, perCaller: true)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, options, auth, perCaller: false)));
            limiter.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.Window;
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(http, ErrorCodes.RateLimited, "Too many requests: this caller or its tenant has used its budget for now; retry after the time Retry-After gives.");
            };
        });
    }

    public static void UsePimRateLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<RateLimitOptions>().Enabled) app.UseRateLimiter();
    }

    private static RateLimitPartition<string> Partition(HttpContext http, RateLimitOptions options, AuthOptions auth, bool perCaller)
    {
        if (http.Request.Path.StartsWithSegments("/health")) return RateLimitPartition.GetNoLimiter("health");
        var kind = http.Has<EndpointMarkers.Evaluation>() ? RequestClass.Evaluation
            : HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? RequestClass.Reads
            : RequestClass.Writes;
        var budget = kind switch
        {
            RequestClass.Evaluation => options.Evaluation,
            RequestClass.Reads => options.Reads,
            _ => options.Writes,
        };
        var (tenant, caller) = Identify(http, auth);
        var key = perCaller ? $"{kind}|{tenant}|{caller}" : $"{kind}|{tenant}";
        var limit = perCaller ? budget.PerCaller : budget.PerTenant;
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit),
            Window = options.Window,
            QueueLimit = 0,
        });
    }

    /// <summary>Whose budget a request spends: its token's tenant and subject, or (without a valid token) its client address.</summary>
    private static (string Tenant, string Caller) Identify(HttpContext http, AuthOptions auth)
    {
        if (http.User.Identity?.IsAuthenticated != true) return ("anonymous", "ip:" + http.ClientAddress());
        var subject = http.User.FindFirst(auth.Claims.Subject)?.Value ?? "";
        var tokenTenant = http.User.FindFirst(auth.Claims.TenantId)?.Value;
        var pathTenant = http.GetRouteValue("tenantId") as string;
        var tenant = tokenTenant ?? (auth.PlatformIdentities.Contains(subject, StringComparer.Ordinal) ? pathTenant ?? "platform" : "unknown");
        return (tenant, $"{tokenTenant}/{subject}");
    }
}
