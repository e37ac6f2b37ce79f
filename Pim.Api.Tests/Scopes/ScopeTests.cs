using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Scopes;

[Collection(SqliteCollection.Name)]
public sealed class ScopeTests_Sqlite(SqliteApp app) : ScopeTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ScopeTests_Postgres(PostgresApp app) : ScopeTests(app);

/// <summary>
/// Protected resources. The tree of each test: /managementGroups/corp ⟶ /managementGroups/eng ⟶ /subscriptions/sub1 ⟶
/// /subscriptions/sub1/resourceGroups/rg1, and /subscriptions/sub2 under corp. Dana is a standing Owner of corp.
/// </summary>
public abstract class ScopeTests(PimApp app)
{
    private const string Corp = "/managementGroups/corp", Eng = "/managementGroups/eng", Sub1 = "/subscriptions/sub1",
        Rg1 = "/subscriptions/sub1/resourceGroups/rg1", Sub2 = "/subscriptions/sub2";

    private static async Task<Scenario> TreeAsync(PimApp app, bool signUp = true)
    {
        var s = await Scenario.OnboardAsync(app);
        var op = s.Operator;
        await op.PutJsonAsync(s.Path("/management-groups/corp"), new { displayName = "Corp" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/management-groups/eng"), new { displayName = "Engineering", parentId = "corp" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Prod", managementGroupId = "eng" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub1/resource-groups/rg1"), new { displayName = "Web" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub2"), new { displayName = "Dev", managementGroupId = "corp" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var name in new[] { "dana", "eve", "frank" })
            await op.PutJsonAsync(s.Path($"/principals/{name}"), new { kind = "user", displayName = name, email = $"{name}@{s.Id}.example" }).ExpectAsync(HttpStatusCode.Created);
        await Assign(s, op, "dana", "owner", Corp, "active", HttpStatusCode.Created);
        if (signUp) await s.User("dana").PostJsonAsync(s.Path("/sign-ups"), new { area = "resources", scope = Corp }).ExpectAsync(HttpStatusCode.Created);
        return s;
    }

    private static Task<JsonElement> Assign(Scenario s, HttpClient client, string principalId, string roleId, string scope, string type, HttpStatusCode expected) =>
        client.PostJsonAsync(s.Path("/role-assignments"), new { principalId, roleId, scope, type }).ExpectAsync(expected);

    private static async Task<bool> Allowed(Scenario s, string principalId, string roleId, string scope) =>
        (await s.App.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId, roleId, scope }).ExpectAsync(HttpStatusCode.OK)).Str("decision") == "allow";

    [Fact]
    public async Task The_tree_is_registered_and_read_back()
    {
        var s = await TreeAsync(app);
        var root = await s.Carol.GetAsync(s.Path("/scopes")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("/", root.Str("scope"));
        var corp = root.GetProperty("children").EnumerateArray().Single();
        Assert.Equal((Corp, "managementGroup"), (corp.Str("scope"), corp.Str("kind")));
        var corpChildren = corp.GetProperty("children").EnumerateArray().Select(c => c.Str("scope")).Order().ToArray();
        Assert.Equal([Eng, Sub2], corpChildren);
        var rg = corp.GetProperty("children").EnumerateArray().Single(c => c.Str("scope") == Eng).GetProperty("children")[0].GetProperty("children")[0];
        Assert.Equal((Rg1, "resourceGroup"), (rg.Str("scope"), rg.Str("kind")));

        await s.Alice.PutJsonAsync(s.Path("/subscriptions/sub3"), new { displayName = "x" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/sub3"), new { displayName = "x", managementGroupId = "nope" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await s.Operator.PutJsonAsync(s.Path("/management-groups/corp"), new { displayName = "Corp", parentId = "eng" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/nosub/resource-groups/rg"), new { })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
    }

    [Fact]
    public async Task Resources_need_a_sign_up_by_an_owner_of_the_scope()
    {
        var s = await TreeAsync(app, signUp: false);
        await Assign(s, s.Alice, "eve", "contributor", Sub1, "eligible", HttpStatusCode.Conflict);
        await s.User("eve").PostJsonAsync(s.Path("/sign-ups"), new { area = "resources", scope = Eng }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.User("dana").PostJsonAsync(s.Path("/sign-ups"), new { area = "resources", scope = Rg1 })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        // An Owner of corp signs up eng (below corp); sub2 (under corp, not eng) stays unmanaged.
        await s.User("dana").PostJsonAsync(s.Path("/sign-ups"), new { area = "resources", scope = Eng }).ExpectAsync(HttpStatusCode.Created);
        await Assign(s, s.Alice, "eve", "contributor", Sub1, "eligible", HttpStatusCode.Created);
        await Assign(s, s.Alice, "eve", "contributor", Sub2, "eligible", HttpStatusCode.Conflict);
        // A Global Administrator may sign up any management group or subscription.
        await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "resources", scope = Sub2 }).ExpectAsync(HttpStatusCode.Created);
        await Assign(s, s.Alice, "eve", "contributor", Sub2, "eligible", HttpStatusCode.Created);
    }

    [Fact]
    public async Task Roles_keep_to_their_kind_of_scope()
    {
        var s = await TreeAsync(app);
        await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "eve", roleId = "exchange-administrator", scope = Sub1, type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "eve", roleId = "owner", scope = "/", type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "eve", roleId = "owner", scope = "/subscriptions/unknown", type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await s.App.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "eve", roleId = "owner", scope = "/subscriptions/unknown" })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        var roles = (await s.Carol.GetAsync(s.Path("/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal("resource", roles.EnumerateArray().Single(r => r.Str("id") == "contributor").Str("kind"));
    }

    [Fact]
    public async Task Assignments_apply_to_all_descendants_and_activation_may_be_narrower()
    {
        var s = await TreeAsync(app);
        await Assign(s, s.Operator, "frank", "reader", Corp, "active", HttpStatusCode.Created);
        Assert.True(await Allowed(s, "frank", "reader", Rg1));
        Assert.True(await Allowed(s, "frank", "reader", Sub2));
        Assert.True(await Allowed(s, "frank", "reader", Corp));

        // An Owner of corp (not a directory administrator) makes Eve eligible for Contributor on eng.
        await Assign(s, s.User("dana"), "eve", "contributor", Eng, "eligible", HttpStatusCode.Created);
        await Assign(s, s.Carol, "eve", "reader", Eng, "eligible", HttpStatusCode.Forbidden);
        var eve = s.User("eve");
        var mine = (await eve.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("contributor", Eng, "eligible"), (mine.Str("roleId"), mine.Str("scope"), mine.Str("status")));

        var request = await eve.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "contributor", scope = Rg1, justification = "Deploy" })
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(Rg1, request.Str("scope"));
        Assert.True(await Allowed(s, "eve", "contributor", Rg1));
        Assert.False(await Allowed(s, "eve", "contributor", Sub1));
        Assert.False(await Allowed(s, "eve", "contributor", Sub2));
        await eve.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "contributor", scope = Sub2, justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        var active = (await s.App.Evaluator().GetAsync(s.Path("/principals/eve/active-roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(Rg1, active.EnumerateArray().Single().Str("scope"));
        var audit = (await s.AuditAsync("action=activation.requested")).EnumerateArray().Single();
        Assert.Equal(("contributor", Rg1), (audit.Str("roleId"), audit.Str("scope")));
    }

    [Fact]
    public async Task A_batch_of_all_activates_each_eligibility_at_its_own_scope()
    {
        var s = await TreeAsync(app);
        await Assign(s, s.Alice, "eve", "contributor", Eng, "eligible", HttpStatusCode.Created);
        await Assign(s, s.Alice, "eve", "reader", Sub2, "eligible", HttpStatusCode.Created);
        var items = (await s.User("eve").PostJsonAsync(s.Path("/activation-requests/batch"), new { all = true, justification = "On call" })
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Select(i => (i.Str("roleId"), i.Str("scope"), i.GetProperty("status").GetInt32())).OrderBy(i => i.Item1).ToArray();
        Assert.Equal([("contributor", Eng, 201), ("reader", Sub2, 201)], items);
        Assert.True(await Allowed(s, "eve", "contributor", Rg1));
    }

    [Fact]
    public async Task The_nearest_scope_with_settings_wins()
    {
        var s = await TreeAsync(app);
        await s.SetSettingsAsync("contributor", ScenarioSettings.Document(requireTicket: false, maximumDuration: "PT8H"));
        var atEng = await SetAtAsync(s, "contributor", Eng, ScenarioSettings.Document(requireTicket: true, maximumDuration: "PT2H"));
        Assert.Equal(Eng, atEng.Str("inheritedFrom"));

        var sub1 = await s.Alice.GetAsync(s.Path($"/roles/contributor/settings?scope={Uri.EscapeDataString(Sub1)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((Sub1, Eng, true), (sub1.Str("scope"), sub1.Str("inheritedFrom"), sub1.GetProperty("activation").GetProperty("requireTicket").GetBoolean()));
        var sub2 = await s.Alice.GetAsync(s.Path($"/roles/contributor/settings?scope={Uri.EscapeDataString(Sub2)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("/", "PT8H"), (sub2.Str("inheritedFrom"), sub2.GetProperty("activation").Str("maximumDuration")));

        await Assign(s, s.Alice, "eve", "contributor", Corp, "eligible", HttpStatusCode.Created);
        var eve = s.User("eve");
        await eve.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "contributor", scope = Rg1, justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "ticket-required");
        var atSub2 = await eve.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "contributor", scope = Sub2, justification = "x" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("PT8H", atSub2.Str("duration"));
        var audit = (await s.AuditAsync("action=roleSettings.updated")).EnumerateArray().Select(e => e.Str("scope")).ToArray();
        Assert.Equal(["/", Eng], audit);
    }

    private static async Task<JsonElement> SetAtAsync(Scenario s, string roleId, string scope, object document)
    {
        var path = s.Path($"/roles/{roleId}/settings?scope={Uri.EscapeDataString(scope)}");
        using var read = await s.Alice.GetAsync(path);
        var current = await read.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("\"0\"", read.Headers.ETag!.ToString()); // nothing saved at this scope yet: inherited
        Assert.NotEqual(scope, current.Str("inheritedFrom"));
        var put = new HttpRequestMessage(HttpMethod.Put, path) { Content = System.Net.Http.Json.JsonContent.Create(document) };
        put.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag.ToString());
        return await (await s.Alice.SendAsync(put)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Moving_a_subscription_changes_inherited_access_at_once()
    {
        var s = await TreeAsync(app);
        await Assign(s, s.Operator, "frank", "reader", Eng, "active", HttpStatusCode.Created);
        await Assign(s, s.Alice, "eve", "contributor", Eng, "eligible", HttpStatusCode.Created);
        var eve = s.User("eve");
        var request = await eve.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "contributor", scope = Rg1, justification = "Deploy" })
            .ExpectAsync(HttpStatusCode.Created);
        var atSub1 = await eve.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "contributor", scope = Sub1, justification = "Deploy", startsAt = s.App.Time.GetUtcNow().AddHours(1) })
            .ExpectAsync(HttpStatusCode.Created);
        Assert.True(await Allowed(s, "frank", "reader", Rg1));
        Assert.True(await Allowed(s, "eve", "contributor", Rg1));

        await s.Operator.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Prod", managementGroupId = "corp" }).ExpectAsync(HttpStatusCode.OK);
        Assert.False(await Allowed(s, "frank", "reader", Sub1));
        Assert.False(await Allowed(s, "frank", "reader", Rg1));
        Assert.False(await Allowed(s, "eve", "contributor", Rg1));
        Assert.Equal("revoked", (await eve.GetAsync(s.Path($"/activation-requests/{request.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("revoked", (await eve.GetAsync(s.Path($"/activation-requests/{atSub1.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        var moved = (await s.AuditAsync("action=scope.upserted")).EnumerateArray().Last();
        Assert.Contains("movedFrom", moved.Str("details"));
        Assert.Equal(2, (await s.AuditActionsAsync("action=activation.revoked")).Length);

        // Moving it back restores what the tree grants; the revoked activation stays revoked.
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Prod", managementGroupId = "eng" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await Allowed(s, "frank", "reader", Rg1));
        Assert.False(await Allowed(s, "eve", "contributor", Rg1));
    }

    [Fact]
    public async Task Trees_of_different_tenants_are_apart()
    {
        var a = await TreeAsync(app);
        var b = await TreeAsync(app);
        await Assign(a, a.Operator, "frank", "reader", Corp, "active", HttpStatusCode.Created);
        Assert.True(await Allowed(a, "frank", "reader", Rg1));
        Assert.False(await Allowed(b, "frank", "reader", Rg1));
        await b.Operator.PutJsonAsync(b.Path("/subscriptions/sub1"), new { displayName = "Prod", managementGroupId = "corp" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await Allowed(a, "frank", "reader", Rg1));
        var treeA = await a.Carol.GetAsync(a.Path("/scopes")).ExpectAsync(HttpStatusCode.OK);
        var eng = treeA.GetProperty("children")[0].GetProperty("children").EnumerateArray().Single(c => c.Str("scope") == Eng);
        Assert.Equal(Sub1, eng.GetProperty("children")[0].Str("scope"));
        await a.Alice.GetAsync(b.Path("/scopes")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_registered_node_answers_where_to_read_it()
    {
        var s = await Scenario.OnboardAsync(app);
        using var created = await s.Operator.PutJsonAsync(s.Path("/management-groups/corp"), new { displayName = "Corp" });
        await created.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(s.Path("/management-groups/corp"), created.Headers.Location!.ToString());
        var read = await s.Carol.GetAsync(created.Headers.Location).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((Corp, "managementGroup", "Corp", "/"), (read.Str("scope"), read.Str("kind"), read.Str("displayName"), read.Str("parentScope")));
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Sub", managementGroupId = "corp" }).ExpectAsync(HttpStatusCode.Created);
        using var rg = await s.Operator.PutJsonAsync(s.Path("/subscriptions/sub1/resource-groups/web"), new { });
        await rg.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("/subscriptions/sub1/resourceGroups/web", (await s.Carol.GetAsync(rg.Headers.Location).ExpectAsync(HttpStatusCode.OK)).Str("scope"));
        await s.Carol.GetAsync(s.Path("/subscriptions/none")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
