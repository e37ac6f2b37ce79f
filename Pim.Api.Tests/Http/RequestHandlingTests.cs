using System.Net;
using System.Text;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class RequestHandlingTests_Sqlite(SqliteApp app) : RequestHandlingTests(app);

[Collection(PostgresCollection.Name)]
public sealed class RequestHandlingTests_Postgres(PostgresApp app) : RequestHandlingTests(app);

/// <summary>What every request goes through: authentication, tenant isolation, malformed input.</summary>
public abstract class RequestHandlingTests(PimApp app)
{
    [Fact]
    public async Task Unauthenticated_calls_answer_401_problem()
    {
        var s = await Scenario.OnboardAsync(app);
        using var response = await s.App.Anonymous().GetAsync(s.Path("/consent"));
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);

        var forged = s.App.Anonymous();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", UnsignedToken("alice", s.Id));
        await forged.GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Bare_error_statuses_answer_as_problems()
    {
        // Answered by the framework without a body (no endpoint matched, or none for the method): Pim writes the problem.
        var s = await Scenario.OnboardAsync(app);
        var unknown = await s.Alice.GetAsync("/v1/no-such-path").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal("/v1/no-such-path", unknown.Str("instance"));
        Assert.False(string.IsNullOrEmpty(unknown.Str("traceId")));
        await s.Alice.DeleteAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }

    [Theory]
    [InlineData(null, "{\"principalId\":\"bob\",\"roleId\":\"exchange-administrator\"}", 415, "unsupported-media-type", null)]
    [InlineData("text/plain", "{\"principalId\":\"bob\",\"roleId\":\"exchange-administrator\"}", 415, "unsupported-media-type", null)]
    [InlineData("application/json", "", 400, "malformed-request", null)]
    [InlineData("application/json", "null", 400, "malformed-request", null)]
    [InlineData("application/json", "{\"principalId\":\"bob\",\"roleId\":\"exchange-administrator\"} {}", 400, "malformed-request", null)]
    [InlineData("application/json", "{\"principalId\":5,\"roleId\":\"exchange-administrator\"}", 400, "malformed-request", "principalId")]
    [InlineData("application/json", "{\"principalId\":\"bob\",\"roleId\":\"exchange-administrator\",\"extra\":1}", 400, "malformed-request", null)]
    [InlineData("application/json", "{\"roleId\":\"exchange-administrator\"}", 400, "malformed-request", null)]
    [InlineData("application/json", "{\"principalId\":\"b o b\",\"roleId\":\"exchange-administrator\"}", 400, "validation-failed", "principalId")]
    [InlineData("application/json", "{\"principalId\":\"bob\",\"roleId\":\"exchange-administrator\",\"scope\":\"nowhere\"}", 400, "validation-failed", "scope")]
    public async Task The_single_evaluation_refuses_a_body_as_every_endpoint_does(string? mediaType, string body, int status, string code, string? field)
    {
        // It reads its own body (issue 27): every refusal is the one minimal APIs' binding and the wire bounds give elsewhere.
        var s = await Scenario.OnboardAsync(app);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (mediaType is not null) content.Headers.ContentType = new(mediaType);
        var problem = await s.App.Evaluator().PostAsync(s.Path("/access/evaluation"), content).ExpectProblemAsync((HttpStatusCode)status, code);
        if (field is not null) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        // The same body, well formed, is answered.
        await s.App.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" })
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Expired_tokens_are_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        var alice = s.Alice;
        await alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        s.App.Time.Advance(TimeSpan.FromHours(2));
        await alice.GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Another_tenants_data_answers_not_found()
    {
        var ours = await Scenario.OnboardAsync(app);
        var theirs = await Scenario.OnboardAsync(app);
        var intruder = ours.Alice; // a Global Administrator, but of the other tenant
        await intruder.GetAsync(theirs.Path("/principals/bob")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await intruder.GetAsync(theirs.Path("/role-assignments")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await intruder.GetAsync(theirs.Path($"/role-assignments/{ours.BobExchangeAssignment}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await intruder.PostJsonAsync(theirs.Path("/consent")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await intruder.GetAsync(theirs.Path("/audit-events")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await ours.Alice.GetAsync($"/v1/tenants/t-does-not-exist/consent").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Malformed_and_unknown_json_answers_400()
    {
        var s = await Scenario.OnboardAsync(app);
        var op = s.Operator;
        using var broken = await op.PutAsync(s.Path(), new StringContent("{\"displayName\": ", Encoding.UTF8, "application/json"));
        await broken.ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await op.PutJsonAsync(s.Path(), new { displayName = "X", extra = true }).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await op.PutJsonAsync(s.Path(), new { }).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await op.PutJsonAsync(s.Path(), new { displayName = new string('x', 300) }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await op.PutJsonAsync(s.Path("/principals/bob"), new { kind = "robot", displayName = "Bob" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        // A value that cannot be read names its field, in the body or in the query.
        var unreadable = await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "carol", roleId = "user-administrator", type = "eligible", endsAt = "soon" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        Assert.True(unreadable.GetProperty("errors").TryGetProperty("endsAt", out _), unreadable.ToString());
        unreadable = await s.Alice.GetAsync(s.Path("/audit-events?from=yesterday")).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        Assert.True(unreadable.GetProperty("errors").TryGetProperty("from", out _), unreadable.ToString());
        using var wrongType = await op.PutAsync(s.Path(), new StringContent("displayName=x", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        // Another +json type is not JSON to the native API (SCIM's media type is SCIM's).
        foreach (var json in new[] { "application/scim+json", "application/ld+json" })
            await (await op.PutAsync(s.Path(), new StringContent("{\"displayName\":\"X\"}", Encoding.UTF8, json)))
                .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        await op.GetAsync("/v1/tenants/bad%20id/consent").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    private static string UnsignedToken(string subject, string tenant)
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
               B64($"{{\"sub\":\"{subject}\",\"tid\":\"{tenant}\",\"iss\":\"pim-dev-issuer\",\"aud\":\"pim\",\"exp\":{exp}}}") + ".";
    }
}
