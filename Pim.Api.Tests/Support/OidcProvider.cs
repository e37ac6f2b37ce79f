using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pim.Api.Tests.Support;

/// <summary>
/// A real OpenID Provider for the console's browser tests: an OpenIddict server (authorization code + PKCE, an end-session
/// endpoint) on a loopback port, with one confidential client — the console — whose redirect URIs are Pim's. Its sign-in
/// page asks for a user name, a tenant and whether the second factor was given; the identity token carries <c>sub</c>,
/// <c>tid</c>, <c>amr</c> and <c>auth_time</c> as an organisation's provider would. It records what each authorization
/// request asked (<c>prompt</c>, <c>max_age</c>) and each sign-out, for the tests to check.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "pim-console";
    public const string ClientSecret = "console-test-secret";
    /// <summary>The command line's public client, which signs in with the device authorization grant (RFC 8628).</summary>
    public const string CliClientId = "pim-cli";
    /// <summary>The audience of the access tokens issued to the command line: Pim's (Pim:Auth:Audience).</summary>
    public const string Audience = "pim";
    public static readonly TimeSpan IdentityTokenLifetime = TimeSpan.FromMinutes(20);

    private readonly WebApplication _app;

    private OidcProvider(WebApplication app, Uri issuer)
    {
        _app = app;
        Issuer = issuer;
    }

    public Uri Issuer { get; }

    /// <summary>Pim's https origin, once it listens: the only place the client's redirect URIs may point.</summary>
    public Uri? ClientOrigin { get; set; }

    /// <summary>The clock the provider's sign-ins happen on (<c>auth_time</c>): Pim's, in the tests.</summary>
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>Each authorization request's <c>prompt</c> and <c>max_age</c>, in order.</summary>
    public ConcurrentQueue<(string? Prompt, string? MaxAge)> AuthorizationRequests { get; } = new();

    /// <summary>
    /// The device sign-ins under way, by device code: the user code shown for each, and, once the user approved it at
    /// the verification endpoint, who signed in. The provider runs without a database (OpenIddict's degraded mode), so
    /// it keeps them here: OpenIddict's codes are self-contained tokens, and the user code a person types is a short
    /// alias of its token.
    /// </summary>
    private readonly ConcurrentDictionary<string, DeviceSignIn> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _userCodes = new(StringComparer.Ordinal);

    private sealed class DeviceSignIn(string userCode)
    {
        public string UserCode { get; } = userCode;
        public ClaimsPrincipal? User { get; set; }
    }

    /// <summary>Each end-session request's <c>id_token_hint</c> (present or not).</summary>
    public ConcurrentQueue<bool> SignOuts { get; } = new();

    public static async Task<OidcProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        OidcProvider? self = null;
        builder.Services.AddAuthentication();
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token").SetEndSessionEndpointUris("connect/endsession")
                .SetDeviceAuthorizationEndpointUris("connect/device").SetEndUserVerificationEndpointUris("connect/verify");
            server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            server.AllowDeviceAuthorizationFlow();
            server.RegisterScopes(OpenIddictConstants.Scopes.OpenId, OpenIddictConstants.Scopes.Profile);
            server.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
            server.SetIdentityTokenLifetime(IdentityTokenLifetime);
            // Tokens are issued on the clock the tests give (Pim's fake clock), so that time moved on in Pim moves on here.
            server.Configure(options => options.TimeProvider = new Clock(() => self!.Now()));
            // No database: the client and its redirect URIs are checked here.
            server.EnableDegradedMode();
            server.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableEndSessionEndpointPassthrough()
                .EnableEndUserVerificationEndpointPassthrough().DisableTransportSecurityRequirement();
            server.AddEventHandler<OpenIddictServerEvents.ValidateDeviceAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != CliClientId) context.Reject(Errors.InvalidClient, "Unknown client.");
                return default;
            }));
            server.AddEventHandler<OpenIddictServerEvents.ValidateEndUserVerificationRequestContext>(handler => handler.UseInlineHandler(_ => default));
            // The user code a person types: a short alias of OpenIddict's self-contained user code token.
            server.AddEventHandler<OpenIddictServerEvents.GenerateTokenContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.TokenType is "urn:openiddict:params:oauth:token-type:user_code" or "user_code" && context.Token is { Length: > 0 } token)
                {
                    var code = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
                    self!._userCodes[code] = token;
                    context.Token = code;
                }
                return default;
            }).SetOrder(int.MaxValue - 100_000));
            server.AddEventHandler<OpenIddictServerEvents.ApplyDeviceAuthorizationResponseContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Response.DeviceCode is { } device && context.Response.UserCode is { } user) self!._devices[device] = new DeviceSignIn(user);
                return default;
            }));
            // A user code typed back is its token again; a device code is redeemable only once its user approved.
            server.AddEventHandler<OpenIddictServerEvents.ValidateTokenContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Token is { } token && self!._userCodes.TryGetValue(token, out var full)) context.Token = full;
                else if (context.Token is { } device && self!._devices.TryGetValue(device, out var signIn) && signIn.User is null)
                    context.Reject(Errors.AuthorizationPending, "The user has not approved this sign-in yet.");
                return default;
            }).SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order - 500));
            server.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.IsDeviceCodeGrantType() && self!._devices.TryRemove(context.Request.DeviceCode!, out var signIn)) context.SignIn(signIn.User!);
                return default;
            }).SetOrder(int.MinValue + 50_000));
            server.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId) context.Reject(Errors.InvalidClient, "Unknown client.");
                else if (context.RedirectUri != self!.Redirect("/console/signin-oidc")) context.Reject(Errors.InvalidRequest, "Unknown redirect_uri.");
                return default;
            }));
            server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.IsDeviceCodeGrantType() ? context.ClientId != CliClientId : context.ClientId != ClientId || context.ClientSecret != ClientSecret)
                    context.Reject(Errors.InvalidClient, "Client authentication failed.");
                return default;
            }));
            server.AddEventHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is { } uri && uri != self!.Redirect("/console/signout-callback-oidc"))
                    context.Reject(Errors.InvalidRequest, "Unknown post_logout_redirect_uri.");
                return default;
            }));
        });
        var app = builder.Build();
        app.UseAuthentication();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext http) => self!.Authorize(http));
        app.MapGet("/connect/endsession", (HttpContext http) => self!.EndSession(http));
        app.MapMethods("/connect/verify", [HttpMethods.Get, HttpMethods.Post], (HttpContext http) => self!.Verify(http));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new OidcProvider(app, new Uri(address.TrimEnd('/') + "/"));
        return self;
    }

    private string Redirect(string path) => ClientOrigin is null ? "" : new Uri(ClientOrigin, path).ToString();

    /// <summary>The sign-in page, and the sign-in it posts: a user, a tenant, and the second factor or not.</summary>
    private IResult Authorize(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var user = request["username"]?.ToString();
        if (string.IsNullOrEmpty(user))
        {
            AuthorizationRequests.Enqueue((request.Prompt, request.MaxAge?.ToString(CultureInfo.InvariantCulture)));
            return Results.Content(SignInPage(request), "text/html; charset=utf-8");
        }
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user);
        identity.SetClaim(Claims.Name, request["name"]?.ToString() is { Length: > 0 } name ? name : user);
        identity.SetClaim("tid", request["tenant"]?.ToString());
        identity.SetClaims("amr", request["mfa"]?.ToString() == "true" ? ["pwd", "mfa"] : ["pwd"]);
        identity.AddClaim(new Claim("auth_time", Now().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        identity.SetDestinations(_ => [Destinations.IdentityToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        return Results.SignIn(principal, null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The verification page of a device sign-in: the person enters the user code with who they are (as on the sign-in
    /// page: a user, a tenant, the second factor or not), and the device's next poll gets an access token for Pim.
    /// </summary>
    private IResult Verify(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var user = request["username"]?.ToString();
        var signIn = _devices.Values.FirstOrDefault(d => d.UserCode == request.UserCode);
        if (string.IsNullOrEmpty(user) || signIn is null) return Results.Content("Enter the code shown on your device.", "text/plain");
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user);
        identity.SetClaim("tid", request["tenant"]?.ToString());
        identity.SetClaims("amr", request["mfa"]?.ToString() == "true" ? ["pwd", "mfa"] : ["pwd"]);
        identity.AddClaim(new Claim("auth_time", Now().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetResources(Audience);
        principal.SetPresenters(CliClientId);
        signIn.User = principal;
        return Results.Content("Signed in: you may close this page.", "text/plain");
    }

    private IResult EndSession(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        SignOuts.Enqueue(!string.IsNullOrEmpty(request.IdTokenHint));
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static string SignInPage(OpenIddictRequest request)
    {
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Test identity provider</title></head><body><main>")
            .Append("<h1>Test identity provider</h1><form method=\"post\" action=\"/connect/authorize\">");
        foreach (var (name, value) in request.GetParameters())
            html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(name)}\" value=\"{WebUtility.HtmlEncode(value.ToString())}\">");
        html.Append("<label for=\"username\">User</label><input id=\"username\" name=\"username\">")
            .Append("<label for=\"tenant\">Tenant</label><input id=\"tenant\" name=\"tenant\">")
            .Append("<label for=\"name\">Display name</label><input id=\"name\" name=\"name\">")
            .Append("<input type=\"checkbox\" id=\"mfa\" name=\"mfa\" value=\"true\"><label for=\"mfa\">Second factor given</label>")
            .Append("<button type=\"submit\">Sign in</button></form></main></body></html>");
        return html.ToString();
    }

    private sealed class Clock(Func<DateTimeOffset> now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
