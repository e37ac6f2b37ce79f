using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Principals;

[Collection(SqliteCollection.Name)]
public sealed class NestedGroupTests_Sqlite(SqliteApp app) : NestedGroupTests(app);

[Collection(PostgresCollection.Name)]
public sealed class NestedGroupTests_Postgres(PostgresApp app) : NestedGroupTests(app);

/// <summary>
/// Groups in groups: a member of a group that is a member of another holds what both hold — for evaluation (from the grant
/// index and from the store), eligibility and approval — and loses it, at once, when a membership on the way goes. A
/// membership that would make a group its own member, or nest deeper than 8, is refused and changes nothing.
/// </summary>
public abstract class NestedGroupTests(PimApp app)
{
    private GrantIndex Index => app.Services.GetRequiredService<GrantIndex>();

    /// <summary>Dave in "inner", a member of "outer"; "outer" holds Helpdesk Administrator actively and is eligible for User Administrator.</summary>
    private static async Task<Scenario> NestedAsync(PimApp app)
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("outer", "group", HttpStatusCode.Created);
        await s.SyncAsync("inner", "group", HttpStatusCode.Created, "outer");
        await s.SyncAsync("dave", "user", HttpStatusCode.Created, "inner");
        await s.AssignAsync(s.Alice, "outer", "helpdesk-administrator", "active", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "outer", "user-administrator", "eligible", HttpStatusCode.Created);
        return s;
    }

    private async Task<string> EvaluateAsync(Scenario s, string principalId, string roleId) =>
        (await app.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId, roleId }).ExpectAsync(HttpStatusCode.OK)).Str("decision");

    [Fact]
    public async Task A_member_of_a_nested_group_holds_the_outer_groups_roles_and_the_next_evaluation_sees_the_intermediate_membership_go()
    {
        var s = await NestedAsync(app);
        var dave = s.User("dave");
        Assert.Equal("allow", await EvaluateAsync(s, "dave", "helpdesk-administrator"));
        var myRoles = (await dave.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(myRoles, r => r.Str("roleId") == "user-administrator" && r.Str("status") == "eligible");
        var activation = (await s.ActivateAsync(dave, roleId: "user-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");

        // From the grant index: it holds the tenant, and answers without loading it again.
        await s.WarmIndexAsync();
        var held = Assert.IsType<TenantGrants>(Index.Find(s.Id)); // reloaded, it would be another object; other tenants may load meanwhile
        Assert.Equal("allow", await EvaluateAsync(s, "dave", "helpdesk-administrator"));
        Assert.Equal("allow", await EvaluateAsync(s, "dave", "user-administrator"));
        Assert.Same(held, Index.Find(s.Id));

        // "inner" leaves "outer": dave is still in "inner", and holds neither role any more — at the very next evaluation.
        await s.SyncAsync("inner", "group", HttpStatusCode.OK);
        Assert.Equal("deny", await EvaluateAsync(s, "dave", "helpdesk-administrator"));
        Assert.Equal("deny", await EvaluateAsync(s, "dave", "user-administrator"));
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{activation}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        var revoked = (await s.AuditAsync("action=activation.revoked")).EnumerateArray().Single(e => e.Str("targetId") == activation);
        Assert.Equal("membership-removed", JsonSerializer.Deserialize<JsonElement>(revoked.Str("details")).Str("reason"));
        // The membership that went is audited as such.
        var removed = (await s.AuditAsync("action=membership.removed")).EnumerateArray().Single();
        Assert.Equal(("outer", "inner"), (removed.Str("targetId"), removed.Str("principalId")));
    }

    [Fact]
    public async Task Memberships_list_direct_and_inherited_groups_with_their_depth_and_way()
    {
        var s = await NestedAsync(app);
        await s.SyncAsync("top", "group", HttpStatusCode.Created);
        await s.SyncAsync("outer", "group", HttpStatusCode.OK, "top");
        var memberships = (await s.Alice.GetAsync(s.Path("/principals/dave/memberships")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().Select(m => (m.Str("groupId"), m.GetProperty("depth").GetInt32(), m.GetProperty("via").GetString())).ToList();
        Assert.Equal([("inner", 1, null), ("outer", 2, "inner"), ("top", 3, "inner")], memberships);
        // Dave reads his own; a plain user does not read another's.
        await s.User("dave").GetAsync(s.Path("/principals/dave/memberships")).ExpectAsync(HttpStatusCode.OK);
        await s.Carol.GetAsync(s.Path("/principals/dave/memberships")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Alice.GetAsync(s.Path("/principals/nobody/memberships")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        // memberOf stays the direct groups.
        Assert.Equal(["inner"], (await s.Alice.GetAsync(s.Path("/principals/dave")).ExpectAsync(HttpStatusCode.OK)).GetProperty("memberOf")
            .EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task A_membership_that_makes_a_group_its_own_member_is_refused()
    {
        var s = await NestedAsync(app);
        var problem = await s.Operator.PutJsonAsync(s.Path("/principals/outer"), new { kind = "group", displayName = "outer", memberOf = new[] { "inner" } })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "membership-cycle");
        Assert.Contains("inner", problem.Str("detail"));
        await s.Operator.PutJsonAsync(s.Path("/principals/outer"), new { kind = "group", displayName = "outer", memberOf = new[] { "outer" } })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "membership-cycle");
        // Nothing changed: outer is still in no group, and dave still holds what outer holds.
        Assert.Empty((await s.Alice.GetAsync(s.Path("/principals/outer/memberships")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal("allow", await EvaluateAsync(s, "dave", "helpdesk-administrator"));
    }

    [Fact]
    public async Task Groups_nest_at_most_eight_memberships_deep_and_a_deeper_one_changes_nothing()
    {
        var s = await Scenario.OnboardAsync(app);
        // g8 ⊃ g7 ⊃ … ⊃ g1 ∋ dave: eight memberships in a row.
        await s.SyncAsync("g8", "group", HttpStatusCode.Created);
        for (var i = 7; i >= 1; i--) await s.SyncAsync($"g{i}", "group", HttpStatusCode.Created, $"g{i + 1}");
        await s.SyncAsync("dave", "user", HttpStatusCode.Created, "g1");
        Assert.Equal(8, (await s.Alice.GetAsync(s.Path("/principals/dave/memberships")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());

        await s.SyncAsync("g9", "group", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "g9", "helpdesk-administrator", "active", HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/g8"), new { kind = "group", displayName = "g8", memberOf = new[] { "g9" } })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "limit-reached");
        Assert.Empty((await s.Alice.GetAsync(s.Path("/principals/g8")).ExpectAsync(HttpStatusCode.OK)).GetProperty("memberOf").EnumerateArray());
        Assert.Equal(8, (await s.Alice.GetAsync(s.Path("/principals/dave/memberships")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        Assert.Equal("deny", await EvaluateAsync(s, "dave", "helpdesk-administrator"));
    }

    [Fact]
    public async Task Approvers_through_a_nested_group_are_told_and_decide_unless_disabled()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("approvers", "group", HttpStatusCode.Created);
        await s.SyncAsync("oncall", "group", HttpStatusCode.Created, "approvers");
        await s.SyncAsync("carol", "user", HttpStatusCode.OK, "oncall");
        await s.SyncAsync("erin", "user", HttpStatusCode.Created, "oncall");
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true, approvers: ["approvers"]));
        await s.MakeBobEligibleAsync();
        var request = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("carol")), m => m.Subject?.StartsWith("PIM: approval needed") == true);
        Assert.Contains((await s.Carol.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            r => r.Str("id") == request);

        // Erin is disabled: she is not told, and she cannot decide.
        await s.Operator.PutJsonAsync(s.Path("/principals/erin"), new { kind = "user", displayName = "erin", memberOf = new[] { "oncall" }, accountEnabled = false })
            .ExpectAsync(HttpStatusCode.OK);
        await s.User("erin").PostJsonAsync(s.Path($"/activation-requests/{request}/approve"), new { justification = "ok" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Carol.PostJsonAsync(s.Path($"/activation-requests/{request}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));

        // The next request waits for carol, not for erin.
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{request}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await app.DispatchAllAsync();
        static bool Waiting(MimeKit.MimeMessage m) => m.Subject?.StartsWith("PIM: approval needed") == true;
        Assert.Equal(2, app.MailTo(s.Address("carol")).Count(Waiting));
        Assert.Single(app.MailTo(s.Address("erin")), Waiting); // the first one, sent while she was enabled
    }

    [Fact]
    public async Task Deleting_an_intermediate_group_ends_what_its_members_held_through_it()
    {
        var s = await NestedAsync(app);
        var dave = s.User("dave");
        var activation = (await s.ActivateAsync(dave, roleId: "user-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Operator.DeleteAsync(s.Path("/principals/inner")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("deny", await EvaluateAsync(s, "dave", "helpdesk-administrator"));
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{activation}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Empty((await s.Alice.GetAsync(s.Path("/principals/dave/memberships")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Two_racing_nestings_cannot_make_a_cycle_together()
    {
        for (var round = 0; round < 4; round++)
        {
            var s = await Scenario.OnboardAsync(app);
            await s.SyncAsync("a", "group", HttpStatusCode.Created);
            await s.SyncAsync("b", "group", HttpStatusCode.Created);
            var answers = await Task.WhenAll(
                s.Operator.PutJsonAsync(s.Path("/principals/a"), new { kind = "group", displayName = "a", memberOf = new[] { "b" } }),
                s.Operator.PutJsonAsync(s.Path("/principals/b"), new { kind = "group", displayName = "b", memberOf = new[] { "a" } }));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            var a = (await s.Alice.GetAsync(s.Path("/principals/a")).ExpectAsync(HttpStatusCode.OK)).GetProperty("memberOf").GetArrayLength();
            var b = (await s.Alice.GetAsync(s.Path("/principals/b")).ExpectAsync(HttpStatusCode.OK)).GetProperty("memberOf").GetArrayLength();
            Assert.Equal(1, a + b);
        }
    }
}
