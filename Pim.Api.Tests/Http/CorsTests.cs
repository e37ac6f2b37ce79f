using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Pim.Api.Http;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

/// <summary>
/// Trust boundary: browsers. Only the origins named in Pim:Cors:AllowedOrigins may call Pim from a web page, never with
/// credentials; without the setting Pim sends no CORS header at all.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class CorsTests(SqliteApp app)
{
    private const string Portal = "https://portal.example.com";

    private WebApplicationFactory<Program> WithPortal() =>
        app.WithWebHostBuilder(b => b.UseSetting("Pim:Cors:AllowedOrigins:0", Portal));

    private static HttpRequestMessage From(string origin, HttpMethod method, string path, HttpClient identity)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = identity.DefaultRequestHeaders.Authorization;
        request.Headers.Add("Origin", origin);
        return request;
    }

    [Fact]
    public async Task An_allowed_origin_is_answered_with_its_own_origin_and_the_headers_it_may_read()
    {
        await using var pim = WithPortal();
        var s = await Scenario.OnboardAsync(app);
        using var response = await pim.CreateClient().SendAsync(From(Portal, HttpMethod.Get, s.Path("/me/roles"), s.Carol));
        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Portal, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").Single();
        foreach (var header in new[] { "ETag", "Location", "Retry-After", "RateLimit", "Idempotent-Replayed", "Pim-Next-Page-Token" })
            Assert.Contains(header, exposed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Another_origin_gets_no_CORS_header_and_its_preflight_is_not_approved()
    {
        await using var pim = WithPortal();
        var s = await Scenario.OnboardAsync(app);
        var client = pim.CreateClient();
        foreach (var origin in new[] { "https://evil.example.com", "https://portal.example.com.evil.example", "http://portal.example.com", "null" })
        {
            using var response = await client.SendAsync(From(origin, HttpMethod.Get, s.Path("/me/roles"), s.Carol));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), origin);

            using var preflight = From(origin, HttpMethod.Options, s.Path("/activation-requests"), s.Carol);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            using var answer = await client.SendAsync(preflight);
            Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"), origin);
            Assert.False(answer.Headers.Contains("Access-Control-Allow-Methods"), origin);
        }
    }

    [Fact]
    public async Task The_allowed_origins_preflight_names_the_methods_and_headers_a_client_sends()
    {
        await using var pim = WithPortal();
        var s = await Scenario.OnboardAsync(app);
        using var preflight = From(Portal, HttpMethod.Options, s.Path("/activation-requests"), s.Carol);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, idempotency-key");
        using var answer = await pim.CreateClient().SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(Portal, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains("idempotency-key", answer.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_the_setting_no_origin_is_answered_and_a_wildcard_is_refused_at_startup()
    {
        var s = await Scenario.OnboardAsync(app);
        using var response = await app.CreateClient().SendAsync(From(Portal, HttpMethod.Get, s.Path("/me/roles"), s.Carol));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));

        foreach (var origin in new[] { "*", "https://portal.example.com/", "https://portal.example.com/admin", "portal.example.com" })
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Pim:Cors:AllowedOrigins:0", origin)]).Build();
            var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddPimCors(configuration));
            Assert.Contains("Pim:Cors:AllowedOrigins", error.Message);
        }
    }
}
