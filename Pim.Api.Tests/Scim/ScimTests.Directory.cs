using System.Net;
using System.Text;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Scim;

// One directory seen by both APIs, the tenant a token reaches, discovery, and racing writes.
public abstract partial class ScimTests
{
    [Fact]
    public async Task userName_and_externalId_are_unique_in_the_tenant_and_both_apis_see_one_directory()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"dan@corp.example","externalId":"oid-dan"}"""),
            HttpStatusCode.Created);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"DAN@corp.example"}"""),
            HttpStatusCode.Conflict, "uniqueness");
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"other@corp.example","externalId":"oid-dan"}"""),
            HttpStatusCode.Conflict, "uniqueness");
        // A user synced natively is known by its id: found by userName, and its userName taken.
        var carol = await Find(scim, "Users", "userName eq \"carol\"");
        Assert.Equal(("carol", "Carol", $"carol@{s.Id}.example"), (carol.GetProperty("Resources")[0].Str("id"), carol.GetProperty("Resources")[0].Str("displayName"),
            carol.GetProperty("Resources")[0].GetProperty("emails")[0].Str("value")));
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"Carol"}"""), HttpStatusCode.Conflict, "uniqueness");
        // Another tenant has its own directory.
        var other = await Scenario.OnboardAsync(app, consent: false);
        await ExpectAsync(SendAsync(Provisioning(other), HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"dan@corp.example","externalId":"oid-dan"}"""),
            HttpStatusCode.Created);

        // A native sync keeps what SCIM provisioned; its email is the user's primary email for SCIM.
        await s.Operator.PutJsonAsync(s.Path("/principals/oid-dan"), new { kind = "user", displayName = "Dan", email = "dan@new.example" }).ExpectAsync(HttpStatusCode.OK);
        var dan = await ExpectAsync(SendAsync(scim, HttpMethod.Get, "/scim/v2/Users/oid-dan"), HttpStatusCode.OK);
        Assert.Equal(("dan@corp.example", "oid-dan", "Dan", "dan@new.example"), (dan.Str("userName"), dan.Str("externalId"), dan.Str("displayName"),
            dan.GetProperty("emails")[0].Str("value")));
        // The native API echoes userName and externalId read-only.
        await s.Operator.PutJsonAsync(s.Path("/principals/oid-dan"), new { kind = "user", displayName = "Dan", userName = "mallory@corp.example" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "read-only-field");
        // Service principals and guests stay on the native API.
        await s.Operator.PutJsonAsync(s.Path("/principals/robot"), new { kind = "servicePrincipal", displayName = "Robot" }).ExpectAsync(HttpStatusCode.Created);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Get, "/scim/v2/Users/robot"), HttpStatusCode.NotFound, null);
        await ExpectErrorAsync(SendAsync(scim, HttpMethod.Delete, "/scim/v2/Users/robot"), HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task The_tenant_is_the_tokens_or_named_by_a_platform_identity_and_another_tenants_token_reaches_nothing()
    {
        var s = await Scenario.OnboardAsync(app);
        var other = await Scenario.OnboardAsync(app, consent: false);
        await ExpectAsync(SendAsync(Provisioning(s), HttpMethod.Post, "/scim/v2/Users", $$"""{"schemas":["{{UserUrn}}"],"userName":"only-here","externalId":"only-here"}"""),
            HttpStatusCode.Created);
        var stranger = Provisioning(other);
        // On /scim/v2 a tenant's token acts in its own tenant: s's user is not there, and what it writes lands in its own.
        await ExpectErrorAsync(SendAsync(stranger, HttpMethod.Get, "/scim/v2/Users/only-here"), HttpStatusCode.NotFound, null);
        await ExpectErrorAsync(SendAsync(stranger, HttpMethod.Patch, "/scim/v2/Users/only-here", Patch("""{"op":"replace","path":"active","value":false}""")),
            HttpStatusCode.NotFound, null);
        Assert.Equal(0, (await Find(stranger, "Users", "userName eq \"only-here\"")).GetProperty("totalResults").GetInt32());
        // Naming s in the path: s does not exist for it, whatever it asks.
        foreach (var (method, path, body) in new[]
                 {
                     (HttpMethod.Get, "/Users", null), (HttpMethod.Get, "/Users/only-here", null), (HttpMethod.Delete, "/Users/only-here", null),
                     (HttpMethod.Post, "/Groups", $$"""{"schemas":["{{GroupUrn}}"],"displayName":"Evil","members":[{"value":"only-here"}]}"""),
                 })
            await ExpectErrorAsync(SendAsync(stranger, method, $"/scim/v2/tenants/{s.Id}{path}", body), HttpStatusCode.NotFound, null);
        Assert.True((await SendAsync(Provisioning(s), HttpMethod.Get, "/scim/v2/Users/only-here")).Body.GetProperty("active").GetBoolean());
        // A platform identity names the tenant, or is told to.
        await ExpectErrorAsync(SendAsync(s.Operator, HttpMethod.Get, "/scim/v2/Users"), HttpStatusCode.BadRequest, null);
        Assert.Equal(1, (await ExpectAsync(SendAsync(s.Operator, HttpMethod.Get, $"/scim/v2/tenants/{s.Id}/Users?filter=" +
            Uri.EscapeDataString("userName eq \"only-here\"")), HttpStatusCode.OK)).GetProperty("totalResults").GetInt32());
        // Administrators of the tenant are not provisioning clients; a platform identity without pim.operator neither.
        await ExpectErrorAsync(SendAsync(s.Alice, HttpMethod.Get, "/scim/v2/Users"), HttpStatusCode.Forbidden, null);
        await ExpectErrorAsync(SendAsync(app.Evaluator(), HttpMethod.Get, $"/scim/v2/tenants/{s.Id}/Users"), HttpStatusCode.Forbidden, null);
        await ExpectErrorAsync(SendAsync(Provisioning(s), HttpMethod.Get, "/scim/v2/tenants/nope/Users"), HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task The_discovery_documents_describe_what_Pim_serves()
    {
        var config = await ExpectAsync(SendAsync(app.Anonymous(), HttpMethod.Get, "/scim/v2/ServiceProviderConfig"), HttpStatusCode.OK);
        Assert.True(config.GetProperty("patch").GetProperty("supported").GetBoolean());
        Assert.True(config.GetProperty("filter").GetProperty("supported").GetBoolean());
        Assert.True(config.GetProperty("etag").GetProperty("supported").GetBoolean());
        Assert.False(config.GetProperty("bulk").GetProperty("supported").GetBoolean());
        Assert.Equal("oauthbearertoken", config.GetProperty("authenticationSchemes")[0].Str("type"));
        var types = await ExpectAsync(SendAsync(app.Anonymous(), HttpMethod.Get, "/scim/v2/ResourceTypes"), HttpStatusCode.OK);
        Assert.Equal(["Group", "User"], types.GetProperty("Resources").EnumerateArray().Select(t => t.Str("id")).Order());
        var schemas = await ExpectAsync(SendAsync(app.Anonymous(), HttpMethod.Get, "/scim/v2/Schemas"), HttpStatusCode.OK);
        Assert.Equal(3, schemas.GetProperty("totalResults").GetInt32());
        var user = await ExpectAsync(SendAsync(app.Anonymous(), HttpMethod.Get, $"/scim/v2/Schemas/{UserUrn}"), HttpStatusCode.OK);
        var userName = user.GetProperty("attributes").EnumerateArray().Single(a => a.Str("name") == "userName");
        Assert.Equal(("server", true), (userName.Str("uniqueness"), userName.GetProperty("required").GetBoolean()));
        await ExpectErrorAsync(SendAsync(app.Anonymous(), HttpMethod.Get, "/scim/v2/Schemas/urn:nope"), HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Racing_creates_of_one_userName_make_one_user_and_racing_member_additions_both_land()
    {
        for (var round = 0; round < 3; round++)
        {
            var s = await Scenario.OnboardAsync(app, consent: false);
            var scim = Provisioning(s);
            var creates = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => SendAsync(scim, HttpMethod.Post, "/scim/v2/Users",
                $$"""{"schemas":["{{UserUrn}}"],"userName":"twin@corp.example","externalId":"twin-{{i}}"}""")));
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], creates.Select(c => c.Status).Order());
            Assert.Equal(1, (await Find(scim, "Users", "userName eq \"twin@corp.example\"")).GetProperty("totalResults").GetInt32());

            var group = (await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Groups", $$"""{"schemas":["{{GroupUrn}}"],"displayName":"G"}"""),
                HttpStatusCode.Created)).Str("id");
            var adds = await Task.WhenAll(new[] { "alice", "bob", "carol" }.Select(member => SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Groups/{group}",
                Patch($$"""{"op":"add","path":"members","value":[{"value":"{{member}}"}]}"""))));
            Assert.All(adds, a => Assert.Equal(HttpStatusCode.OK, a.Status));
            var members = await ExpectAsync(SendAsync(scim, HttpMethod.Get, $"/scim/v2/Groups/{group}"), HttpStatusCode.OK);
            Assert.Equal(["alice", "bob", "carol"], members.GetProperty("members").EnumerateArray().Select(m => m.Str("value")).Order());
        }
    }
}
