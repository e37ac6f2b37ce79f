using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Console;

/// <summary>
/// Pim Console (<c>/console</c>): server-rendered Razor Pages served by Pim itself, a backend-for-frontend. The browser
/// holds one session cookie (<see cref="CookieName"/>: <c>__Host-</c>, HttpOnly, Secure, SameSite=Lax) naming a session
/// kept on the server (<see cref="ConsoleSessions"/>); no token ever reaches it. Sign-in is OpenID Connect authorization
/// code + PKCE at <c>Pim:Auth:Authority</c>, or, in Development with the development issuer, its sign-in page. The pages
/// call the domain's use cases with the <see cref="Pim.Domain.Caller"/> the API would build from the same claims, so the
/// console can do nothing its user's token could not. Every answer under <c>/console</c> carries a strict
/// Content-Security-Policy (no inline script), refuses framing and is not cached.
/// </summary>
public static class ConsoleSetup
{
    public const string CookieScheme = "PimConsole";
    public const string OidcScheme = "PimConsoleOidc";
    /// <summary>The session cookie's name outside Development; in Development <c>pim-console</c> (see <see cref="CookiePrefix"/>).</summary>
    public const string CookieName = "__Host-pim-console";
    public const string AntiforgeryCookieName = "__Host-pim-af";
    public const string AntiforgeryFieldName = "__pim_af";
    public const string Policy = "pim-console";
    public const string BasePath = "/console";
    public const string CallbackPath = "/console/signin-oidc";
    public const string SignedOutCallbackPath = "/console/signout-callback-oidc";
    /// <summary>An <see cref="AuthenticationProperties"/> item: this sign-in is a step-up to a fresh multi-factor sign-in.</summary>
    public const string StepUpItem = "pim.step-up";
    private const string IdTokenHintItem = "pim.id-token-hint";

    /// <summary>The console's start: its options checked, its schemes and pages registered; false when it is off.</summary>
    public static bool AddPimConsole(this WebApplicationBuilder builder, AuthOptions auth)
    {
        var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        if (options.Problem(auth.Authority) is { } problem) throw new InvalidOperationException(problem);
        var devSignIn = auth.DevIssuer.Enabled && builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ConsoleLinks(options.PublicUrl));
        if (!options.UsesOpenIdConnect && !devSignIn) return false;

        builder.Services.AddSingleton(new ConsoleSignIn(options.UsesOpenIdConnect, devSignIn));
        var development = builder.Environment.IsDevelopment();
        // Outside Development the cookies are __Host- cookies: Secure, Path=/, no Domain, so no other host or path can
        // set or read them. Browsers drop a __Host- cookie without Secure, and Development serves plain http on localhost,
        // where the cookies are Secure only over https and go without the prefix.
        var prefix = CookiePrefix(development);
        var secure = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        builder.Services.AddSingleton<ConsoleSessions>();
        builder.Services.AddSingleton<ConsoleDrafts>();
        var authentication = builder.Services.AddAuthentication().AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = prefix + "pim-console";
            cookie.Cookie.Path = "/";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = secure;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.SlidingExpiration = false;
            cookie.LoginPath = "/console/sign-in";
            cookie.LogoutPath = "/console/sign-out";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.Events = new CookieAuthenticationEvents
            {
                // The console's JSON (the live status of a request) answers 401, not a redirect a script cannot follow.
                OnRedirectToLogin = context =>
                {
                    if (context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal))
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    else
                        context.Response.Redirect("/console/sign-in?returnUrl=" +
                            Uri.EscapeDataString(ReturnUrls.Safe(context.Request.PathBase + context.Request.Path + context.Request.QueryString)));
                    return Task.CompletedTask;
                },
                OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<TimeProvider, ConsoleSessions>((cookie, time, sessions) =>
        {
            // A session ends with its identity token, on Pim's clock (the one every rule uses).
            cookie.TimeProvider = time;
            cookie.SessionStore = sessions;
        });

        if (options.UsesOpenIdConnect)
        {
            authentication.AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.Authority = auth.Authority;
                oidc.RequireHttpsMetadata = auth.RequireHttpsMetadata;
                oidc.ClientId = options.ClientId;
                oidc.ClientSecret = options.ClientSecret;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                // The code comes back on a top-level GET: the Lax cookies of the flow are sent with it, no form_post page is needed.
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.UsePkce = true;
                oidc.CallbackPath = CallbackPath;
                oidc.SignedOutCallbackPath = SignedOutCallbackPath;
                oidc.SignInScheme = CookieScheme;
                oidc.SignOutScheme = CookieScheme;
                oidc.Scope.Clear();
                foreach (var scope in options.Scopes) oidc.Scope.Add(scope);
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.SaveTokens = true;
                oidc.UseTokenLifetime = false;
                oidc.DisableTelemetry = true;
                oidc.TokenValidationParameters.NameClaimType = auth.Claims.Subject;
                oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = secure;
                oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.NonceCookie.SecurePolicy = secure;
                oidc.Events = new OpenIdConnectEvents
                {
                    OnRedirectToIdentityProvider = context =>
                    {
                        if (context.Properties.Items.ContainsKey(StepUpItem))
                        {
                            var stepUp = options.StepUp;
                            if (stepUp.Prompt is { Length: > 0 } prompt) context.ProtocolMessage.Prompt = prompt;
                            if (stepUp.MaxAge is { } maxAge) context.ProtocolMessage.MaxAge = maxAge.ToString(CultureInfo.InvariantCulture);
                            if (stepUp.AcrValues is { Length: > 0 } acr) context.ProtocolMessage.AcrValues = acr;
                        }
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                        var raw = context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken;
                        var token = raw is null ? null : new JsonWebToken(raw);
                        if (AuthSetup.RefusalOf(token, time.GetUtcNow(), auth) is { } refusal)
                        {
                            context.Fail(refusal);
                            return Task.CompletedTask;
                        }
                        context.Principal = ConsoleClaims.FromToken(context.Principal!, auth);
                        // The session lasts as long as the identity token, and not a second longer.
                        context.Properties!.ExpiresUtc = new DateTimeOffset(token!.ValidTo, TimeSpan.Zero);
                        context.Properties.IsPersistent = false;
                        context.Properties.AllowRefresh = false;
                        return Task.CompletedTask;
                    },
                    // Of the tokens, the session keeps the identity token only (to name the session when signing out
                    // at the provider); the access and refresh tokens are not kept at all.
                    OnTicketReceived = context =>
                    {
                        var idToken = context.Properties?.GetTokens().Where(t => t.Name == OpenIdConnectParameterNames.IdToken).ToList() ?? [];
                        context.Properties?.StoreTokens(idToken);
                        return Task.CompletedTask;
                    },
                    OnRedirectToIdentityProviderForSignOut = context =>
                    {
                        if (context.Properties.Items.TryGetValue(IdTokenHintItem, out var hint) && hint is { Length: > 0 })
                            context.ProtocolMessage.IdTokenHint = hint;
                        context.Properties.Items.Remove(IdTokenHintItem);
                        return Task.CompletedTask;
                    },
                    OnRemoteFailure = context =>
                    {
                        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Pim.Console")
                            .LogWarning("Console sign-in failed: {Reason}", context.Failure?.Message);
                        context.HandleResponse();
                        context.Response.Redirect("/console/signed-out?failed=true");
                        return Task.CompletedTask;
                    },
                };
            });
        }

        if (options.UsesOpenIdConnect)
            builder.Services.AddOptions<OpenIdConnectOptions>(OidcScheme).Configure<TimeProvider>((oidc, time) =>
            {
                // The identity token's lifetime is checked against Pim's clock, as a bearer token's is (AuthSetup).
                oidc.TimeProvider = time;
                oidc.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, _) =>
                {
                    var now = time.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore.Value <= now + AuthSetup.ClockSkew) && expires is not null && expires.Value > now - AuthSetup.ClockSkew;
                };
            });

        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, policy =>
            policy.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser());
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = prefix + "pim-af";
            antiforgery.Cookie.Path = "/";
            antiforgery.Cookie.SecurePolicy = secure;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.FormFieldName = AntiforgeryFieldName;
            antiforgery.HeaderName = null;
        });
        builder.Services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Console/Pages";
            pages.Conventions.AuthorizeFolder("/", Policy);
            pages.Conventions.AllowAnonymousToPage("/SignIn");
            pages.Conventions.AllowAnonymousToPage("/SignedOut");
            pages.Conventions.AllowAnonymousToPage("/DevSignIn");
        });
        return true;
    }

    /// <summary>The prefix of the console's cookie names: <c>__Host-</c>, except in Development (plain http on localhost).</summary>
    public static string CookiePrefix(bool development) => development ? "" : "__Host-";

    /// <summary>The console's answers: security headers on everything under <c>/console</c>.</summary>
    public static void UsePimConsoleHeaders(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<AuthOptions>();
        var provider = Uri.TryCreate(auth.Authority, UriKind.Absolute, out var authority) ? " " + authority.GetLeftPart(UriPartial.Authority) : "";
        // Forms post to the console, and its sign-in and sign-out redirect to the identity provider: form-action names both.
        var policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
                     $"form-action 'self'{provider}; frame-ancestors 'none'; base-uri 'none'";
        app.Use((http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(BasePath))
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                // As antiforgery writes it for every page with a form, so that it has nothing to override.
                headers.CacheControl = "no-cache, no-store";
                headers.Pragma = "no-cache";
            }
            return next(http);
        });
    }

    /// <summary>The console's pages and its two static files (embedded in Pim.Api: nothing to deploy beside it).</summary>
    public static void MapPimConsole(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapGet("/console/assets/{name}", (string name) =>
            Assets.TryGetValue(name, out var asset) ? Results.Bytes(asset.Content, asset.ContentType) : Results.NotFound())
            .AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>Signs the session out: at Pim always, and at the identity provider when it publishes an end-session endpoint.</summary>
    public static async Task<IResult> SignOutAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(CookieScheme);
        var idToken = session.Properties?.GetTokenValue(OpenIdConnectParameterNames.IdToken);
        await http.SignOutAsync(CookieScheme);
        var signIn = http.RequestServices.GetRequiredService<ConsoleSignIn>();
        if (!signIn.OpenIdConnect || idToken is null) return Results.Redirect("/console/signed-out");
        var oidc = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIdConnectOptions>>().Get(OidcScheme);
        var configuration = await oidc.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
        if (string.IsNullOrEmpty(configuration.EndSessionEndpoint)) return Results.Redirect("/console/signed-out");
        var properties = new AuthenticationProperties { RedirectUri = "/console/signed-out" };
        properties.Items[IdTokenHintItem] = idToken;
        return Results.SignOut(properties, [OidcScheme]);
    }

    private sealed record Asset(byte[] Content, string ContentType);

    private static readonly Dictionary<string, Asset> Assets = LoadAssets();

    private static Dictionary<string, Asset> LoadAssets()
    {
        var assembly = typeof(ConsoleSetup).Assembly;
        Asset Load(string name, string type)
        {
            using var stream = assembly.GetManifestResourceStream("Pim.Api.Console.Assets." + name)
                ?? throw new InvalidOperationException($"The console's asset '{name}' is not embedded in Pim.Api.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return new Asset(copy.ToArray(), type);
        }
        return new Dictionary<string, Asset>(StringComparer.Ordinal)
        {
            ["console.js"] = Load("console.js", "text/javascript; charset=utf-8"),
            ["console.css"] = Load("console.css", "text/css; charset=utf-8"),
        };
    }
}

/// <summary>How the console signs people in: OpenID Connect, the development sign-in page (Development only), or both.</summary>
public sealed record ConsoleSignIn(bool OpenIdConnect, bool Development);
