using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Pim.Api.Tests.Support;

/// <summary>
/// An organisation's identity provider on loopback, for Pim processes run as in production (development issuer off):
/// OpenID Connect metadata and a key set that Pim's JwtBearer reads from <see cref="Issuer"/>, and tokens signed with a
/// key minted here. Plain http on loopback, so Pim is told it may read metadata without TLS (<see cref="Settings"/>).
/// </summary>
public sealed class LocalIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "drill-" + Guid.NewGuid().ToString("N")[..8] };

    private LocalIdentityProvider(WebApplication app) => _app = app;

    public string Issuer { get; private set; } = "";

    /// <summary>The configuration a Pim process needs to believe this identity provider's tokens.</summary>
    public (string Name, string Value)[] Settings =>
    [
        ("Pim__Auth__DevIssuer__Enabled", "false"), ("Pim__Auth__Authority", Issuer), ("Pim__Auth__Audience", "pim"),
        ("Pim__Auth__RequireHttpsMetadata", "false"),
    ];

    public static async Task<LocalIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var idp = new LocalIdentityProvider(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = idp.Issuer, ["jwks_uri"] = idp.Issuer + "jwks", ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var rsa = idp._key.Rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new Dictionary<string, object>
            {
                ["keys"] = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = idp._key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(rsa.Modulus), ["e"] = Base64UrlEncoder.Encode(rsa.Exponent),
                    },
                },
            });
        });
        await app.StartAsync();
        idp.Issuer = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
        return idp;
    }

    /// <summary>A token for <paramref name="subject"/> (tenant null: a service token), valid for an hour.</summary>
    public string Issue(string subject, string? tenantId, bool mfa = true, params string[] scopes)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["amr"] = mfa ? new[] { "pwd", "mfa" } : new[] { "pwd" } };
        if (tenantId is not null) claims["tid"] = tenantId;
        if (scopes.Length > 0) claims["scp"] = string.Join(' ', scopes);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = "pim", Claims = claims,
            IssuedAt = now, NotBefore = now, Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
