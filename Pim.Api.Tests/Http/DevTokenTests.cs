using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class DevTokenTests(SqliteApp app)
{
    [Fact]
    public async Task The_development_issuer_answers_loopback_callers_only()
    {
        var local = await app.Anonymous().PostJsonAsync("/dev/token", new { subject = "alice", tenantId = "contoso", mfa = true })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("Bearer", 3600), (local.Str("tokenType"), local.GetProperty("expiresIn").GetInt32()));
        Assert.Equal(3, local.Str("accessToken").Split('.').Length);

        var remote = new HttpRequestMessage(HttpMethod.Post, "/dev/token") { Content = System.Net.Http.Json.JsonContent.Create(new { subject = "alice" }) };
        remote.Headers.Add(PimApp.RemoteIpHeader, "192.0.2.10");
        await (await app.Anonymous().SendAsync(remote)).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await app.Anonymous().PostJsonAsync("/dev/token", new { subject = "" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }
}
