using System.Net;
using System.Text;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Access;

[Collection(SqliteCollection.Name)]
public sealed class AuthZenTests_Sqlite(SqliteApp app) : AuthZenTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AuthZenTests_Postgres(PostgresApp app) : AuthZenTests(app);

/// <summary>
/// The OpenID AuthZEN Authorization API 1.0 (final, 2026-01-11) at <c>/access/v1/…</c>: the specification's own example
/// requests, Pim's vocabulary (action <c>hold</c>, resource type <c>role</c>, subject type a principal kind), the reasons
/// of a deny, the tenant rule, the batch (defaults, overrides, semantics, bounds) and the metadata.
/// </summary>
public abstract partial class AuthZenTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    /// <summary>A service of the scenario's tenant with the evaluate scope: its tenant is its token's.</summary>
    private HttpClient Gateway(Scenario s) => app.Client("gateway", s.Id, false, "pim.evaluate");

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json, string? requestId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (requestId is not null) request.Headers.Add("X-Request-ID", requestId);
        return await client.SendAsync(request);
    }

    private static Task<JsonElement> DecideAsync(HttpClient client, string json) =>
        PostAsync(client, "/access/v1/evaluation", json).ExpectAsync(HttpStatusCode.OK);

    private static Task<JsonElement> DecideAllAsync(HttpClient client, string json) =>
        PostAsync(client, "/access/v1/evaluations", json).ExpectAsync(HttpStatusCode.OK);

    private static string Hold(string principal, string role, string type = "user", string? tenant = null, string? scope = null) => JsonSerializer.Serialize(new
    {
        subject = tenant is null ? (object)new { type, id = principal } : new { type, id = principal, properties = new { tenantId = tenant } },
        action = new { name = "hold" },
        resource = scope is null ? (object)new { type = "role", id = role } : new { type = "role", id = role, properties = new { scope } },
    });

    private static string? Reason(JsonElement decision) =>
        decision.TryGetProperty("context", out var context) && context.TryGetProperty("reason", out var reason) ? reason.GetString() : null;

    private static bool[] Decisions(JsonElement answer) =>
        answer.GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("decision").GetBoolean()).ToArray();

    // ---------------------------------------------------------------- decisions and their reasons

    [Fact]
    public async Task An_allow_says_until_when_and_a_deny_says_why()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave", accountEnabled = false })
            .ExpectAsync(HttpStatusCode.Created);
        var gateway = Gateway(s);
        await s.MakeBobEligibleAsync();
        Assert.Equal("eligible-not-active", Reason(await DecideAsync(gateway, Hold("bob", "exchange-administrator"))));

        var activation = await s.ActivateAsync(s.Bob, duration: "PT30M").ExpectAsync(HttpStatusCode.Created);
        var allowed = await DecideAsync(gateway, Hold("bob", "exchange-administrator"));
        Assert.True(allowed.GetProperty("decision").GetBoolean());
        Assert.Equal(activation.GetProperty("endsAt").GetDateTimeOffset(), allowed.GetProperty("context").GetProperty("validUntil").GetDateTimeOffset());
        Assert.Equal(Now.AddMinutes(30), allowed.GetProperty("context").GetProperty("validUntil").GetDateTimeOffset());
        Assert.False(allowed.GetProperty("context").TryGetProperty("reason", out _));

        app.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal("expired", Reason(await DecideAsync(gateway, Hold("bob", "exchange-administrator"))));
        Assert.Equal("not-eligible", Reason(await DecideAsync(gateway, Hold("carol", "exchange-administrator"))));
        Assert.Equal("unknown-principal", Reason(await DecideAsync(gateway, Hold("zed", "exchange-administrator"))));
        Assert.Equal("principal-disabled", Reason(await DecideAsync(gateway, Hold("dave", "exchange-administrator"))));
        Assert.Equal("unknown-role", Reason(await DecideAsync(gateway, Hold("alice", "no-such-role"))));
        var denied = await DecideAsync(gateway, Hold("carol", "exchange-administrator"));
        Assert.False(denied.GetProperty("decision").GetBoolean());
        Assert.False(denied.GetProperty("context").TryGetProperty("validUntil", out _));
    }

    [Fact]
    public async Task The_subject_type_is_the_principal_kind()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/backup-job"), new { kind = "servicePrincipal", displayName = "Backup" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Operator, "backup-job", "exchange-administrator", "active", HttpStatusCode.Created);
        var gateway = Gateway(s);

        Assert.True((await DecideAsync(gateway, Hold("backup-job", "exchange-administrator", type: "servicePrincipal"))).GetProperty("decision").GetBoolean());
        // Of another kind than asked, it is not the principal asked about.
        Assert.Equal("unknown-principal", Reason(await DecideAsync(gateway, Hold("backup-job", "exchange-administrator", type: "user"))));
        Assert.Equal("unknown-principal", Reason(await DecideAsync(gateway, Hold("bob", "exchange-administrator", type: "servicePrincipal"))));
        Assert.Equal("unknown-principal", Reason(await DecideAsync(gateway, Hold("bob", "exchange-administrator", type: "employee"))));
    }

    [Fact]
    public async Task Only_holding_a_role_is_answered_and_the_scope_is_the_resources()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/management-groups/corp"), new { displayName = "Corp" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/prod"), new { displayName = "Production", managementGroupId = "corp" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "carol", roleId = "reader", scope = "/managementGroups/corp", type = "active" })
            .ExpectAsync(HttpStatusCode.Created);
        var gateway = Gateway(s);

        // Held at the management group, so at the subscription below it; not at the root (the default scope).
        Assert.True((await DecideAsync(gateway, Hold("carol", "reader", scope: "/subscriptions/prod"))).GetProperty("decision").GetBoolean());
        Assert.Equal("not-eligible", Reason(await DecideAsync(gateway, Hold("carol", "reader"))));
        Assert.Equal("unsupported-resource-type", Reason(await DecideAsync(gateway,
            """{"subject":{"type":"user","id":"carol"},"action":{"name":"hold"},"resource":{"type":"subscription","id":"prod"}}""")));
        Assert.Equal("unsupported-action", Reason(await DecideAsync(gateway,
            """{"subject":{"type":"user","id":"carol"},"action":{"name":"activate"},"resource":{"type":"role","id":"reader"}}""")));
        await PostAsync(gateway, "/access/v1/evaluation", Hold("carol", "reader", scope: "/subscriptions/gone"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await PostAsync(gateway, "/access/v1/evaluation", Hold("carol", "reader", scope: "subscriptions"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Unknown_members_are_read_past_and_missing_ones_are_a_bad_request()
    {
        var s = await Scenario.OnboardAsync(app);
        var answer = await DecideAsync(Gateway(s), """
            {"subject":{"type":"user","id":"bob","properties":{"department":"Sales","ip_address":"172.217.22.14","device_id":"8:65:ee:17:7e:0b"}},
             "action":{"name":"hold","properties":{"period":"2W"}},
             "resource":{"type":"role","id":"exchange-administrator","properties":{"library_record":{"title":"AuthZEN in Action","isbn":"978-0593383322"}}},
             "context":{"time":"1985-10-26T01:22-07:00","schema":"https://schema.example.com/access-request.schema.json"},
             "extension":[1,2,3]}
            """);
        Assert.True(answer.GetProperty("decision").GetBoolean());

        await PostAsync(Gateway(s), "/access/v1/evaluation", """{"subject":{"type":"user","id":"bob"},"action":{"name":"hold"}}""")
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await PostAsync(Gateway(s), "/access/v1/evaluation", """{"subject":{"id":"bob"},"action":{"name":"hold"},"resource":{"type":"role","id":"reader"}}""")
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        var missing = await PostAsync(Gateway(s), "/access/v1/evaluations", """{"subject":{"type":"user","id":"bob"},"action":{"name":"hold"}}""")
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["resource"], missing.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    // ---------------------------------------------------------------- the tenant and who may ask

    [Fact]
    public async Task A_tenants_token_asks_in_its_own_tenant_and_is_a_stranger_to_the_others()
    {
        var ta = await Scenario.OnboardAsync(app);
        var tb = await Scenario.OnboardAsync(app);
        var gateway = Gateway(ta);

        Assert.True((await DecideAsync(gateway, Hold("alice", "global-administrator"))).GetProperty("decision").GetBoolean());
        Assert.True((await DecideAsync(gateway, Hold("alice", "global-administrator", tenant: ta.Id))).GetProperty("decision").GetBoolean());
        // Its evaluate scope counts for nothing in tenant B, which does not exist for it (as on B's own path).
        await PostAsync(gateway, "/access/v1/evaluation", Hold("alice", "global-administrator", tenant: tb.Id)).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await PostAsync(gateway, "/access/v1/evaluations", $$$"""{"subject":{"type":"user","id":"alice","properties":{"tenantId":"{{{tb.Id}}}"}},"action":{"name":"hold"},"evaluations":[{"resource":{"type":"role","id":"global-administrator"}}]}""")
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await PostAsync(ta.Alice, "/access/v1/evaluation", Hold("alice", "global-administrator", tenant: tb.Id)).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_platform_identity_names_the_tenant()
    {
        var s = await Scenario.OnboardAsync(app);
        var platform = app.Evaluator(); // a token without a tenant, named in Pim:Auth:PlatformIdentities
        var problem = await PostAsync(platform, "/access/v1/evaluation", Hold("bob", "exchange-administrator")).ExpectProblemAsync(HttpStatusCode.BadRequest, "tenant-required");
        Assert.True(problem.GetProperty("errors").TryGetProperty("subject.properties.tenantId", out _));
        Assert.True((await DecideAsync(platform, Hold("bob", "exchange-administrator", tenant: s.Id))).GetProperty("decision").GetBoolean());

        await PostAsync(platform, "/access/v1/evaluations", """{"action":{"name":"hold"},"resource":{"type":"role","id":"exchange-administrator"},"evaluations":[{"subject":{"type":"user","id":"bob"}}]}""")
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "tenant-required");
        // A tenant-less token the deployment does not name acts as nobody anywhere.
        await PostAsync(app.Client("stray-service", null, false, "pim.evaluate"), "/access/v1/evaluation", Hold("bob", "exchange-administrator", tenant: s.Id))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        // A platform identity without the evaluate (or operator) scope may not ask either.
        await PostAsync(app.Client("exchange-gateway", null, false), "/access/v1/evaluation", Hold("bob", "exchange-administrator", tenant: s.Id))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_platform_identity_may_ask_about_several_tenants_in_one_batch()
    {
        var ta = await Scenario.OnboardAsync(app);
        var tb = await Scenario.OnboardAsync(app, consent: false);
        var answer = await DecideAllAsync(app.Evaluator(), $$"""
            {"action":{"name":"hold"},"resource":{"type":"role","id":"exchange-administrator"},
             "evaluations":[{"subject":{"type":"user","id":"bob","properties":{"tenantId":"{{ta.Id}}"} } },
                            {"subject":{"type":"user","id":"carol","properties":{"tenantId":"{{tb.Id}}"} } },
                            {"subject":{"type":"user","id":"bob","properties":{"tenantId":"t-nowhere"} } }]}
            """);
        Assert.Equal([true, false, false], Decisions(answer));
        // The tenant that does not exist is that item's own error; the others are answered.
        var error = answer.GetProperty("evaluations")[2].GetProperty("context").GetProperty("error");
        Assert.Equal((404, "not-found"), (error.GetProperty("status").GetInt32(), error.Str("code")));
        Assert.Contains("t-nowhere", error.Str("message"));
    }

    [Fact]
    public async Task A_principal_may_ask_about_itself_but_not_about_others()
    {
        var s = await Scenario.OnboardAsync(app);
        Assert.True((await DecideAsync(s.Bob, Hold("bob", "exchange-administrator"))).GetProperty("decision").GetBoolean());
        await PostAsync(s.Bob, "/access/v1/evaluation", Hold("carol", "exchange-administrator")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        // In a batch, one question it may not ask refuses the batch, as it alone would be refused.
        await PostAsync(s.Bob, "/access/v1/evaluations", """
            {"action":{"name":"hold"},"resource":{"type":"role","id":"exchange-administrator"},
             "evaluations":[{"subject":{"type":"user","id":"bob"}},{"subject":{"type":"user","id":"carol"}}]}
            """).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await PostAsync(app.Anonymous(), "/access/v1/evaluation", Hold("bob", "exchange-administrator")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    // ---------------------------------------------------------------- the batch

    [Fact]
    public async Task A_batch_holds_at_most_two_hundred_items_answered_in_order_and_none_is_one_evaluation()
    {
        var s = await Scenario.OnboardAsync(app);
        string Batch(int count) => JsonSerializer.Serialize(new
        {
            action = new { name = "hold" },
            resource = new { type = "role", id = "exchange-administrator" },
            evaluations = Enumerable.Range(0, count).Select(i => new { subject = new { type = "user", id = i % 3 == 0 ? "bob" : "carol" } }),
        });

        var answer = await DecideAllAsync(Gateway(s), Batch(200));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i % 3 == 0), Decisions(answer));

        var tooMany = await PostAsync(Gateway(s), "/access/v1/evaluations", Batch(201)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(tooMany.GetProperty("errors").TryGetProperty("evaluations", out _));

        // Without items (or with an empty list) it is the evaluation of the top level, answered as one.
        foreach (var single in new[] { Hold("bob", "exchange-administrator"), Hold("bob", "exchange-administrator")[..^1] + ""","evaluations":[]}""" })
        {
            var one = await DecideAllAsync(Gateway(s), single);
            Assert.True(one.GetProperty("decision").GetBoolean());
            Assert.False(one.TryGetProperty("evaluations", out _));
        }
        await PostAsync(Gateway(s), "/access/v1/evaluations", Batch(1)[..^1] + ""","options":{"evaluations_semantic":"all"}}""")
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task An_item_about_an_unknown_scope_answers_its_error_and_counts_as_a_deny()
    {
        var s = await Scenario.OnboardAsync(app);
        const string items = """
            "evaluations":[{"resource":{"type":"role","id":"exchange-administrator","properties":{"scope":"/subscriptions/gone"}}},
                           {"resource":{"type":"role","id":"exchange-administrator"}}]
            """;
        var all = await DecideAllAsync(Gateway(s), $$"""{"subject":{"type":"user","id":"bob"},"action":{"name":"hold"},{{items}}}""");
        Assert.Equal([false, true], Decisions(all));
        var error = all.GetProperty("evaluations")[0].GetProperty("context").GetProperty("error");
        Assert.Equal((404, "not-found"), (error.GetProperty("status").GetInt32(), error.Str("code")));

        var stopped = await DecideAllAsync(Gateway(s),
            $$"""{"subject":{"type":"user","id":"bob"},"action":{"name":"hold"},"options":{"evaluations_semantic":"deny_on_first_deny"},{{items}}}""");
        Assert.Equal([false], Decisions(stopped));
    }

    // ---------------------------------------------------------------- transport

    [Fact]
    public async Task The_request_identifier_is_echoed_on_every_answer()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var (client, json, status) in new[]
        {
            (Gateway(s), Hold("bob", "exchange-administrator"), HttpStatusCode.OK),
            (app.Anonymous(), Hold("bob", "exchange-administrator"), HttpStatusCode.Unauthorized),
            (Gateway(s), "{", HttpStatusCode.BadRequest),
            (s.Bob, Hold("carol", "exchange-administrator"), HttpStatusCode.Forbidden),
        })
        {
            using var response = await PostAsync(client, "/access/v1/evaluations", json, requestId: "req-42");
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("req-42", response.Headers.GetValues("X-Request-ID").Single());
        }
        using (var plain = await PostAsync(Gateway(s), "/access/v1/evaluation", Hold("bob", "exchange-administrator")))
            Assert.False(plain.Headers.Contains("X-Request-ID"));
        var refused = await PostAsync(Gateway(s), "/access/v1/evaluation", Hold("bob", "exchange-administrator"), requestId: new string('x', 256))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(refused.GetProperty("errors").TryGetProperty("X-Request-ID", out _));
    }

    [Fact]
    public async Task Evaluations_spend_the_evaluation_budget()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var path in new[] { "/access/v1/evaluation", "/access/v1/evaluations" })
        {
            using var response = await PostAsync(Gateway(s), path, Hold("bob", "exchange-administrator"));
            Assert.StartsWith("\"evaluation\";", response.Headers.GetValues("RateLimit-Policy").Single());
        }
    }

    // ---------------------------------------------------------------- metadata

    [Fact]
    public async Task The_metadata_points_at_both_endpoints_from_where_it_was_asked()
    {
        var metadata = await app.Anonymous().GetAsync("/.well-known/authzen-configuration").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("http://localhost", metadata.Str("policy_decision_point"));
        Assert.Equal("http://localhost/access/v1/evaluation", metadata.Str("access_evaluation_endpoint"));
        Assert.Equal("http://localhost/access/v1/evaluations", metadata.Str("access_evaluations_endpoint"));

        // Behind a trusted proxy that terminated TLS, the scheme is the one it forwards; nobody else's is believed.
        async Task<string> PdpVia(string? remote, string host)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/authzen-configuration");
            request.Headers.Host = host;
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            if (remote is not null) request.Headers.Add(PimApp.RemoteIpHeader, remote);
            return (await (await app.Anonymous().SendAsync(request)).ExpectAsync(HttpStatusCode.OK)).Str("policy_decision_point");
        }
        Assert.Equal("https://pim.contoso.example", await PdpVia(PimApp.TrustedProxy, "pim.contoso.example"));
        Assert.Equal("http://pim.contoso.example:8443", await PdpVia("198.51.100.7", "pim.contoso.example:8443"));
    }
}
