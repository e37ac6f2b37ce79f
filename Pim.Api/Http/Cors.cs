using Pim.Api.Features.Audit;

namespace Pim.Api.Http;

/// <summary>
/// <c>Pim:Cors:AllowedOrigins</c>: the browser origins (e.g. an administration portal) that may call Pim from a web page.
/// None by default, and then Pim sends no CORS headers at all: browsers refuse cross-origin calls. Callers authenticate
/// with a bearer token, never a cookie, so credentials are not allowed; "*" is refused — name each origin.
/// </summary>
public static class Cors
{
    public static void AddPimCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection("Pim:Cors:AllowedOrigins").Get<string[]>() ?? [];
        foreach (var origin in origins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.PathAndQuery != "/"
                || origin.EndsWith('/'))
                throw new InvalidOperationException($"Pim:Cors:AllowedOrigins: '{origin}' is not an origin such as https://portal.example.com.");
        if (origins.Length == 0) return;
        services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
            .WithHeaders("Authorization", "Content-Type", "If-Match", IdempotencyMiddleware.Header)
            .WithExposedHeaders(OpenApiSetup.Location, OpenApiSetup.ETag, OpenApiSetup.RetryAfter, OpenApiSetup.RateLimit,
                OpenApiSetup.RateLimitPolicy, IdempotencyMiddleware.ReplayedHeader, AuditEndpoints.NextPageTokenHeader)
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
    }

    public static void UsePimCors(this WebApplication app)
    {
        if (app.Services.GetService<Microsoft.AspNetCore.Cors.Infrastructure.ICorsService>() is not null) app.UseCors();
    }
}
