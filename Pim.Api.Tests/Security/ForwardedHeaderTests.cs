using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

/// <summary>
/// Trust boundary: the client address comes from the connection; X-Forwarded-For is read only when the connection comes
/// from a configured proxy, and development-only endpoints check the connection itself.
/// </summary>
[Collection(SqliteCollection.Second)]
public sealed class ForwardedHeaderTests(SqliteApp app)
{
    private static HttpRequestMessage DevToken(string? remote, string forwarded)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/dev/token") { Content = JsonContent.Create(new { subject = "alice", tenantId = "contoso" }) };
        if (remote is not null) request.Headers.Add(PimApp.RemoteIpHeader, remote);
        request.Headers.Add("X-Forwarded-For", forwarded);
        return request;
    }

    /// <summary>The same Pim with no trusted proxy configured (the default of a deployment).</summary>
    private WebApplicationFactory<Program> WithoutProxies() =>
        app.WithWebHostBuilder(b => b.UseSetting("Pim:Network:TrustedProxies:0", ""));

    [Fact]
    public async Task Without_a_trusted_proxy_X_Forwarded_For_changes_nothing()
    {
        await using var pim = WithoutProxies();
        var client = pim.CreateClient();
        // A loopback caller does not become remote …
        await (await client.SendAsync(DevToken(null, "10.1.2.3"))).ExpectAsync(HttpStatusCode.OK);
        // … and a remote caller does not become loopback.
        await (await client.SendAsync(DevToken("192.0.2.10", "127.0.0.1"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");

        // Nobody forges the audit's client address.
        var s = await Scenario.OnboardAsync(app);
        var request = new HttpRequestMessage(HttpMethod.Put, s.Path("/principals/dave")) { Content = JsonContent.Create(new { kind = "user", displayName = "Dave" }) };
        request.Headers.Authorization = s.Operator.DefaultRequestHeaders.Authorization;
        request.Headers.Add(PimApp.RemoteIpHeader, "198.51.100.7");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        await (await client.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("198.51.100.7", (await s.AuditAsync("action=principal.upserted")).EnumerateArray().Last().Str("clientIp"));
    }

    [Fact]
    public async Task Development_endpoints_judge_the_connection_even_behind_a_trusted_proxy()
    {
        // The trusted proxy forwards a loopback address: the audit may believe it, the token endpoint does not.
        await (await app.CreateClient().SendAsync(DevToken(PimApp.TrustedProxy, "127.0.0.1"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await app.CreateClient().SendAsync(DevToken(null, "203.0.113.9"))).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_proxy_outside_the_configured_networks_is_not_believed()
    {
        await using var pim = app.WithWebHostBuilder(b => b.UseSetting("Pim:Network:TrustedProxies:0", "10.20.0.0/16"));
        var s = await Scenario.OnboardAsync(app);
        async Task<string> ClientIpVia(string remote, HttpStatusCode expected)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, s.Path("/principals/dave")) { Content = JsonContent.Create(new { kind = "user", displayName = "Dave" }) };
            request.Headers.Authorization = s.Operator.DefaultRequestHeaders.Authorization;
            request.Headers.Add(PimApp.RemoteIpHeader, remote);
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            await (await pim.CreateClient().SendAsync(request)).ExpectAsync(expected);
            return (await s.AuditAsync("action=principal.upserted")).EnumerateArray().Last().Str("clientIp");
        }
        Assert.Equal("203.0.113.9", await ClientIpVia("10.20.99.1", HttpStatusCode.Created));
        Assert.Equal("10.21.0.1", await ClientIpVia("10.21.0.1", HttpStatusCode.OK));
    }
}
