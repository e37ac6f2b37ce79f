using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Principals;

[Collection(SqliteCollection.Name)]
public sealed class JustInTimeGroupTests_Sqlite(SqliteApp app) : JustInTimeGroupTests(app);

[Collection(PostgresCollection.Name)]
public sealed class JustInTimeGroupTests_Postgres(PostgresApp app) : JustInTimeGroupTests(app);

/// <summary>
/// Just-in-time group membership (PIM for Groups): a group is a scope, <c>/groups/{groupId}</c>, with the roles
/// <c>member</c> and <c>owner</c>. An active membership counts wherever Pim expands groups — what the group holds,
/// eligibility through it, approvers — and appears in "my roles", active roles and evaluation; it ends with its
/// activation, at once, and so does what its member activated through it.
/// </summary>
public abstract class JustInTimeGroupTests(PimApp app)
{
    private const string Ops = "/groups/ops";
    private GrantIndex Index => app.Services.GetRequiredService<GrantIndex>();

    /// <summary>
    /// "ops" holds SharePoint Administrator actively and is eligible for User Administrator (up to 4 hours); Dave, in no
    /// group, is eligible for membership of "ops".
    /// </summary>
    private static async Task<(Scenario S, HttpClient Dave, string Eligibility)> OpsAsync(PimApp app)
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("ops", "group", HttpStatusCode.Created);
        await s.SyncAsync("dave", "user", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "ops", "sharepoint-administrator", "active", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "ops", "user-administrator", "eligible", HttpStatusCode.Created);
        await s.SetSettingsAsync("user-administrator", ScenarioSettings.Document(maximumDuration: "PT4H"));
        var eligibility = await AssignMemberAsync(s, s.Alice, "dave", "eligible", HttpStatusCode.Created);
        return (s, s.User("dave"), eligibility.Str("id"));
    }

    private static Task<JsonElement> AssignMemberAsync(Scenario s, HttpClient client, string principalId, string type, HttpStatusCode expected,
        string roleId = "member", string scope = Ops) =>
        client.PostJsonAsync(s.Path("/role-assignments"), new { principalId, roleId, scope, type }).ExpectAsync(expected);

    private static Task<HttpResponseMessage> JoinAsync(Scenario s, HttpClient client, string scope = Ops, string? duration = null) =>
        client.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "member", scope, duration, justification = "On call" });

    private async Task<JsonElement> EvaluateAsync(Scenario s, string principalId, string roleId, string? scope = null) =>
        await app.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId, roleId, scope }).ExpectAsync(HttpStatusCode.OK);

    private async Task<string> DecisionAsync(Scenario s, string principalId, string roleId, string? scope = null) =>
        (await EvaluateAsync(s, principalId, roleId, scope)).Str("decision");

    [Fact]
    public async Task An_active_membership_holds_what_the_group_holds_until_it_ends_and_what_was_activated_through_it_ends_with_it()
    {
        var (s, dave, _) = await OpsAsync(app);
        Assert.Equal("deny", await DecisionAsync(s, "dave", "sharepoint-administrator"));
        var mine = (await dave.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(mine, r => (r.Str("roleId"), r.Str("scope"), r.Str("status")) == ("member", Ops, "eligible"));
        Assert.DoesNotContain(mine, r => r.Str("roleId") == "user-administrator");

        var membership = await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("active", Ops), (membership.Str("status"), membership.Str("scope")));
        var until = membership.GetProperty("endsAt").GetDateTimeOffset();
        Assert.Equal(app.Time.GetUtcNow().AddHours(1), until);

        // The membership itself, and what the group holds, valid until the membership ends.
        var member = await EvaluateAsync(s, "dave", "member", Ops);
        Assert.Equal(("allow", until), (member.Str("decision"), member.GetProperty("validUntil").GetDateTimeOffset()));
        var sharePoint = await EvaluateAsync(s, "dave", "sharepoint-administrator");
        Assert.Equal(("allow", until), (sharePoint.Str("decision"), sharePoint.GetProperty("validUntil").GetDateTimeOffset()));
        var active = (await app.Evaluator().GetAsync(s.Path("/principals/dave/active-roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().ToList();
        Assert.Contains(active, r => (r.Str("roleId"), r.Str("scope"), r.Str("source")) == ("member", Ops, "activation"));
        Assert.Contains(active, r => r.Str("roleId") == "sharepoint-administrator" && r.Str("viaGroupId") == "ops"
                                     && r.GetProperty("validUntil").GetDateTimeOffset() == until);
        mine = (await dave.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(mine, r => (r.Str("roleId"), r.Str("status")) == ("member", "active") && r.GetProperty("validUntil").GetDateTimeOffset() == until);
        Assert.Contains(mine, r => (r.Str("roleId"), r.Str("status"), r.Str("viaGroupId")) == ("user-administrator", "eligible", "ops"));

        // Eligibility through the group: an activation made through it lasts no longer than the membership.
        var admin = await s.ActivateAsync(dave, "user-administrator", duration: "PT3H").ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(until, admin.GetProperty("endsAt").GetDateTimeOffset());

        // Answered from the grant index, which needs no reload for time to pass.
        await s.WarmIndexAsync();
        var held = Assert.IsType<TenantGrants>(Index.Find(s.Id)); // reloaded, it would be another object; other tenants may load meanwhile
        Assert.Equal("allow", await DecisionAsync(s, "dave", "sharepoint-administrator"));
        Assert.Equal("allow", await DecisionAsync(s, "dave", "user-administrator"));
        app.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal("deny", await DecisionAsync(s, "dave", "member", Ops));
        Assert.Equal("deny", await DecisionAsync(s, "dave", "sharepoint-administrator"));
        Assert.Equal("deny", await DecisionAsync(s, "dave", "user-administrator"));
        Assert.Same(held, Index.Find(s.Id));
        Assert.DoesNotContain((await app.Evaluator().GetAsync(s.Path("/principals/dave/active-roles")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray(), r => r.Str("roleId") is "sharepoint-administrator" or "member");
        // Without the membership, the group's eligibility is not Dave's (a fresh token: the last one expired with the hour).
        await s.ActivateAsync(s.User("dave"), "user-administrator").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
    }

    [Fact]
    public async Task An_activation_left_standing_on_a_just_in_time_membership_counts_only_while_that_membership_does()
    {
        var (s, dave, _) = await OpsAsync(app);
        await s.SyncAsync("dave", "user", HttpStatusCode.OK, "ops");
        await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created);
        // Made while Dave was also in "ops" in the directory, the activation has the full three hours.
        var admin = await s.ActivateAsync(dave, "user-administrator", duration: "PT3H").ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(app.Time.GetUtcNow().AddHours(3), admin.GetProperty("endsAt").GetDateTimeOffset());
        // He leaves "ops" in the directory; for the hour of his membership the activation still stands on it.
        await s.SyncAsync("dave", "user", HttpStatusCode.OK);
        Assert.Equal("active", (await dave.GetAsync(s.Path($"/activation-requests/{admin.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        await s.WarmIndexAsync();
        var held = Assert.IsType<TenantGrants>(Index.Find(s.Id)); // reloaded, it would be another object; other tenants may load meanwhile
        Assert.Equal("allow", await DecisionAsync(s, "dave", "user-administrator"));
        app.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal("deny", await DecisionAsync(s, "dave", "user-administrator"));
        Assert.Same(held, Index.Find(s.Id));
    }

    [Fact]
    public async Task Deactivating_the_membership_ends_it_at_once_and_revokes_what_stood_on_it()
    {
        var (s, dave, _) = await OpsAsync(app);
        var membership = (await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created)).Str("id");
        var admin = (await s.ActivateAsync(dave, "user-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.WarmIndexAsync();
        Assert.Equal("allow", await DecisionAsync(s, "dave", "user-administrator"));
        Assert.Equal("allow", await DecisionAsync(s, "dave", "sharepoint-administrator"));

        await dave.PostJsonAsync(s.Path($"/activation-requests/{membership}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("deny", await DecisionAsync(s, "dave", "sharepoint-administrator"));
        Assert.Equal("deny", await DecisionAsync(s, "dave", "user-administrator"));
        Assert.Equal("deny", await DecisionAsync(s, "dave", "member", Ops));
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{admin}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        var revoked = (await s.AuditAsync("action=activation.revoked")).EnumerateArray().Single(e => e.Str("targetId") == admin);
        Assert.Equal("membership-removed", JsonSerializer.Deserialize<JsonElement>(revoked.Str("details")).Str("reason"));
        Assert.Equal("dave", revoked.Str("actorId"));
        Assert.Contains((await s.AuditAsync("action=activation.deactivated")).EnumerateArray(), e => e.Str("targetId") == membership);
    }

    [Fact]
    public async Task Ending_a_membership_while_activating_through_it_never_leaves_an_activation_on_nothing()
    {
        var (s, dave, _) = await OpsAsync(app);
        for (var round = 0; round < 8; round++)
        {
            var membership = (await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created)).Str("id");
            var answers = await Task.WhenAll(dave.PostJsonAsync(s.Path($"/activation-requests/{membership}/deactivate")),
                s.ActivateAsync(dave, "user-administrator"));
            await answers[0].ExpectAsync(HttpStatusCode.OK);
            // Either the activation came first and was revoked with the membership, or it came second and found nothing to stand on.
            if (answers[1].StatusCode == HttpStatusCode.Created)
            {
                var id = (await answers[1].ExpectAsync(HttpStatusCode.Created)).Str("id");
                Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{id}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
            }
            else await answers[1].ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
            Assert.Equal("deny", await DecisionAsync(s, "dave", "user-administrator"));
        }
    }

    [Fact]
    public async Task An_administrator_revoking_the_membership_or_removing_the_eligibility_ends_what_stood_on_it()
    {
        var (s, dave, eligibility) = await OpsAsync(app);
        var membership = (await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created)).Str("id");
        var admin = (await s.ActivateAsync(dave, "user-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{membership}/revoke"), new { reason = "Not on call" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{admin}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("deny", await DecisionAsync(s, "dave", "sharepoint-administrator"));

        membership = (await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created)).Str("id");
        admin = (await s.ActivateAsync(dave, "user-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{eligibility}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{membership}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{admin}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("deny", await DecisionAsync(s, "dave", "user-administrator"));
    }

    [Fact]
    public async Task An_active_assignment_of_membership_counts_until_it_is_removed()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("ops", "group", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "ops", "sharepoint-administrator", "active", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "ops", "user-administrator", "eligible", HttpStatusCode.Created);
        var standing = (await AssignMemberAsync(s, s.Alice, "carol", "active", HttpStatusCode.Created)).Str("id");
        Assert.Equal("allow", await DecisionAsync(s, "carol", "sharepoint-administrator"));
        var admin = (await s.ActivateAsync(s.Carol, "user-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        // Made eligible, the membership must be activated: what Carol activated through it goes.
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{standing}/make-eligible")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("deny", await DecisionAsync(s, "carol", "sharepoint-administrator"));
        Assert.Equal("revoked", (await s.Carol.GetAsync(s.Path($"/activation-requests/{admin}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task A_just_in_time_member_of_an_approver_group_approves_only_while_the_membership_is_active()
    {
        var (s, dave, _) = await OpsAsync(app);
        await s.SetSettingsAsync("teams-administrator", ScenarioSettings.Document(requireApproval: true, approvers: ["ops"]));
        await s.AssignAsync(s.Alice, "carol", "teams-administrator", "eligible", HttpStatusCode.Created);
        var request = (await s.ActivateAsync(s.Carol, "teams-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        var approve = new { justification = "Looks right" };
        await dave.PostJsonAsync(s.Path($"/activation-requests/{request}/approve"), approve).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty((await dave.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created);
        Assert.Contains((await dave.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            r => r.Str("id") == request);
        Assert.Equal("active", (await dave.PostJsonAsync(s.Path($"/activation-requests/{request}/approve"), approve).ExpectAsync(HttpStatusCode.OK))
            .Str("status"));
    }

    [Fact]
    public async Task Membership_follows_the_groups_the_group_is_in_and_the_directory_view_stays_the_directorys()
    {
        var (s, dave, _) = await OpsAsync(app);
        await s.SyncAsync("it", "group", HttpStatusCode.Created);
        await s.SyncAsync("ops", "group", HttpStatusCode.OK, "it");
        await s.AssignAsync(s.Alice, "it", "helpdesk-administrator", "active", HttpStatusCode.Created);
        Assert.Equal("deny", await DecisionAsync(s, "dave", "helpdesk-administrator"));
        await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("allow", await DecisionAsync(s, "dave", "helpdesk-administrator"));
        // Pim counts Dave in both groups; the directory's own memberships are what it synced.
        var read = await s.Alice.GetAsync(s.Path("/principals/dave")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(read.GetProperty("memberOf").EnumerateArray());
        Assert.Empty((await s.Alice.GetAsync(s.Path("/principals/dave/memberships")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_groups_owner_administers_its_membership_and_nothing_else()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("team", "group", HttpStatusCode.Created);
        await AssignMemberAsync(s, s.Alice, "carol", "active", HttpStatusCode.Created, roleId: "owner", scope: "/groups/team");
        await s.SyncAsync("erin", "user", HttpStatusCode.Created);
        await AssignMemberAsync(s, s.Carol, "erin", "eligible", HttpStatusCode.Created, scope: "/groups/team");
        await s.Carol.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "erin", roleId = "exchange-administrator", type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.SyncAsync("finance", "group", HttpStatusCode.Created);
        await s.Carol.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "erin", roleId = "member", scope = "/groups/finance", type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("allow", await DecisionAsync(s, "carol", "owner", "/groups/team"));
    }

    [Fact]
    public async Task Group_scopes_take_only_groups_roles_of_a_group_of_the_tenant()
    {
        var (s, dave, _) = await OpsAsync(app);
        async Task Refused(string principalId, string roleId, string? scope, string type, HttpStatusCode status, string code) =>
            await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId, roleId, scope, type }).ExpectProblemAsync(status, code);
        await Refused("dave", "member", null, "eligible", HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await Refused("dave", "member", "/subscriptions/sub1", "eligible", HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await Refused("dave", "exchange-administrator", Ops, "eligible", HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await Refused("dave", "contributor", Ops, "eligible", HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await Refused("dave", "member", "/groups/nobody", "eligible", HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await Refused("dave", "member", "/groups/carol", "eligible", HttpStatusCode.UnprocessableEntity, "invalid-scope"); // a user, not a group
        await Refused("dave", "member", "/groups/", "eligible", HttpStatusCode.BadRequest, "validation-failed");
        await Refused("dave", "member", "/groups/ops/x", "eligible", HttpStatusCode.BadRequest, "validation-failed");
        // A group nests in the directory, never through PIM.
        await s.SyncAsync("it", "group", HttpStatusCode.Created);
        await Refused("it", "member", Ops, "active", HttpStatusCode.UnprocessableEntity, "invalid-scope");
        var eligibleGroup = (await AssignMemberAsync(s, s.Alice, "it", "eligible", HttpStatusCode.Created)).Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{eligibleGroup}/make-active")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        // Activating at a group the principal is not eligible for.
        await s.SyncAsync("finance", "group", HttpStatusCode.Created);
        await JoinAsync(s, dave, "/groups/finance").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");

        // Another tenant's group is no scope here, and this tenant's group none there.
        var other = await Scenario.OnboardAsync(app);
        await other.SyncAsync("payroll", "group", HttpStatusCode.Created);
        await Refused("dave", "member", "/groups/payroll", "eligible", HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await other.Alice.PostJsonAsync(other.Path("/role-assignments"), new { principalId = "carol", roleId = "member", scope = Ops, type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await app.Evaluator().PostJsonAsync(other.Path("/access/evaluation"), new { principalId = "carol", roleId = "member", scope = Ops })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");

        // A deleted group takes its roles with it: the memberships and their eligibilities end, audited, and it is no scope.
        var membership = (await JoinAsync(s, dave).ExpectAsync(HttpStatusCode.Created)).Str("id");
        var owner = (await AssignMemberAsync(s, s.Alice, "carol", "active", HttpStatusCode.Created, roleId: "owner")).Str("id");
        Assert.Equal("allow", await DecisionAsync(s, "dave", "sharepoint-administrator"));
        await s.Operator.DeleteAsync(s.Path("/principals/ops")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("deny", await DecisionAsync(s, "dave", "sharepoint-administrator"));
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{membership}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        await s.Alice.GetAsync(s.Path($"/role-assignments/{owner}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Contains((await s.AuditAsync("action=assignment.removed")).EnumerateArray(), e => e.Str("targetId") == owner);
        await Refused("dave", "member", Ops, "eligible", HttpStatusCode.UnprocessableEntity, "invalid-scope");
    }

    [Fact]
    public async Task The_catalog_names_the_groups_roles()
    {
        var s = await Scenario.OnboardAsync(app);
        var roles = (await s.Carol.GetAsync(s.Path("/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .ToDictionary(r => r.Str("id"));
        Assert.Equal(("group", true), (roles["member"].Str("kind"), roles["member"].GetProperty("atGroups").GetBoolean()));
        Assert.Equal(("resource", true), (roles["owner"].Str("kind"), roles["owner"].GetProperty("atGroups").GetBoolean()));
        Assert.False(roles["global-administrator"].GetProperty("atGroups").GetBoolean());
    }
}
