using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using static Pim.Api.Tests.Approvals.Workflow;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class CompositionTests_Sqlite(SqliteApp app) : CompositionTests(app);

[Collection(PostgresCollection.Name)]
public sealed class CompositionTests_Postgres(PostgresApp app) : CompositionTests(app);

/// <summary>
/// A grant is governed by everything it confers (issue 24): features that are safe alone — group owners, just-in-time
/// membership, nested groups, eligibility of groups, auto-approval, multi-stage approval, guests, workloads — composed
/// as an attacker would compose them. Each test is one class of the attack and fails on code that lets it through.
/// </summary>
public abstract class CompositionTests(PimApp app)
{
    private const string Admins = "/groups/admins";

    /// <summary>
    /// "admins" actively holds Global Administrator; "inner" is nested in it. Carol owns both (made so by Alice, who may
    /// assign Global Administrator); Erin is a plain user.
    /// </summary>
    private static async Task<Scenario> AdminsAsync(PimApp app)
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("admins", "group", HttpStatusCode.Created);
        await s.SyncAsync("inner", "group", HttpStatusCode.Created, "admins");
        await s.SyncAsync("erin", "user", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "admins", "global-administrator", "active", HttpStatusCode.Created);
        await Grant(s, s.Alice, "carol", "owner", Admins, "active").ExpectAsync(HttpStatusCode.Created);
        await Grant(s, s.Alice, "carol", "owner", "/groups/inner", "active").ExpectAsync(HttpStatusCode.Created);
        return s;
    }

    private static Task<HttpResponseMessage> Grant(Scenario s, HttpClient client, string principalId, string roleId, string scope, string type,
        DateTimeOffset? endsAt = null) =>
        client.PostJsonAsync(s.Path("/role-assignments"), new { principalId, roleId, scope, type, endsAt });

    private static Task<HttpResponseMessage> Join(Scenario s, HttpClient client, string scope = Admins, string? duration = null,
        string? justification = "Incident 4711") =>
        client.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "member", scope, duration, justification });

    private async Task<bool> HoldsAsync(Scenario s, string principalId, string roleId, string? scope = null) =>
        (await app.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId, roleId, scope }).ExpectAsync(HttpStatusCode.OK))
        .Str("decision") == "allow";

    private static object RelaxedMembership => ScenarioSettings.Document(maximumDuration: "PT8H", requireMfa: false, requireJustification: false,
        allowWorkloads: true, allowGuests: true);

    [Fact]
    public async Task An_owner_of_a_group_that_holds_Global_Administrator_grants_its_membership_to_nobody_least_of_all_themselves()
    {
        var s = await AdminsAsync(app);
        var self = await Grant(s, s.Carol, "carol", "member", Admins, "active").ExpectProblemAsync(HttpStatusCode.Forbidden, "self-assignment-forbidden");
        Assert.Contains("themselves", self.Str("detail"));
        foreach (var type in new[] { "active", "eligible" })
        {
            var refused = await Grant(s, s.Carol, "erin", "member", Admins, type).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains("'global-administrator'", refused.Str("detail"));
        }
        // A group nested in the privileged group confers what it confers.
        var nested = await Grant(s, s.Carol, "erin", "member", "/groups/inner", "active").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("(held by 'admins')", nested.Str("detail"));
        // Nor can she make herself the owner of another way in.
        await Grant(s, s.Carol, "erin", "owner", "/groups/inner", "active").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.False(await HoldsAsync(s, "carol", "global-administrator"));
        Assert.False(await HoldsAsync(s, "erin", "global-administrator"));
        Assert.Empty(await s.AuditActionsAsync("action=assignment.created&principalId=erin"));

        // A Global Administrator may grant it; the role administrators hear of it as of a grant of Global Administrator.
        var granted = await Grant(s, s.Alice, "erin", "member", Admins, "eligible").ExpectAsync(HttpStatusCode.Created);
        var audit = (await s.AuditAsync("action=assignment.created&principalId=erin")).EnumerateArray().Single();
        Assert.Equal(granted.Str("id"), audit.Str("targetId"));
        Assert.Contains("global-administrator", audit.Str("details"));
        await app.DispatchAllAsync();
        Assert.Contains(app.MailTo(s.Address("alice")), m => m.Subject is { } subject && subject.Contains("erin was made eligible for Member of /groups/admins, which confers global-administrator"));
    }

    [Fact]
    public async Task An_owner_manages_the_membership_of_a_group_that_confers_nothing_beyond_what_they_could_assign()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("team", "group", HttpStatusCode.Created);
        await s.SyncAsync("erin", "user", HttpStatusCode.Created);
        await Grant(s, s.Alice, "carol", "owner", "/groups/team", "active").ExpectAsync(HttpStatusCode.Created);
        await Grant(s, s.Carol, "erin", "member", "/groups/team", "active").ExpectAsync(HttpStatusCode.Created);
        Assert.True(await HoldsAsync(s, "erin", "member", "/groups/team"));
        // Once the group confers a role Carol could not assign, her grants stop.
        await s.AssignAsync(s.Alice, "team", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        await s.SyncAsync("finn", "user", HttpStatusCode.Created);
        await Grant(s, s.Carol, "finn", "member", "/groups/team", "eligible").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Nobody_grants_a_role_to_themselves_or_to_a_group_they_are_in_nor_makes_their_own_eligibility_standing()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "alice", "exchange-administrator", "eligible", HttpStatusCode.Forbidden);
        await s.SyncAsync("helpdesk", "group", HttpStatusCode.Created);
        await s.SyncAsync("alice", "user", HttpStatusCode.OK, "helpdesk");
        await s.AssignAsync(s.Alice, "helpdesk", "exchange-administrator", "eligible", HttpStatusCode.Forbidden);
        // Another administrator makes Alice eligible; she cannot turn it into standing access herself.
        var dan = await s.SecondAdministratorAsync();
        var eligibility = (await s.AssignAsync(dan, "alice", "user-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{eligibility}/make-active"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "self-assignment-forbidden");
        Assert.False(await HoldsAsync(s, "alice", "user-administrator"));
        await dan.PostJsonAsync(s.Path($"/role-assignments/{eligibility}/make-active")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_membership_of_such_a_group_is_held_to_the_policy_of_Global_Administrator_which_its_own_settings_cannot_relax()
    {
        var s = await AdminsAsync(app);
        await s.ReplaceAsync(s.Path("/roles/member/settings?scope=/groups/admins"), RelaxedMembership);
        await Grant(s, s.Alice, "erin", "member", Admins, "eligible").ExpectAsync(HttpStatusCode.Created);

        var mine = (await s.User("erin").GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(r => r.Str("roleId") == "member");
        var requirements = mine.GetProperty("requirements");
        Assert.True(requirements.GetProperty("requireMfa").GetBoolean());
        Assert.True(requirements.GetProperty("requireJustification").GetBoolean());
        Assert.False(requirements.GetProperty("allowWorkloads").GetBoolean());
        Assert.Equal("PT1H", requirements.Str("maximumDuration"));
        Assert.Equal([("global-administrator", "/", "admins")],
            mine.GetProperty("governedBy").EnumerateArray().Select(g => (g.Str("roleId"), g.Str("scope"), g.Str("groupId"))).ToArray());

        var noMfa = await Join(s, s.User("erin", mfa: false)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
        Assert.Contains("'global-administrator' at '/'", noMfa.Str("detail"));
        await Join(s, s.User("erin"), justification: null).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "justification-required");
        await Join(s, s.User("erin"), duration: "PT8H").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "duration-exceeds-maximum");
        Assert.False(await HoldsAsync(s, "erin", "global-administrator"));

        var joined = await Join(s, s.User("erin")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("active", joined.Str("status"));
        Assert.Equal("global-administrator", joined.GetProperty("governedBy").EnumerateArray().Single().Str("roleId"));
        Assert.Equal(app.Time.GetUtcNow().AddHours(1), joined.GetProperty("endsAt").GetDateTimeOffset());
        Assert.True(await HoldsAsync(s, "erin", "global-administrator"));
        var read = await s.User("erin").GetAsync(s.Path($"/activation-requests/{joined.Str("id")}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("admins", read.GetProperty("governedBy").EnumerateArray().Single().Str("groupId"));
    }

    [Fact]
    public async Task Approval_and_the_rules_of_standing_access_of_the_conferred_role_apply_to_the_membership()
    {
        var s = await AdminsAsync(app);
        await s.SetSettingsAsync("global-administrator", ScenarioSettings.Document(requireApproval: true, allowPermanentActive: false,
            maximumActiveDuration: "P30D"));
        await s.ReplaceAsync(s.Path("/roles/member/settings?scope=/groups/admins"), RelaxedMembership);
        await Grant(s, s.Alice, "erin", "member", Admins, "active").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "permanent-assignment-forbidden");
        await Grant(s, s.Alice, "erin", "member", Admins, "active", endsAt: app.Time.GetUtcNow().AddDays(60))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "assignment-duration-exceeds-maximum");
        await Grant(s, s.Alice, "erin", "member", Admins, "eligible").ExpectAsync(HttpStatusCode.Created);
        var pending = await Join(s, s.User("erin")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pendingApproval", pending.Str("status"));
        Assert.False(await HoldsAsync(s, "erin", "global-administrator"));
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{pending.Str("id")}/approve"), new { justification = "Incident" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await HoldsAsync(s, "erin", "global-administrator"));
    }

    [Fact]
    public async Task Workloads_and_guests_activate_no_membership_of_a_group_whose_roles_forbid_them()
    {
        var s = await AdminsAsync(app);
        await s.ReplaceAsync(s.Path("/roles/member/settings?scope=/groups/admins"), RelaxedMembership);
        await s.Operator.PutJsonAsync(s.Path("/principals/ci"), new { kind = "servicePrincipal", displayName = "CI" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/gus"), new
        {
            kind = "guest", displayName = "Gus", email = "gus@fabrikam.example", homeTenantId = "fabrikam", homePrincipalId = "gus-home",
        }).ExpectAsync(HttpStatusCode.Created);
        foreach (var who in new[] { "ci", "gus" }) await Grant(s, s.Alice, who, "member", Admins, "eligible").ExpectAsync(HttpStatusCode.Created);

        await Join(s, s.User("ci", mfa: false)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "workload-not-allowed");
        await Join(s, app.Client("gus-home", "fabrikam")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "guest-not-allowed");
        // A guest is a guest by what it is, whatever tenant its token names.
        await Join(s, s.User("gus")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "guest-not-allowed");
        Assert.False(await HoldsAsync(s, "ci", "global-administrator"));
        Assert.False(await HoldsAsync(s, "gus", "global-administrator"));
    }

    [Fact]
    public async Task A_membership_granted_through_PIM_ends_when_its_group_comes_to_confer_more_than_it_was_granted_under()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var group in new[] { "team", "crew", "admins" }) await s.SyncAsync(group, "group", HttpStatusCode.Created);
        foreach (var user in new[] { "erin", "finn", "gil" }) await s.SyncAsync(user, "user", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "admins", "global-administrator", "active", HttpStatusCode.Created);
        // Granted while the groups conferred nothing: by their owner Carol, and activated by Erin and Gil.
        await Grant(s, s.Alice, "carol", "owner", "/groups/team", "active").ExpectAsync(HttpStatusCode.Created);
        var standing = (await Grant(s, s.Carol, "finn", "member", "/groups/team", "active").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await Grant(s, s.Alice, "erin", "member", "/groups/team", "eligible").ExpectAsync(HttpStatusCode.Created);
        await Grant(s, s.Alice, "gil", "member", "/groups/crew", "eligible").ExpectAsync(HttpStatusCode.Created);
        var erins = (await Join(s, s.User("erin"), "/groups/team").ExpectAsync(HttpStatusCode.Created)).Str("id");
        var gils = (await Join(s, s.User("gil"), "/groups/crew").ExpectAsync(HttpStatusCode.Created)).Str("id");

        // An administrator gives the team Global Administrator: what was granted under less ends, audited.
        await s.AssignAsync(s.Alice, "team", "global-administrator", "active", HttpStatusCode.Created);
        Assert.False(await HoldsAsync(s, "erin", "global-administrator"));
        Assert.False(await HoldsAsync(s, "finn", "global-administrator"));
        Assert.Equal("revoked", (await s.User("erin").GetAsync(s.Path($"/activation-requests/{erins}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        var revoked = (await s.AuditAsync("action=activation.revoked")).EnumerateArray().Single(e => e.Str("targetId") == erins);
        Assert.Equal("conferral-grew", JsonSerializer.Deserialize<JsonElement>(revoked.Str("details")).Str("reason"));
        Assert.Equal("eligible", (await s.Alice.GetAsync(s.Path($"/role-assignments/{standing}")).ExpectAsync(HttpStatusCode.OK)).Str("type"));
        var demoted = (await s.AuditAsync("action=assignment.madeEligible")).EnumerateArray().Single(e => e.Str("targetId") == standing);
        Assert.Contains("conferral-grew", demoted.Str("details"));
        // Finn activates it again, under Global Administrator's policy now.
        await Join(s, s.User("finn", mfa: false), "/groups/team").ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");

        // The directory nests the crew in the admins: Gil's membership of the crew ends the same way.
        Assert.True(await HoldsAsync(s, "gil", "member", "/groups/crew"));
        await s.SyncAsync("crew", "group", HttpStatusCode.OK, "admins");
        Assert.False(await HoldsAsync(s, "gil", "global-administrator"));
        Assert.Equal("revoked", (await s.User("gil").GetAsync(s.Path($"/activation-requests/{gils}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        // A membership granted under everything the group confers stays.
        var again = (await Join(s, s.User("gil"), "/groups/crew").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.SyncAsync("crew", "group", HttpStatusCode.OK, "admins");
        Assert.Equal("active", (await s.User("gil").GetAsync(s.Path($"/activation-requests/{again}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task A_membership_activated_while_its_group_comes_to_confer_more_never_outlives_the_change()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("team", "group", HttpStatusCode.Created);
        await s.SyncAsync("erin", "user", HttpStatusCode.Created);
        await s.ReplaceAsync(s.Path("/roles/member/settings?scope=/groups/team"), RelaxedMembership);
        await Grant(s, s.Alice, "erin", "member", "/groups/team", "eligible").ExpectAsync(HttpStatusCode.Created);
        var erin = s.User("erin", mfa: false); // meets the team's own policy, never Global Administrator's
        for (var round = 0; round < 8; round++)
        {
            var answers = await Task.WhenAll(Join(s, erin, "/groups/team"),
                s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "team", roleId = "global-administrator", type = "active" }));
            var granted = (await answers[1].ExpectAsync(HttpStatusCode.Created)).Str("id");
            // The activation came first and was revoked by the grant, or came second and met Global Administrator's policy.
            if (answers[0].StatusCode == HttpStatusCode.Created)
            {
                var id = (await answers[0].ExpectAsync(HttpStatusCode.Created)).Str("id");
                Assert.Equal("revoked", (await erin.GetAsync(s.Path($"/activation-requests/{id}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
            }
            else await answers[0].ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
            Assert.False(await HoldsAsync(s, "erin", "global-administrator"));
            await s.Alice.DeleteAsync(s.Path($"/role-assignments/{granted}")).ExpectAsync(HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task A_group_is_never_eligible_for_its_own_membership_nor_in_a_circle_of_eligibilities()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var group in new[] { "a", "b", "c" }) await s.SyncAsync(group, "group", HttpStatusCode.Created);
        await s.SyncAsync("d", "group", HttpStatusCode.Created, "a"); // d is nested in a
        await Grant(s, s.Alice, "a", "member", "/groups/a", "eligible").ExpectProblemAsync(HttpStatusCode.Conflict, "eligibility-cycle");
        await Grant(s, s.Alice, "a", "member", "/groups/b", "eligible").ExpectAsync(HttpStatusCode.Created);
        await Grant(s, s.Alice, "b", "member", "/groups/a", "eligible").ExpectProblemAsync(HttpStatusCode.Conflict, "eligibility-cycle");
        await Grant(s, s.Alice, "b", "member", "/groups/c", "eligible").ExpectAsync(HttpStatusCode.Created);
        await Grant(s, s.Alice, "c", "member", "/groups/a", "eligible").ExpectProblemAsync(HttpStatusCode.Conflict, "eligibility-cycle");
        // A member of d is a member of a: d's membership leads back to a.
        await Grant(s, s.Alice, "a", "member", "/groups/d", "eligible").ExpectProblemAsync(HttpStatusCode.Conflict, "eligibility-cycle");
        var memberships = (await s.Alice.GetAsync(s.Path("/role-assignments?roleId=member")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(["/groups/b", "/groups/c"], memberships.EnumerateArray().Select(a => a.Str("scope")).Order().ToArray());
    }

    [Fact]
    public async Task Memberships_that_stand_on_each_other_end_when_the_directory_membership_they_began_with_ends()
    {
        // Eligibilities that make a circle, as an older version let them be written (here: straight into the store).
        var s = await Scenario.OnboardAsync(app);
        foreach (var group in new[] { "a", "b", "g" }) await s.SyncAsync(group, "group", HttpStatusCode.Created);
        await s.SyncAsync("erin", "user", HttpStatusCode.Created, "a", "g");
        await Grant(s, s.Alice, "a", "member", "/groups/b", "eligible").ExpectAsync(HttpStatusCode.Created);
        await InsertEligibilityAsync(s, "b", "/groups/a");
        await InsertEligibilityAsync(s, "g", "/groups/g");
        var erin = s.User("erin");

        var intoB = (await Join(s, erin, "/groups/b").ExpectAsync(HttpStatusCode.Created)).Str("id");
        // Her membership of b, held through PIM, is no basis for another membership: b's eligibility for a is not hers.
        await Join(s, erin, "/groups/a").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        var intoG = (await Join(s, erin, "/groups/g").ExpectAsync(HttpStatusCode.Created)).Str("id");

        // Her directory membership of g goes behind Pim's back: the membership she activated through it is its own basis
        // now, and counts for nothing (evaluation reads the directory's membership alone, by the end of the feed window).
        await ExecuteAsync($"DELETE FROM group_memberships WHERE tenant_id = '{s.Id}' AND member_id = 'erin' AND group_id = 'g'");
        Assert.True(await Eventually.WithinAsync(Eventually.FeedWindow, async () => !await HoldsAsync(s, "erin", "member", "/groups/g")));
        Assert.False(await HoldsAsync(s, "erin", "member", "/groups/g"));

        // The directory takes her out of a (through Pim): what she activated through it ends.
        await s.SyncAsync("erin", "user", HttpStatusCode.OK);
        foreach (var id in new[] { intoB, intoG })
            Assert.Equal("revoked", (await erin.GetAsync(s.Path($"/activation-requests/{id}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.False(await HoldsAsync(s, "erin", "member", "/groups/b"));
    }

    private Task InsertEligibilityAsync(Scenario s, string groupId, string scope)
    {
        var now = app.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return ExecuteAsync($"""
            INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at, justification,
                                          created_at, created_by, version, source)
            VALUES ('{s.Id}', '{Guid.NewGuid():N}', '{groupId}', 'member', '{scope}', 'eligible', '{now}', NULL, 'legacy', '{now}', 'legacy', 1, 'pim')
            """);
    }

    /// <summary>A change straight in the store, as a restore, a manual fix or an older version would make it.</summary>
    private async Task ExecuteAsync(string sql)
    {
        var store = app.Services.GetRequiredService<Pim.Infrastructure.Store>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_auto_approval_rule_is_not_met_by_a_membership_the_requester_just_activated()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("oncall", "group", HttpStatusCode.Created);
        await s.SyncAsync("erin", "user", HttpStatusCode.Created);
        await s.SyncAsync("finn", "user", HttpStatusCode.Created, "oncall");
        await s.SetSettingsAsync("user-administrator", StagedSettings([Stage(1)], autoApprove: [new { name = "on-call", memberOf = new[] { "oncall" } }]));
        foreach (var who in new[] { "erin", "finn" }) await s.AssignAsync(s.Alice, who, "user-administrator", "eligible", HttpStatusCode.Created);
        await Grant(s, s.Alice, "erin", "member", "/groups/oncall", "eligible").ExpectAsync(HttpStatusCode.Created);

        await Join(s, s.User("erin"), "/groups/oncall").ExpectAsync(HttpStatusCode.Created);
        var erins = await s.ActivateAsync(s.User("erin"), "user-administrator").ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pendingApproval", erins.Str("status"));
        // A member of the group in the directory meets the rule.
        var finns = await s.ActivateAsync(s.User("finn"), "user-administrator").ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("active", "on-call"), (finns.Str("status"), finns.GetProperty("approval").Str("autoApprovedBy")));
    }

    [Fact]
    public async Task One_person_in_the_approvers_of_two_stages_passes_only_one_of_them()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("first-line", "group", HttpStatusCode.Created);
        await s.SyncAsync("second-line", "group", HttpStatusCode.Created);
        await s.SyncAsync("gil", "user", HttpStatusCode.Created, "first-line", "second-line");
        await s.SyncAsync("hal", "user", HttpStatusCode.Created, "second-line");
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1, approvers: "first-line"), Stage(1, approvers: "second-line")]));
        await s.MakeBobEligibleAsync();
        var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        var gil = s.User("gil");
        await gil.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain((await gil.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            r => r.Str("id") == id);
        await gil.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "ok again" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "already-decided");
        Assert.False(await HoldsAsync(s, "bob", "exchange-administrator"));
        var approved = await s.User("hal").PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "ok" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", approved.Str("status"));
    }

    [Fact]
    public async Task A_service_principal_activates_no_privileged_role_by_default_and_decides_no_approval_even_when_allowed_to_hold_one()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/ci"), new { kind = "servicePrincipal", displayName = "CI" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "ci", "security-administrator", "eligible", HttpStatusCode.Created);
        var ci = s.User("ci", mfa: false);
        await s.ActivateAsync(ci, "security-administrator").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "workload-not-allowed");

        // Allowed explicitly, it holds the role — and still approves nothing: approval is a person's judgement.
        await s.SetSettingsAsync("security-administrator", ScenarioSettings.Document(allowWorkloads: true));
        await s.ActivateAsync(ci, "security-administrator").ExpectAsync(HttpStatusCode.Created);
        Assert.True(await HoldsAsync(s, "ci", "security-administrator"));
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        await s.MakeBobEligibleAsync();
        var bobs = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        Assert.Empty((await ci.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await ci.PostJsonAsync(s.Path($"/activation-requests/{bobs}/approve"), new { justification = "ok" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.False(await HoldsAsync(s, "bob", "exchange-administrator"));
    }

    [Fact]
    public async Task A_guest_is_a_guest_whatever_tenant_its_token_names()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/gus"), new
        {
            kind = "guest", displayName = "Gus", email = "gus@fabrikam.example", homeTenantId = "fabrikam", homePrincipalId = "gus-home",
        }).ExpectAsync(HttpStatusCode.Created);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(allowGuests: false));
        await s.AssignAsync(s.Alice, "gus", "exchange-administrator", "eligible", HttpStatusCode.Created);
        await s.ActivateAsync(s.User("gus")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "guest-not-allowed");
        await s.ActivateAsync(app.Client("gus-home", "fabrikam")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "guest-not-allowed");
        Assert.False(await HoldsAsync(s, "gus", "exchange-administrator"));
    }
}
