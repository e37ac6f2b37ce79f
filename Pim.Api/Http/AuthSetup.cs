using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
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
                    if (await RememberedAsync(context.HttpContext, validated, context.Options.ConfigurationManager) is { } principal)
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
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, RememberedSchemes>());
        // ASP.NET Core makes its authorization services anew wherever they are used (transient, so that an application's
        // handler may depend on scoped services): the policy evaluator, authorization service, policy and handler
        // providers — several objects every request. Pim's only handler is the framework's own pass-through, stateless:
        // one of each serves the process (issue 27: they were ~8 % of an evaluation's bytes).
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationEvaluator, DefaultAuthorizationEvaluator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerContextFactory, DefaultAuthorizationHandlerContextFactory>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationService, DefaultAuthorizationService>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, PolicyEvaluator>());
    }

    /// <summary>
    /// The authentication schemes, each lookup's answer made once: ASP.NET Core's provider answers every lookup with a new
    /// task, and the authentication middleware and service look up several each request. Adding or removing a scheme
    /// forgets what was made.
    /// </summary>
    private sealed class RememberedSchemes(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
    {
        private readonly ConcurrentDictionary<string, Task<AuthenticationScheme?>> _byName = new(StringComparer.Ordinal);
        private Task<AuthenticationScheme?>? _defaultAuthenticate;
        private Task<IEnumerable<AuthenticationScheme>>? _requestHandlers;

        public override Task<AuthenticationScheme?> GetSchemeAsync(string name) =>
            _byName.TryGetValue(name, out var known) ? known : Remember(name);

        private async Task<AuthenticationScheme?> Remember(string name)
        {
            var scheme = await base.GetSchemeAsync(name);
            if (scheme is not null) _byName.TryAdd(name, Task.FromResult<AuthenticationScheme?>(scheme));
            return scheme;
        }

        public override Task<AuthenticationScheme?> GetDefaultAuthenticateSchemeAsync() =>
            _defaultAuthenticate ??= base.GetDefaultAuthenticateSchemeAsync();

        public override Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync() =>
            _requestHandlers ??= base.GetRequestHandlerSchemesAsync();

        public override void AddScheme(AuthenticationScheme scheme)
        {
            base.AddScheme(scheme);
            Forget();
        }

        public override bool TryAddScheme(AuthenticationScheme scheme)
        {
            var added = base.TryAddScheme(scheme);
            Forget();
            return added;
        }

        public override void RemoveScheme(string name)
        {
            base.RemoveScheme(name);
            Forget();
        }

        private void Forget()
        {
            _byName.Clear();
            (_defaultAuthenticate, _requestHandlers) = (null, null);
        }
    }

    /// <summary>The identity the request's bearer token proved when Pim validated it before (<see cref="ValidatedTokens"/>),
    /// or null: the token is validated in full.</summary>
    private static ValueTask<ClaimsPrincipal?> RememberedAsync(HttpContext http, ValidatedTokens validated,
        IConfigurationManager<OpenIdConnectConfiguration>? keys)
    {
        string authorization = http.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? validated.FindAsync(authorization.AsSpan("Bearer ".Length).Trim(), keys, http.RequestAborted)
            : ValueTask.FromResult<ClaimsPrincipal?>(null);
    }

    /// <summary>
    /// ASP.NET Core's authentication, with a shorter way for the API's hot path: on an endpoint that asks only for an
    /// authenticated caller (as <see cref="UsePimAuthorization"/> reads it), a bearer token Pim validated before is the
    /// identity it proved — what the JwtBearer handler's <c>OnMessageReceived</c> would answer (above), without the
    /// handler, its contexts, ticket, properties and result made for every request. Any other request, and a token not
    /// remembered (or whose key left the identity provider's key set), goes through the framework's middleware: full
    /// validation, the challenge, the console's schemes and its sign-in callback.
    /// </summary>
    public static void UsePimAuthentication(this WebApplication app)
    {
        var validated = app.Services.GetRequiredService<ValidatedTokens>();
        var jwt = app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>();
        app.UseBeside(builder => builder.UseAuthentication(), AuthenticationMiddlewareSet, (http, next, framework) =>
        {
            var remembered = RememberedAsync(http, validated, jwt.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager);
            return remembered.IsCompletedSuccessfully
                ? Authenticated(http, remembered.Result, next, framework)
                : AuthenticatedAsync(http, remembered, next, framework);
        });
    }

    private static Task Authenticated(HttpContext http, ClaimsPrincipal? remembered, RequestDelegate next, RequestDelegate framework)
    {
        if (remembered is null) return framework(http);
        http.User = remembered;
        return next(http);
    }

    private static async Task AuthenticatedAsync(HttpContext http, ValueTask<ClaimsPrincipal?> remembered, RequestDelegate next,
        RequestDelegate framework) =>
        await Authenticated(http, await remembered, next, framework);

    /// <summary>
    /// The framework's middleware (<paramref name="useFramework"/>) in the pipeline, with <paramref name="shortcut"/> in front
    /// of it for the requests to an endpoint that asks only for an authenticated caller — its authorization metadata the
    /// default policy and nothing else, that policy (checked here, at start) an authenticated user and no scheme. The
    /// shortcut goes on with <c>next</c>, or hands the request to the framework's middleware. WebApplication is told the
    /// framework's middleware is in the pipeline (<paramref name="setKey"/>), else it would add its own in front.
    /// </summary>
    private static void UseBeside(this WebApplication app, Func<IApplicationBuilder, IApplicationBuilder> useFramework, string setKey,
        Func<HttpContext, RequestDelegate, RequestDelegate, Task> shortcut)
    {
        var policy = app.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetDefaultPolicyAsync().GetAwaiter().GetResult();
        var defaultAsksAuthentication = policy.AuthenticationSchemes.Count == 0 && policy.Requirements is [DenyAnonymousAuthorizationRequirement];
        app.Use(next =>
        {
            var builder = useFramework(((IApplicationBuilder)app).New());
            builder.Run(next);
            var framework = builder.Build();
            return http => defaultAsksAuthentication && http.GetEndpoint() is { } endpoint && AsksOnlyAuthentication(endpoint.Metadata)
                ? shortcut(http, next, framework)
                : framework(http);
        });
        ((IApplicationBuilder)app).Properties[setKey] = true;
    }

    /// <summary>
    /// ASP.NET Core's authorization, without its machinery where its answer is known beforehand: an endpoint that asks only
    /// for an authenticated caller (<c>RequireAuthorization()</c>, the default policy — which Pim does not change), called
    /// with a token authentication has accepted, goes straight on, as the framework's middleware would let it (Pim's own
    /// rules, the caller check of every use case, decide the rest). Everything else — no token, a named policy, a policy
    /// or scheme of its own (the console's cookie), anonymous endpoints, endpoints that ask nothing — goes through the
    /// framework's middleware, unchanged. That machinery (a policy evaluator, an authorization context, a requirement set,
    /// results as tasks, and a process-wide lock on <c>AppContext</c> for one of its switches) was ~10 % of an evaluation's
    /// bytes and its lock a share of its CPU (issue 27).
    /// </summary>
    public static void UsePimAuthorization(this WebApplication app) =>
        app.UseBeside(builder => builder.UseAuthorization(), AuthorizationMiddlewareSet, static (http, next, framework) =>
            http.User.IsAuthenticated() ? Authorized(http, next) : framework(http));

    /// <summary>What ASP.NET Core's authorization middleware leaves on a request it let through (the endpoint middleware
    /// refuses to run an endpoint with authorization metadata without it), and what tells WebApplication that the
    /// authorization and authentication middlewares are in the pipeline already.</summary>
    private const string AuthorizationMiddlewareInvoked = "__AuthorizationMiddlewareWithEndpointInvoked",
        AuthorizationMiddlewareSet = "__AuthorizationMiddlewareSet", AuthenticationMiddlewareSet = "__AuthenticationMiddlewareSet";

    private static readonly object Invoked = new();

    private static Task Authorized(HttpContext http, RequestDelegate next)
    {
        // Items nobody has used yet hold the mark without a dictionary (AuthorizedItems); else it is put among them.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IItemsFeature>() is null)
            http.Features.Set<Microsoft.AspNetCore.Http.Features.IItemsFeature>(new AuthorizedItems(AuthorizationMiddlewareInvoked, Invoked));
        else http.Items[AuthorizationMiddlewareInvoked] = Invoked;
        return next(http);
    }

    /// <summary>Authorization metadata that asks for the default policy and nothing else.</summary>
    private static bool AsksOnlyAuthentication(EndpointMetadataCollection metadata)
    {
        var asked = metadata.GetOrderedMetadata<IAuthorizeData>();
        if (asked.Count == 0) return false;
        foreach (var data in asked)
            if (data.Policy is not null || data.Roles is not null || data.AuthenticationSchemes is not null) return false;
        return metadata.GetMetadata<IAllowAnonymous>() is null && metadata.GetMetadata<AuthorizationPolicy>() is null
            && metadata.GetMetadata<IAuthorizationRequirementData>() is null;
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

    /// <summary>Whether authentication accepted the request's token: one of the user's identities is authenticated (the test
    /// of the default policy's requirement), without the enumerator <c>ClaimsPrincipal.Identity</c> makes for every call.</summary>
    public static bool IsAuthenticated(this ClaimsPrincipal user)
    {
        if (user.Identities is IReadOnlyList<ClaimsIdentity> identities)
        {
            for (var i = 0; i < identities.Count; i++)
                if (identities[i].IsAuthenticated) return true;
            return false;
        }
        return user.Identities.Any(identity => identity.IsAuthenticated);
    }

    /// <summary>What the validated token says: subject, tenant, scopes, MFA and the time of sign-in.</summary>
    public static TokenFacts ToTokenFacts(this ClaimsPrincipal user, AuthOptions options) =>
        user.FactsOrNull(options) ?? throw new PimException(ErrorCodes.Unauthenticated, $"The token has no '{options.Claims.Subject}' claim.");

    /// <summary>Facts read once per identity: a token validated before is one <see cref="ClaimsPrincipal"/> for all its requests
    /// (<see cref="ValidatedTokens"/>), so its claims are searched once, not by every middleware of every request.</summary>
    private static readonly ConditionalWeakTable<ClaimsPrincipal, ReadFacts> Read = new();

    private sealed record ReadFacts(AuthOptions Options, TokenFacts Facts);

    /// <summary><see cref="ToTokenFacts"/>, or null when the token names no subject.</summary>
    public static TokenFacts? FactsOrNull(this ClaimsPrincipal user, AuthOptions options) =>
        Read.TryGetValue(user, out var read) && ReferenceEquals(read.Options, options) ? read.Facts : ReadFactsOf(user, options);

    /// <summary>The claims searched, the first time (its own method: its lambdas capture <paramref name="options"/>, and a
    /// closure is made where its method starts — for every request, were it <see cref="FactsOrNull"/>).</summary>
    private static TokenFacts? ReadFactsOf(ClaimsPrincipal user, AuthOptions options)
    {
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
