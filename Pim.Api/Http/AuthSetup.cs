using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pim.Domain;

namespace Pim.Api.Http;

public static class AuthSetup
{
    /// <summary>How far Pim's clock and the identity provider's may disagree.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>JWT bearer authentication by <see cref="AuthOptions"/> (<c>Pim:Auth</c>, bound and checked by <see cref="PimSettings"/>).</summary>
    public static void AddPimAuthentication(this WebApplicationBuilder builder, string dataDirectory)
    {
        // Made only when the development issuer is on (its key file is read or written then).
        var keyPath = Path.Combine(dataDirectory, "dev-issuer-key.pem");
        builder.Services.AddSingleton(sp => new DevTokenIssuer(keyPath, sp.GetRequiredService<AuthOptions>().Audience, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ValidatedTokens>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IServiceProvider>((jwt, services) =>
        {
            var options = services.GetRequiredService<AuthOptions>();
            var time = services.GetRequiredService<TimeProvider>();
            var validated = services.GetRequiredService<ValidatedTokens>();
            var skew = ClockSkew;
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidAudience = options.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                // Lifetime is checked against Pim's clock, the same one every other rule uses.
                LifetimeValidator = (notBefore, expires, _, _) =>
                {
                    var now = time.Now().UtcDateTime;
                    return (notBefore is null || notBefore.Value <= now + skew) && expires is not null && expires.Value > now - skew;
                },
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                    SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.RsaSsaPssSha256],
                NameClaimType = options.Claims.Subject,
            };
            if (options.DevIssuer.Enabled)
            {
                jwt.TokenValidationParameters.ValidIssuer = DevTokenIssuer.Issuer;
                jwt.TokenValidationParameters.IssuerSigningKey = services.GetRequiredService<DevTokenIssuer>().Key;
            }
            else
            {
                jwt.Authority = options.Authority;
                jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
                jwt.Audience = options.Audience;
            }
            jwt.Events = new JwtBearerEvents
            {
                // A token validated before, still unexpired and signed by a key the identity provider still publishes: the
                // identity it proved then, without checking its signature again.
                OnMessageReceived = async context =>
                {
                    string authorization = context.Request.Headers.Authorization.ToString();
                    if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        && await validated.FindAsync(authorization.AsSpan("Bearer ".Length).Trim(), context.Options.ConfigurationManager,
                            context.HttpContext.RequestAborted) is { } principal)
                    {
                        context.Principal = principal;
                        context.Success();
                    }
                },
                OnTokenValidated = context =>
                {
                    var token = context.SecurityToken as JsonWebToken;
                    if (RefusalOf(token, time.Now(), options) is { } refusal) context.Fail(refusal);
                    else validated.Remember(token!.EncodedToken, context.Principal!, new DateTimeOffset(token.ValidTo, TimeSpan.Zero), token.SigningKey);
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    if (context.AuthenticateFailure is not null
                        && await IdentityProviderDoesNotAnswerAsync(context.Options, context.HttpContext.RequestAborted))
                    {
                        context.Response.Headers.RetryAfter = IdentityProviderRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                        await Problems.WriteAsync(context.HttpContext, ErrorCodes.IdentityProviderUnavailable,
                            $"Pim cannot read the identity provider's signing keys now; retry in {IdentityProviderRetryAfterSeconds} seconds.");
                        return;
                    }
                    var failed = context.AuthenticateFailure is not null;
                    context.Response.Headers.WWWAuthenticate = failed ? "Bearer error=\"invalid_token\"" : "Bearer";
                    await Problems.WriteAsync(context.HttpContext, ErrorCodes.Unauthenticated,
                        failed ? "The bearer token is invalid or expired." : "A bearer token is required.");
                },
            };
        });
        // A key the identity provider no longer publishes is a key Pim no longer believes. JwtBearer's "last known good"
        // configuration would go on validating tokens signed by a key removed from the key set for up to an hour
        // (LastKnownGoodLifetime) — after an emergency rotation, that is the stolen key's hour. Without it, a refresh that
        // fails still keeps the key set Pim has; only a key set the identity provider has replaced is let go.
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            if (jwt.ConfigurationManager is BaseConfigurationManager keys) keys.UseLastKnownGoodConfiguration = false;
        });
        builder.Services.AddAuthorization();
    }

    /// <summary>How long a caller waits before asking again when the identity provider's metadata could not be read.</summary>
    public const int IdentityProviderRetryAfterSeconds = 5;

    /// <summary>
    /// Whether a token was refused because the identity provider's metadata or key set cannot be read (it is down,
    /// unreachable, or answers an error) rather than because of the token. IdentityModel swallows that failure and goes on
    /// validating without keys, so the refusal alone cannot tell; asking the configuration manager again can (it answers
    /// from what it holds when it holds a key set, and otherwise tries once more and throws). Such a refusal says nothing
    /// about the caller: it is not a 401, which would send a user to sign in again, where that cannot help.
    /// </summary>
    private static async Task<bool> IdentityProviderDoesNotAnswerAsync(JwtBearerOptions jwt, CancellationToken cancellation)
    {
        if (jwt.ConfigurationManager is null) return false; // the development issuer: the keys are Pim's own
        try
        {
            await jwt.ConfigurationManager.GetConfigurationAsync(cancellation);
            return false;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
        {
            return true;
        }
    }

    /// <summary>
    /// What a signature does not vouch for: a token that lives longer than <see cref="AuthOptions.MaxTokenLifetime"/>, or
    /// that claims a sign-in (<c>auth_time</c>) in the future — which would satisfy any MFA freshness rule forever.
    /// </summary>
    public static string? RefusalOf(JsonWebToken? token, DateTimeOffset now, AuthOptions options)
    {
        if (token is null) return "The token could not be read.";
        var expires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        var issued = token.TryGetPayloadValue<long>("iat", out var iat) ? DateTimeOffset.FromUnixTimeSeconds(iat) : (DateTimeOffset?)null;
        var notBefore = token.TryGetPayloadValue<long>("nbf", out var nbf) ? DateTimeOffset.FromUnixTimeSeconds(nbf) : (DateTimeOffset?)null;
        var start = new[] { issued, notBefore, now }.Where(t => t is not null).Min()!.Value;
        if (expires - start > options.MaxTokenLifetime)
            return $"The token lives longer than the {options.MaxTokenLifetime} Pim accepts (Pim:Auth:MaxTokenLifetime).";
        if (token.TryGetPayloadValue<long>("auth_time", out var authTime) && DateTimeOffset.FromUnixTimeSeconds(authTime) > now + ClockSkew)
            return "The token's auth_time is in the future.";
        return null;
    }

    /// <summary>What the validated token says: subject, tenant, scopes, MFA and the time of sign-in.</summary>
    public static TokenFacts ToTokenFacts(this ClaimsPrincipal user, AuthOptions options) =>
        user.FactsOrNull(options) ?? throw new PimException(ErrorCodes.Unauthenticated, $"The token has no '{options.Claims.Subject}' claim.");

    /// <summary>Facts read once per identity: a token validated before is one <see cref="ClaimsPrincipal"/> for all its requests
    /// (<see cref="ValidatedTokens"/>), so its claims are searched once, not by every middleware of every request.</summary>
    private static readonly ConditionalWeakTable<ClaimsPrincipal, ReadFacts> Read = new();

    private sealed record ReadFacts(AuthOptions Options, TokenFacts Facts);

    /// <summary><see cref="ToTokenFacts"/>, or null when the token names no subject.</summary>
    public static TokenFacts? FactsOrNull(this ClaimsPrincipal user, AuthOptions options)
    {
        if (Read.TryGetValue(user, out var read) && ReferenceEquals(read.Options, options)) return read.Facts;
        if (user.FindFirst(options.Claims.Subject)?.Value is not { } subject) return null;
        var scopes = user.FindAll("scp").Concat(user.FindAll("scope"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        var mfa = user.FindAll(options.Claims.AuthenticationMethods).Any(c => c.Value == options.Claims.MfaMethod);
        DateTimeOffset? authTime = long.TryParse(user.FindFirst("auth_time")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
        var tenantId = user.FindFirst(options.Claims.TenantId)?.Value;
        var platform = tenantId is null && options.PlatformIdentities.Contains(subject, StringComparer.Ordinal);
        var facts = new TokenFacts(subject, tenantId, scopes, mfa, authTime, platform);
        Read.AddOrUpdate(user, new ReadFacts(options, facts));
        return facts;
    }

}
