using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Http;

/// <summary>
/// Every options class of Pim, bound from its section of configuration and checked when Pim starts (<see cref="PimOptions"/>):
/// a setting that is out of bounds, or unsafe where Pim runs, stops start-up with the key named. The README's
/// configuration table says what each key means.
/// </summary>
public static class PimSettings
{
    /// <summary><c>Pim:Auth</c> as start-up reads it, for what is decided before the services are built (the console's
    /// sign-in schemes); the services' own copy is bound and checked as every other.</summary>
    public static AuthOptions AuthAtStart(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Pim:Auth").Get<AuthOptions>() ?? new AuthOptions();
        auth.DevIssuer.Enabled = DevIssuerEnabled(builder.Configuration, builder.Environment);
        return auth;
    }

    /// <summary>The development issuer is on by default in Development only.</summary>
    private static bool DevIssuerEnabled(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>("Pim:Auth:DevIssuer:Enabled") ?? environment.IsDevelopment();

    public static void AddPimSettings(this WebApplicationBuilder builder, StoreProvider provider, string connectionString)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var environment = builder.Environment;
        var contentRoot = environment.ContentRootPath;
        var production = environment.IsProduction();

        services.AddPimOptions<AuthOptions>("Pim:Auth",
                o => production && o.DevIssuer.Enabled
                    ? "Pim:Auth:DevIssuer:Enabled is true in Production: the development issuer mints tokens for anyone. Turn it off and set Pim:Auth:Authority."
                    : null,
                o => !o.DevIssuer.Enabled && string.IsNullOrWhiteSpace(o.Authority)
                    ? "Pim:Auth:Authority must name the identity provider that issues Pim's tokens (or enable the development issuer in Development)."
                    : null,
                // Otherwise every request fails when JwtBearer first reads the provider's metadata, not Pim's start.
                o => !o.DevIssuer.Enabled && o.RequireHttpsMetadata
                     && Uri.TryCreate(o.Authority, UriKind.Absolute, out var authority) && authority.Scheme != Uri.UriSchemeHttps
                    ? $"Pim:Auth:Authority ({o.Authority}) must be an https URL: Pim reads the provider's keys there, and over http anyone on the way could replace them (Pim:Auth:RequireHttpsMetadata=false allows http, for a provider on loopback in tests)."
                    : null,
                o => o.MaxTokenLifetime <= TimeSpan.Zero ? "Pim:Auth:MaxTokenLifetime must be positive." : null,
                o => o.TokenCacheSize < 0 ? "Pim:Auth:TokenCacheSize must not be negative." : null)
            .Configure(o => o.DevIssuer.Enabled = DevIssuerEnabled(configuration, environment));

        services.AddPimOptions<AccessCacheOptions>("Pim:Access:Cache",
            o => o.MaxEntries < 0 ? "Pim:Access:Cache:MaxEntries must not be negative." : null,
            o => o.MemoryShare is not (> 0 and <= 1) ? $"Pim:Access:Cache:MemoryShare ({o.MemoryShare}) must be more than 0 and at most 1." : null,
            o => o.FeedTimeout <= TimeSpan.Zero || o.Heartbeat <= TimeSpan.Zero || o.Heartbeat >= o.FeedTimeout
                ? $"Pim:Access:Cache:Heartbeat ({o.Heartbeat}) must be positive and shorter than Pim:Access:Cache:FeedTimeout ({o.FeedTimeout}): " +
                  "an idle change feed must prove itself alive before the index stops trusting it."
                : null,
            o => o.ReconnectDelay <= TimeSpan.Zero ? "Pim:Access:Cache:ReconnectDelay must be positive." : null,
            o => o.ConcurrentLoads < 1 ? "Pim:Access:Cache:ConcurrentLoads must be at least 1." : null);

        var storeConnections = Store.ConnectionLimit(provider, connectionString);
        services.AddPimOptions<RateLimitOptions>("Pim:RateLimits", o => o.Problem(storeConnections))
            // Unset: half the store's pool (100 unless the connection string says otherwise).
            .PostConfigure(o => o.InFlightPerTenant ??= Math.Max(1, (storeConnections ?? 100) / 2));
        services.AddPimOptions<LongPollOptions>("Pim:LongPolls", o => o.Problem());
        services.AddPimOptions<IdempotencyOptions>("Pim:Idempotency",
            o => o.MaxKeysPerCaller < 1 ? "Pim:Idempotency:MaxKeysPerCaller must be at least 1." : null);

        services.AddPimOptions<EmailOptions>("Pim:Email", o => SmtpEmailSender.TrustedCaProblem(o.Smtp.TrustedCaCertificatePath))
            // Relative paths are under the content root, not wherever the process was started.
            .PostConfigure(o =>
            {
                o.PickupDirectory = Path.Combine(contentRoot, o.PickupDirectory);
                if (o.Smtp.TrustedCaCertificatePath is { Length: > 0 } ca) o.Smtp.TrustedCaCertificatePath = Path.Combine(contentRoot, ca);
            });
        services.AddPimOptions<OutboxOptions>("Pim:Outbox",
            o => o.MaxAttempts is < 1 or > OutboxMessage.MaximumAttempts
                ? $"Pim:Outbox:MaxAttempts must be between 1 and {OutboxMessage.MaximumAttempts}."
                : null,
            o => o.BatchSize < 1 ? "Pim:Outbox:BatchSize must be at least 1." : null,
            o => o.PollInterval <= TimeSpan.Zero || o.Lease <= TimeSpan.Zero || o.DeliveryTimeout <= TimeSpan.Zero
                ? "Pim:Outbox:PollInterval, Lease and DeliveryTimeout must be positive."
                : null);
        services.AddPimOptions<WebhookOptions>("Pim:Webhooks",
                o => production && o.AllowInsecureTargets
                    ? "Pim:Webhooks:AllowInsecureTargets is true in Production: webhooks could reach internal addresses (SSRF)."
                    : null)
            // On by default in Development only (local receivers).
            .Configure(o => o.AllowInsecureTargets = configuration.GetValue<bool?>("Pim:Webhooks:AllowInsecureTargets") ?? environment.IsDevelopment());
        services.AddPimOptions<NotificationLimitOptions>("Pim:Notifications",
            o => o.MaxPerRolePerWindow < 1 || o.Window <= TimeSpan.Zero
                ? "Pim:Notifications:MaxPerRolePerWindow must be at least 1, and Pim:Notifications:Window positive."
                : null);
        services.AddSingleton(sp =>
        {
            var limits = sp.GetRequiredService<NotificationLimitOptions>();
            return new NotificationLimits(limits.MaxPerRolePerWindow, limits.Window);
        });

        services.AddPimOptions<SlackOptions>("Pim:Slack",
            o => !Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var api) || (production && api.Scheme != Uri.UriSchemeHttps)
                ? $"Pim:Slack:ApiBaseUrl ({o.ApiBaseUrl}) must be an absolute URL, https in Production: the bot tokens travel to it."
                : null,
            o => !Uri.TryCreate(o.ResponseUrlPrefix, UriKind.Absolute, out var responses) || (production && responses.Scheme != Uri.UriSchemeHttps)
                ? $"Pim:Slack:ResponseUrlPrefix ({o.ResponseUrlPrefix}) must be an absolute URL, https in Production."
                : null,
            o => o.SigningSecret is { Length: > 0 and < 16 } ? "Pim:Slack:SigningSecret is too short to be a Slack app's signing secret." : null,
            o => o.TimestampTolerance <= TimeSpan.Zero || o.TimestampTolerance > TimeSpan.FromMinutes(5)
                ? "Pim:Slack:TimestampTolerance must be positive and at most five minutes." : null);

        services.AddPimOptions<AlertOptions>("Pim:Alerts",
            o => o.EvaluationInterval < TimeSpan.FromMinutes(1) ? "Pim:Alerts:EvaluationInterval must be at least 00:01:00." : null);
        services.AddSingleton(sp => new AlertSchedule(sp.GetRequiredService<AlertOptions>().EvaluationInterval));
    }
}
