using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class ReadModifyWriteTests_Sqlite(SqliteApp app) : ReadModifyWriteTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ReadModifyWriteTests_Postgres(PostgresApp app) : ReadModifyWriteTests(app);

/// <summary>
/// What GET answers for a resource, changed and sent back with PUT, is accepted: read-only fields echoed unchanged are
/// ignored, a read-only field with another value is a 422 read-only-field naming it (and nothing changes), an unknown
/// field is still a 400. For every resource with GET and PUT: role settings, principals, management groups,
/// subscriptions, resource groups, alert settings.
/// </summary>
public abstract class ReadModifyWriteTests(PimApp app)
{
    private sealed record Resource(string Path, HttpClient Client, string Writable, JsonNode NewValue, string[] ReadOnly);

    private static async Task<Resource[]> ResourcesAsync(Scenario s)
    {
        var op = s.Operator;
        await op.PutJsonAsync(s.Path("/management-groups/corp"), new { displayName = "Corp" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/management-groups/eng"), new { displayName = "Engineering", parentId = "corp" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Prod", managementGroupId = "eng" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub1/resource-groups/rg1"), new { displayName = "Web" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/principals/dana"), new { kind = "user", displayName = "Dana", email = $"dana@{s.Id}.example", memberOf = Array.Empty<string>() })
            .ExpectAsync(HttpStatusCode.Created);
        return
        [
            new(s.Path("/roles/exchange-administrator/settings"), s.Alice, "activation.maximumDuration", "PT4H", ["roleId", "scope", "inheritedFrom"]),
            new(s.Path("/principals/dana"), op, "displayName", "Dana Scully", ["id"]),
            new(s.Path("/management-groups/eng"), op, "displayName", "Platform engineering", ["scope", "kind", "id", "parentScope"]),
            new(s.Path("/subscriptions/sub1"), op, "displayName", "Production", ["scope", "kind", "id", "parentScope"]),
            new(s.Path("/subscriptions/sub1/resource-groups/rg1"), op, "displayName", "Web front", ["scope", "kind", "id", "parentScope"]),
            new(s.Path("/alert-settings/too-many-global-administrators"), s.Alice, "maximumCount", 3, ["alertType", "displayName"]),
        ];
    }

    private static async Task<(JsonObject Body, string? ETag)> ReadAsync(Resource r)
    {
        using var response = await r.Client.GetAsync(r.Path);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return (body, response.Headers.ETag?.ToString());
    }

    private static Task<HttpResponseMessage> WriteAsync(Resource r, JsonObject body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, r.Path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
        return r.Client.SendAsync(request);
    }

    private static void Set(JsonObject body, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var target = parts[..^1].Aggregate(body, (node, part) => node[part]!.AsObject());
        target[parts[^1]] = value;
    }

    private static JsonNode? Get(JsonObject body, string path) =>
        path.Split('.').Aggregate((JsonNode?)body, (node, part) => node?[part]);

    [Fact]
    public async Task A_body_read_changed_and_sent_back_is_saved()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var r in await ResourcesAsync(s))
        {
            var (body, etag) = await ReadAsync(r);
            Set(body, r.Writable, r.NewValue.DeepClone());
            using var written = await WriteAsync(r, body, etag);
            var answer = await written.ExpectAsync(HttpStatusCode.OK);
            var (after, _) = await ReadAsync(r);
            Assert.True(JsonNode.DeepEquals(r.NewValue, Get(after, r.Writable)), $"{r.Path}: {after.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(answer.GetRawText()), after) || r.Path.Contains("settings"), $"{r.Path}: {answer}");
        }
    }

    [Fact]
    public async Task A_read_only_field_with_another_value_is_a_422_naming_it_and_changes_nothing()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var r in await ResourcesAsync(s))
            foreach (var field in r.ReadOnly)
            {
                var (body, etag) = await ReadAsync(r);
                var before = body.DeepClone();
                Set(body, r.Writable, r.NewValue.DeepClone());
                // Another value of the right kind: only its being read-only is wrong with it.
                body[field] = field switch
                {
                    "kind" => before[field]!.GetValue<string>() == "subscription" ? "managementGroup" : "subscription",
                    "scope" or "parentScope" or "inheritedFrom" => "/subscriptions/other",
                    "alertType" => "roles-without-mfa",
                    _ => "other",
                };
                using var refused = await WriteAsync(r, body, etag);
                var problem = await refused.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "read-only-field");
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{r.Path} {field}: {problem}");
                Assert.True(JsonNode.DeepEquals(before, (await ReadAsync(r)).Body), $"{r.Path} {field} changed");
            }
    }

    [Fact]
    public async Task An_unknown_field_is_still_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var r in await ResourcesAsync(s))
        {
            var (body, etag) = await ReadAsync(r);
            body["surprise"] = 1;
            using var refused = await WriteAsync(r, body, etag);
            await refused.ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        }
    }

    [Fact]
    public async Task A_node_moved_through_its_writable_parent_keeps_its_read_only_parentScope_echo_valid()
    {
        var s = await Scenario.OnboardAsync(app);
        var r = (await ResourcesAsync(s)).Single(x => x.Path.EndsWith("/management-groups/eng"));
        var (body, _) = await ReadAsync(r);
        Assert.Equal("corp", body["parentId"]!.GetValue<string>());
        body["parentId"] = null; // move to the root; parentScope still says what GET answered
        using var moved = await WriteAsync(r, body, null);
        var answer = await moved.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("/", answer.Str("parentScope"));
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("parentId").ValueKind);
    }
}
