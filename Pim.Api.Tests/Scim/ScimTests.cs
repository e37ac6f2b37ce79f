using System.Net;
using System.Text;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Scim;

[Collection(SqliteCollection.Second)]
public sealed class ScimTests_Sqlite(SqliteApp app) : ScimTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ScimTests_Postgres(PostgresApp app) : ScimTests(app);

/// <summary>
/// SCIM 2.0 as the provisioning clients of Entra ID and Okta call it, over the directory the native API keeps: the same
/// requests, in the same order, with the same quirks (booleans as strings, capitalized ops, PATCH without a path).
/// </summary>
public abstract partial class ScimTests(PimApp app)
{
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string PatchUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /// <summary>The tenant's provisioning client: a pim.operator token of the tenant, on /scim/v2 (the token's tenant).</summary>
    public static HttpClient Provisioning(Scenario s) => s.App.Client("entra-provisioning", s.Id, false, "pim.operator");

    public sealed record Answer(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)
    {
        public string? ETag => Response.Headers.ETag?.ToString();
    }

    public static async Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null, string? ifMatch = null,
        string contentType = "application/scim+json")
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{method} {path}: {(int)response.StatusCode} {text}");
        if (text.Length > 0 && (int)response.StatusCode >= 200) Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        return new Answer(response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text), response);
    }

    public static async Task<JsonElement> ExpectAsync(Task<Answer> call, HttpStatusCode status)
    {
        var answer = await call;
        Assert.True(answer.Status == status, $"Expected {(int)status}, got {(int)answer.Status}: {answer.Body}");
        return answer.Body;
    }

    /// <summary>A SCIM error (RFC 7644 §3.12): its schema, the status as a string, the scimType.</summary>
    public static async Task<JsonElement> ExpectErrorAsync(Task<Answer> call, HttpStatusCode status, string? scimType)
    {
        var error = await ExpectAsync(call, status);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", error.GetProperty("schemas")[0].GetString());
        Assert.Equal(((int)status).ToString(), error.Str("status"));
        Assert.Equal(scimType, error.TryGetProperty("scimType", out var type) ? type.GetString() : null);
        Assert.False(string.IsNullOrWhiteSpace(error.Str("detail")));
        return error;
    }

    private static string Patch(params string[] operations) => $$"""{"schemas":["{{PatchUrn}}"],"Operations":[{{string.Join(",", operations)}}]}""";

    private static Task<JsonElement> Find(HttpClient scim, string resource, string filter, HttpStatusCode status = HttpStatusCode.OK) =>
        ExpectAsync(SendAsync(scim, HttpMethod.Get, $"/scim/v2/{resource}?filter={Uri.EscapeDataString(filter)}"), status);

    private static string[] UserNames(JsonElement list) =>
        list.GetProperty("Resources").EnumerateArray().Select(r => r.Str("userName")).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Entra_ID_provisions_updates_deactivates_and_deletes_a_user()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        const string objectId = "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef";

        // Is there a user to match? (Entra ID's first question, also its "test connection".)
        Assert.Equal(0, (await Find(scim, "Users", "userName eq \"ann@contoso.example\"")).GetProperty("totalResults").GetInt32());
        var created = await SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""
            {"schemas":["{{UserUrn}}","{{EnterpriseUrn}}"],"externalId":"{{objectId}}","userName":"ann@contoso.example","active":true,
             "displayName":"Ann Smith","title":"Engineer","preferredLanguage":"en-US",
             "emails":[{"primary":true,"type":"work","value":"ann@contoso.example"}],
             "name":{"formatted":"Ann Smith","familyName":"Smith","givenName":"Ann"},
             "phoneNumbers":[{"type":"work","value":"+1 555 0100"}],
             "addresses":[{"type":"work","formatted":"1 Main St","streetAddress":"1 Main St","locality":"Redmond","region":"WA","postalCode":"98052","country":"US","primary":false}],
             "meta":{"resourceType":"User"},
             "{{EnterpriseUrn}}":{"employeeNumber":"1234","department":"Engineering","manager":{"value":"bob"} } }
            """);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var user = created.Body;
        Assert.Equal(objectId, user.Str("id")); // the externalId: a token whose subject is the object id acts as this principal
        Assert.Equal($"\"1\"", created.ETag);
        Assert.Equal(created.ETag, user.GetProperty("meta").Str("version"));
        Assert.EndsWith($"/scim/v2/Users/{objectId}", created.Response.Headers.Location!.ToString());
        Assert.Equal(("Engineering", "bob"), (user.GetProperty(EnterpriseUrn).Str("department"), user.GetProperty(EnterpriseUrn).GetProperty("manager").Str("value")));
        Assert.Equal("Redmond", user.GetProperty("addresses")[0].Str("locality"));

        // The native API sees the same principal.
        var native = await s.Alice.GetAsync(s.Path($"/principals/{objectId}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("user", "Ann Smith", "ann@contoso.example", "ann@contoso.example", true),
            (native.Str("kind"), native.Str("displayName"), native.Str("email"), native.Str("userName"), native.GetProperty("accountEnabled").GetBoolean()));
        // userName is matched without case.
        Assert.Equal(objectId, (await Find(scim, "Users", "userName eq \"ANN@Contoso.example\"")).GetProperty("Resources")[0].Str("id"));

        // Attribute changes, as Entra ID sends them: one path per operation, capitalized ops, a filter path for the work email.
        var changed = await ExpectAsync(SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Users/{objectId}", Patch(
            """{"op":"Replace","path":"displayName","value":"Ann Jones"}""",
            """{"op":"Replace","path":"name.familyName","value":"Jones"}""",
            """{"op":"Replace","path":"emails[type eq \"work\"].value","value":"ann.jones@contoso.example"}""",
            $$"""{"op":"Add","path":"{{EnterpriseUrn}}:manager","value":"carol"}""",
            """{"op":"Remove","path":"title"}""")), HttpStatusCode.OK);
        Assert.Equal(("Ann Jones", "Jones", "ann.jones@contoso.example", "carol"), (changed.Str("displayName"), changed.GetProperty("name").Str("familyName"),
            changed.GetProperty("emails")[0].Str("value"), changed.GetProperty(EnterpriseUrn).GetProperty("manager").Str("value")));
        Assert.False(changed.TryGetProperty("title", out _));
        Assert.Equal("ann.jones@contoso.example", (await s.Alice.GetAsync(s.Path($"/principals/{objectId}")).ExpectAsync(HttpStatusCode.OK)).Str("email"));

        // Deactivation: Entra ID writes the boolean as a string.
        var inactive = await ExpectAsync(SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Users/{objectId}",
            Patch("""{"op":"Replace","path":"active","value":"False"}""")), HttpStatusCode.OK);
        Assert.False(inactive.GetProperty("active").GetBoolean());
        Assert.False((await s.Alice.GetAsync(s.Path($"/principals/{objectId}")).ExpectAsync(HttpStatusCode.OK)).GetProperty("accountEnabled").GetBoolean());
        Assert.Equal(objectId, (await Find(scim, "Users", "active eq false")).GetProperty("Resources")[0].Str("id"));

        await ExpectAsync(SendAsync(scim, HttpMethod.Delete, $"/scim/v2/Users/{objectId}"), HttpStatusCode.NoContent);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Get, $"/scim/v2/Users/{objectId}"), HttpStatusCode.NotFound, null);
        await s.Alice.GetAsync(s.Path($"/principals/{objectId}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Contains(AuditActionsOf(await s.AuditAsync()), a => a == "principal.deleted");
    }

    private static IEnumerable<string> AuditActionsOf(JsonElement events) => events.EnumerateArray().Select(e => e.Str("action"));

    [Fact]
    public async Task Okta_provisions_users_and_pushes_groups()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        var user = await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""
            {"schemas":["{{UserUrn}}"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},
             "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US",
             "externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}
            """), HttpStatusCode.Created);
        Assert.Equal("00ujl29u0le5T6Aj10h7", user.Str("id"));
        Assert.False(user.TryGetProperty("password", out _)); // accepted, never kept
        var stored = await s.Alice.GetAsync(s.Path("/principals/00ujl29u0le5T6Aj10h7")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("1mz050nq", stored.GetRawText());

        // Okta's deactivation and its updates: PATCH without a path, PUT of the whole user.
        var inactive = await ExpectAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/00ujl29u0le5T6Aj10h7",
            Patch("""{"op":"replace","value":{"active":false}}""")), HttpStatusCode.OK);
        Assert.False(inactive.GetProperty("active").GetBoolean());
        var replaced = await ExpectAsync(SendAsync(scim, HttpMethod.Put, "/scim/v2/Users/00ujl29u0le5T6Aj10h7", $$"""
            {"schemas":["{{UserUrn}}"],"id":"00ujl29u0le5T6Aj10h7","userName":"test.user@okta.local","name":{"givenName":"Tess","familyName":"User"},
             "emails":[{"primary":true,"value":"tess@okta.local","type":"work"}],"displayName":"Tess User","active":true}
            """), HttpStatusCode.OK);
        Assert.Equal(("Tess User", "tess@okta.local", true), (replaced.Str("displayName"), replaced.GetProperty("emails")[0].Str("value"),
            replaced.GetProperty("active").GetBoolean()));
        Assert.False(replaced.TryGetProperty("locale", out _)); // PUT replaces every attribute

        // Group push: create (Okta sends no externalId), add a member, rename (with its id, as Okta does), remove the member.
        var group = await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Groups",
            $$"""{"schemas":["{{GroupUrn}}"],"displayName":"Test SCIMv2","members":[]}"""), HttpStatusCode.Created);
        var groupId = group.Str("id");
        await ExpectAsync(SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Groups/{groupId}",
            Patch("""{"op":"add","path":"members","value":[{"value":"00ujl29u0le5T6Aj10h7","display":"test.user@okta.local"}]}""")), HttpStatusCode.OK);
        var renamed = await ExpectAsync(SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Groups/{groupId}",
            Patch($$"""{"op":"replace","value":{"id":"{{groupId}}","displayName":"Renamed SCIMv2"} }""")), HttpStatusCode.OK);
        Assert.Equal("Renamed SCIMv2", renamed.Str("displayName"));
        var member = Assert.Single(renamed.GetProperty("members").EnumerateArray());
        Assert.Equal(("00ujl29u0le5T6Aj10h7", "User", "Tess User"), (member.Str("value"), member.Str("type"), member.Str("display")));
        Assert.Equal([groupId], (await s.Alice.GetAsync(s.Path("/principals/00ujl29u0le5T6Aj10h7")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("memberOf").EnumerateArray().Select(g => g.GetString()));
        var listed = await ExpectAsync(SendAsync(scim, HttpMethod.Get, "/scim/v2/Groups?excludedAttributes=members&filter=" +
            Uri.EscapeDataString("displayName eq \"renamed scimv2\"")), HttpStatusCode.OK);
        Assert.False(listed.GetProperty("Resources")[0].TryGetProperty("members", out _));
        await ExpectAsync(SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Groups/{groupId}",
            Patch("""{"op":"remove","path":"members[value eq \"00ujl29u0le5T6Aj10h7\"]"}""")), HttpStatusCode.OK);
        Assert.Empty((await s.Alice.GetAsync(s.Path("/principals/00ujl29u0le5T6Aj10h7")).ExpectAsync(HttpStatusCode.OK)).GetProperty("memberOf").EnumerateArray());
        await ExpectAsync(SendAsync(scim, HttpMethod.Delete, $"/scim/v2/Groups/{groupId}"), HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Groups_nest_through_their_members_and_a_user_sees_its_groups_direct_and_indirect()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        var inner = (await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Groups",
            $$"""{"schemas":["{{GroupUrn}}"],"externalId":"inner-oid","displayName":"Inner","members":[{"value":"carol"}]}"""), HttpStatusCode.Created)).Str("id");
        await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Groups",
            $$"""{"schemas":["{{GroupUrn}}"],"externalId":"outer-oid","displayName":"Outer","members":[{"value":"{{inner}}","type":"Group"}]}"""), HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "outer-oid", "helpdesk-administrator", "active", HttpStatusCode.Created);
        Assert.True(await s.EvaluateAsync("carol", "helpdesk-administrator"));

        var carol = await ExpectAsync(SendAsync(scim, HttpMethod.Get, "/scim/v2/Users/carol"), HttpStatusCode.OK);
        Assert.Equal([("inner-oid", "direct", "Inner"), ("outer-oid", "indirect", "Outer")],
            carol.GetProperty("groups").EnumerateArray().Select(g => (g.Str("value"), g.Str("type"), g.Str("display"))).OrderBy(g => g.Item1));
        // Which groups is carol a direct member of?
        Assert.Equal("inner-oid", (await Find(scim, "Groups", "members eq \"carol\"")).GetProperty("Resources")[0].Str("id"));
        // The outer group cannot become a member of the inner one.
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Groups/inner-oid",
            Patch("""{"op":"add","path":"members","value":[{"value":"outer-oid"}]}""")), HttpStatusCode.Conflict, "invalidValue");
        // A member that is not in the directory is refused; so is a member list past a group's bound.
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Groups/inner-oid",
            Patch("""{"op":"add","path":"members","value":[{"value":"nobody"}]}""")), HttpStatusCode.UnprocessableEntity, "invalidValue");
        // Entra ID removes a member with a list of values: carol no longer holds what Outer holds.
        await ExpectAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Groups/inner-oid",
            Patch("""{"op":"Remove","path":"members","value":[{"value":"carol"}]}""")), HttpStatusCode.OK);
        Assert.False(await s.EvaluateAsync("carol", "helpdesk-administrator"));
    }

    [Fact]
    public async Task Users_are_filtered_on_userName_externalId_displayName_emails_and_active_and_paged()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        foreach (var (name, external, active) in new[] { ("ann", "e-1", true), ("anna", "e-2", false), ("ben", "e-3", true), ("bert", "E-4", true) })
            await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""
                {"schemas":["{{UserUrn}}"],"userName":"{{name}}@corp.example","externalId":"{{external}}","displayName":"{{name.ToUpperInvariant()}} Person",
                 "emails":[{"value":"{{name}}@mail.example","primary":true}],"active":{{(active ? "true" : "false")}}}
                """), HttpStatusCode.Created);

        async Task<string[]> Names(string filter) => UserNames(await Find(scim, "Users", filter));
        Assert.Equal(["ann@corp.example", "anna@corp.example"], await Names("userName sw \"ANN\""));
        Assert.Equal(["anna@corp.example"], await Names("userName sw \"ann\" and active eq false"));
        Assert.Equal(["ann@corp.example", "ben@corp.example", "bert@corp.example"], await Names("active eq true and displayName co \"person\""));
        Assert.Equal(["anna@corp.example", "ben@corp.example"], await Names("externalId eq \"e-2\" or emails.value eq \"BEN@mail.example\""));
        Assert.Empty(await Names("externalId eq \"e-4\"")); // externalId is compared as it is
        Assert.Equal(["bert@corp.example"], await Names("emails[value ew \"t@mail.example\"]"));
        Assert.Equal(["ben@corp.example", "bert@corp.example"], await Names("not (userName sw \"ann\") and externalId pr"));
        Assert.Equal(["ann@corp.example", "anna@corp.example", "ben@corp.example", "bert@corp.example"], await Names("userName co \"@corp.\""));

        // Paging: startIndex from 1, totalResults of the whole filter; attributes return only those (and id, schemas).
        var page = await ExpectAsync(SendAsync(scim, HttpMethod.Get, "/scim/v2/Users?filter=" + Uri.EscapeDataString("userName co \"@corp.\"") +
            "&startIndex=2&count=2&attributes=userName,emails.value"), HttpStatusCode.OK);
        Assert.Equal((4, 2, 2), (page.GetProperty("totalResults").GetInt32(), page.GetProperty("startIndex").GetInt32(), page.GetProperty("itemsPerPage").GetInt32()));
        var second = page.GetProperty("Resources")[0];
        Assert.Equal(["emails", "id", "schemas", "userName"], second.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["value"], second.GetProperty("emails")[0].EnumerateObject().Select(p => p.Name));
        var none = await ExpectAsync(SendAsync(scim, HttpMethod.Get, "/scim/v2/Users?startIndex=99&count=10"), HttpStatusCode.OK);
        Assert.Equal(0, none.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(7, none.GetProperty("totalResults").GetInt32()); // the four, and alice, bob and carol synced natively
    }

    [Fact]
    public async Task What_Pim_cannot_read_is_a_SCIM_error_never_a_500()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        foreach (var filter in new[] { "userName eq", "userName eq \"x\" and", "title eq \"x\"", "userName gt \"a\"", "emails[type eq \"work\"]", "((((" })
            await ExpectErrorAsync(SendAsync(scim, HttpMethod.Get, $"/scim/v2/Users?filter={Uri.EscapeDataString(filter)}"), HttpStatusCode.BadRequest, "invalidFilter");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"x","shoeSize":42}"""),
            HttpStatusCode.BadRequest, "invalidSyntax");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", """{"userName":"x"}"""), HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"displayName":"No name"}"""),
            HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", "{", contentType: "application/scim+json"), HttpStatusCode.BadRequest, "invalidSyntax");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"x"}""", contentType: "text/plain"),
            HttpStatusCode.UnsupportedMediaType, null);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", Patch("""{"op":"replace","path":"shoeSize","value":42}""")),
            HttpStatusCode.BadRequest, "invalidPath");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", Patch("""{"op":"remove"}""")), HttpStatusCode.BadRequest, "noTarget");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", Patch("""{"op":"replace","path":"id","value":"mallory"}""")),
            HttpStatusCode.UnprocessableEntity, "mutability");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", """{"Operations":[{"op":"remove","path":"title"}]}"""),
            HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol",
            Patch("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"" + new string('x', 300) + "\"}")), HttpStatusCode.BadRequest, "invalidValue");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Get, "/scim/v2/Groups/carol"), HttpStatusCode.NotFound, null); // a user is no group
        await ExpectErrorAsync(SendAsync(app.Anonymous(), HttpMethod.Get, "/scim/v2/Users"), HttpStatusCode.Unauthorized, null);
        // Accepted as JSON too.
        await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"json@corp.example"}""",
            contentType: "application/json; charset=utf-8"), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Versions_guard_changes_when_the_client_asks()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        var read = await SendAsync(scim, HttpMethod.Get, "/scim/v2/Users/carol");
        var etag = read.ETag!;
        Assert.Equal(etag, read.Body.GetProperty("meta").Str("version"));
        var body = $$"""{"schemas":["{{UserUrn}}"],"userName":"carol","displayName":"Carol C"}""";
        var replaced = await SendAsync(scim, HttpMethod.Put, "/scim/v2/Users/carol", body, ifMatch: etag);
        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.NotEqual(etag, replaced.ETag);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Put, "/scim/v2/Users/carol", body, ifMatch: etag), HttpStatusCode.PreconditionFailed, null);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", Patch("""{"op":"replace","path":"title","value":"x"}"""),
            ifMatch: etag), HttpStatusCode.PreconditionFailed, null);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Delete, "/scim/v2/Users/carol", ifMatch: etag), HttpStatusCode.PreconditionFailed, null);
        await ExpectAsync(SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/carol", Patch("""{"op":"replace","path":"title","value":"x"}"""), ifMatch: "*"),
            HttpStatusCode.OK);
        // A membership changes the group's version, and the user's (its groups).
        var group = await SendAsync(scim, HttpMethod.Post, "/scim/v2/Groups", $$"""{"schemas":["{{GroupUrn}}"],"displayName":"G"}""");
        var before = (await SendAsync(scim, HttpMethod.Get, "/scim/v2/Users/carol")).ETag;
        await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "user", displayName = "Carol C", memberOf = new[] { group.Body.Str("id") } })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(before, (await SendAsync(scim, HttpMethod.Get, "/scim/v2/Users/carol")).ETag);
        Assert.NotEqual(group.ETag, (await SendAsync(scim, HttpMethod.Get, $"/scim/v2/Groups/{group.Body.Str("id")}")).ETag);
    }
}
