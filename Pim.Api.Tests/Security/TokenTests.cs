using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pim.Api.Http;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

/// <summary>
/// Trust boundary: a signed token is believed only as far as it is plausible — never longer-lived than
/// Pim:Auth:MaxTokenLifetime, never with a sign-in in the future (which would satisfy every MFA freshness rule) — and,
/// remembered, only while the key that signed it is still one the identity provider publishes.
/// </summary>
[Collection(SqliteCollection.Second)]
public sealed class TokenTests(SqliteApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    /// <summary>A token signed with the development issuer's own key, with the claims an attacker would choose.</summary>
    private HttpClient Signed(string subject, string tenantId, TimeSpan lifetime, DateTimeOffset authTime, DateTimeOffset? issuedAt = null)
    {
        var key = app.Services.GetRequiredService<DevTokenIssuer>().Key;
        var issued = issuedAt ?? Now;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DevTokenIssuer.Issuer, Audience = "pim",
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject, ["tid"] = tenantId, ["amr"] = new[] { "pwd", "mfa" }, ["auth_time"] = authTime.ToUnixTimeSeconds(),
            },
            IssuedAt = issued.UtcDateTime, NotBefore = issued.UtcDateTime, Expires = (issued + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_sign_in_in_the_future_does_not_make_MFA_fresh_forever()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(mfaMaxAge: "PT10M"));
        await s.MakeBobEligibleAsync();
        using var response = await s.ActivateAsync(Signed("bob", s.Id, TimeSpan.FromHours(1), Now.AddYears(1)));
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());

        // Within the clock skew, and in the past, a sign-in is what it says.
        await s.ActivateAsync(Signed("bob", s.Id, TimeSpan.FromHours(1), Now.AddSeconds(20))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_token_valid_for_ten_years_is_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        await Signed("alice", s.Id, TimeSpan.FromDays(3650), Now).GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        // Issued long ago and expiring tomorrow: its lifetime is still ten years.
        await Signed("alice", s.Id, TimeSpan.FromDays(3650), Now.AddDays(-3649), Now.AddDays(-3649)).GetAsync(s.Path("/consent"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        await Signed("alice", s.Id, TimeSpan.FromHours(24), Now).GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_development_issuer_mints_no_sign_in_in_the_future() =>
        await app.Anonymous().PostJsonAsync("/dev/token", new { subject = "bob", tenantId = "contoso", mfa = true, authTime = Now.AddYears(1) })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

    // Validated tokens are remembered (ValidatedTokens): the shortcut must not outlive the token, nor stand for another one.

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires_on_Pims_clock()
    {
        var s = await Scenario.OnboardAsync(app);
        var alice = Signed("alice", s.Id, TimeSpan.FromMinutes(10), Now.AddMinutes(-1));
        await alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(app.Services.GetRequiredService<ValidatedTokens>().Find(alice.DefaultRequestHeaders.Authorization!.Parameter!));
        app.Time.Advance(TimeSpan.FromMinutes(10) + AuthSetup.ClockSkew - TimeSpan.FromSeconds(1));
        await alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromSeconds(2));
        await alice.GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_token_differing_from_a_remembered_one_is_validated_in_full()
    {
        var s = await Scenario.OnboardAsync(app);
        var alice = Signed("alice", s.Id, TimeSpan.FromMinutes(10), Now);
        await alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        var token = alice.DefaultRequestHeaders.Authorization!.Parameter!;
        var parts = token.Split('.');
        // Same signature, another payload (Bob's subject); same payload, a signature one character off; trailing junk.
        var payload = System.Text.Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"alice\"", "\"bob\"");
        foreach (var forged in new[]
                 {
                     $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}",
                     $"{parts[0]}.{parts[1]}.{parts[2][..^2]}{(parts[2][^2] == 'A' ? 'B' : 'A')}{parts[2][^1]}",
                     token + "x",
                 })
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
            await client.GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        }
        await alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>
    /// An organisation's identity provider as Pim's JwtBearer reads it (through its backchannel): OpenID Connect metadata and
    /// a key set, whose keys the test rotates. It signs tokens with any of its keys, published or not.
    /// </summary>
    private sealed class IdentityProvider : HttpMessageHandler
    {
        public const string Issuer = "https://idp.contoso.example/";

        private volatile RsaSecurityKey[] _published = [];

        public static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = id };

        public void Publish(params RsaSecurityKey[] keys) => _published = keys;

        /// <summary>False: every metadata request fails as a connection to a host that is down does.</summary>
        public volatile bool Reachable = true;

        public string Issue(RsaSecurityKey key, string subject, string tenantId, DateTimeOffset now) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = "pim",
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["tid"] = tenantId, ["amr"] = new[] { "pwd", "mfa" } },
            IssuedAt = now.UtcDateTime, NotBefore = now.UtcDateTime, Expires = now.AddHours(1).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!Reachable) throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (idp.contoso.example:443)");
            object? document = request.RequestUri!.AbsolutePath switch
            {
                "/.well-known/openid-configuration" => new Dictionary<string, object> { ["issuer"] = Issuer, ["jwks_uri"] = Issuer + "jwks" },
                "/jwks" => new Dictionary<string, object>
                {
                    ["keys"] = _published.Select(key =>
                    {
                        var rsa = key.Rsa.ExportParameters(includePrivateParameters: false);
                        return new Dictionary<string, string>
                        {
                            ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = key.KeyId,
                            ["n"] = Base64UrlEncoder.Encode(rsa.Modulus), ["e"] = Base64UrlEncoder.Encode(rsa.Exponent),
                        };
                    }).ToList(),
                },
                _ => null,
            };
            return Task.FromResult(document is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(document), System.Text.Encoding.UTF8, "application/json") });
        }
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_its_signing_key_leaves_the_identity_providers_key_set()
    {
        var idp = new IdentityProvider();
        var retired = IdentityProvider.NewKey("2024-key");
        var current = IdentityProvider.NewKey("2025-key");
        idp.Publish(retired);
        await using var pim = app.WithWebHostBuilder(b =>
        {
            b.UseSetting("Pim:Auth:DevIssuer:Enabled", "false");
            b.UseSetting("Pim:Auth:Authority", IdentityProvider.Issuer);
            b.ConfigureServices(services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt => jwt.BackchannelHttpHandler = idp));
        });
        var s = await Scenario.OnboardAsync(app);
        HttpClient Bearing(string token)
        {
            var client = pim.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }
        var alice = Bearing(idp.Issue(retired, "alice", s.Id, Now));
        await alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(pim.Services.GetRequiredService<ValidatedTokens>().Find(alice.DefaultRequestHeaders.Authorization!.Parameter!));

        // The identity provider rotates its key (the old one compromised, say): Pim reads the new key set when a token
        // signed by the new key first arrives, as JwtBearer does (a key it does not know makes it refresh the metadata).
        idp.Publish(current);
        var aliceAgain = Bearing(idp.Issue(current, "alice", s.Id, Now));
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            using var answer = await aliceAgain.GetAsync(s.Path("/consent"));
            return answer.StatusCode == HttpStatusCode.OK;
        }), "Pim never read the identity provider's new key set");

        // The token the retired key signed, remembered and unexpired, is refused now, as a token it never saw would be.
        using var refused = await alice.GetAsync(s.Path("/consent"));
        await refused.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString());
        await Bearing(idp.Issue(retired, "alice", s.Id, Now)).GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task An_identity_provider_that_does_not_answer_makes_Pim_answer_503_not_a_refusal_of_the_caller()
    {
        var idp = new IdentityProvider();
        var key = IdentityProvider.NewKey("2025-key");
        idp.Publish(key);
        idp.Reachable = false;
        await using var pim = app.WithWebHostBuilder(b =>
        {
            b.UseSetting("Pim:Auth:DevIssuer:Enabled", "false");
            b.UseSetting("Pim:Auth:Authority", IdentityProvider.Issuer);
            b.ConfigureServices(services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt => jwt.BackchannelHttpHandler = idp));
        });
        var s = await Scenario.OnboardAsync(app);
        var alice = pim.CreateClient();
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", idp.Issue(key, "alice", s.Id, Now));

        // Pim cannot tell whether the token is good: it says so, and when to come back — a client that reads 401 would
        // send its user to sign in again, which cannot help.
        using var unavailable = await alice.GetAsync(s.Path("/consent"));
        await unavailable.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "identity-provider-unavailable");
        Assert.NotNull(unavailable.Headers.RetryAfter);
        Assert.Empty(unavailable.Headers.WwwAuthenticate);

        // A request without a token is still refused as one: nothing to check, nothing to wait for.
        await pim.CreateClient().GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");

        // The provider answers again: the same token is accepted (Pim does not hold the failure against it).
        idp.Reachable = true;
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            using var answer = await alice.GetAsync(s.Path("/consent"));
            return answer.StatusCode == HttpStatusCode.OK;
        }), "Pim never read the identity provider's metadata once it answered again");
    }

    [Fact]
    public async Task The_remembered_tokens_are_bounded_and_a_forgotten_one_is_validated_again()
    {
        await using var small = app.WithWebHostBuilder(b => b.UseSetting("Pim:Auth:TokenCacheSize", "3"));
        var s = await Scenario.OnboardAsync(app);
        var tokens = Enumerable.Range(0, 10)
            .Select(i => Signed("alice", s.Id, TimeSpan.FromMinutes(10 + i), Now).DefaultRequestHeaders.Authorization!.Parameter!).ToList();
        foreach (var token in tokens.Concat(tokens))
        {
            var client = small.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await client.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
            Assert.InRange(small.Services.GetRequiredService<ValidatedTokens>().Count, 1, 3);
        }
    }
}
