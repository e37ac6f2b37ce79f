using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class GrantBasisTests_Sqlite(SqliteApp app) : GrantBasisTests(app);

[Collection(PostgresCollection.Name)]
public sealed class GrantBasisTests_Postgres(PostgresApp app) : GrantBasisTests(app);

/// <summary>
/// Trust boundary: a grant is only as alive as what it stands on. Losing the eligibility, the group membership or the
/// principal that an activation or a waiting request relied on ends it at once, audited as revoked with the reason, and
/// the holder and the role administrators are told — and access evaluation never serves it even if a write path missed it.
/// </summary>
public abstract class GrantBasisTests(PimApp app)
{
    /// <summary>Dave, a member of group "team", which is eligible for Helpdesk Administrator.</summary>
    private static async Task<Scenario> TeamAsync(PimApp app)
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/team"), new { kind = "group", displayName = "Team" }).ExpectAsync(HttpStatusCode.Created);
        await SyncDaveAsync(s, HttpStatusCode.Created, "team");
        await s.AssignAsync(s.Alice, "team", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        return s;
    }

    private static Task<JsonElement> SyncDaveAsync(Scenario s, HttpStatusCode expected, params string[] memberOf) =>
        s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave", email = $"dave@{s.Id}.example", memberOf })
            .ExpectAsync(expected);

    private static async Task<string> RevocationReasonAsync(Scenario s, string requestId)
    {
        var revoked = (await s.AuditAsync("action=activation.revoked")).EnumerateArray().Single(e => e.Str("targetId") == requestId);
        return JsonSerializer.Deserialize<JsonElement>(revoked.Str("details")).Str("reason");
    }

    private static async Task<string[]> NotificationSummariesAsync(Scenario s) =>
        (await s.Alice.GetAsync(s.Path("/notifications?pageSize=200")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
        .Select(n => n.Str("summary")).ToArray();

    [Fact]
    public async Task Leaving_the_group_ends_an_activation_made_through_it()
    {
        var s = await TeamAsync(app);
        var dave = s.User("dave");
        var request = (await s.ActivateAsync(dave, roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        Assert.True(await s.EvaluateAsync("dave", "helpdesk-administrator"));

        await SyncDaveAsync(s, HttpStatusCode.OK); // re-synced without the group
        Assert.False(await s.EvaluateAsync("dave", "helpdesk-administrator"));
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{request}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("membership-removed", await RevocationReasonAsync(s, request));
        var revokedMail = Assert.Single(await NotificationSummariesAsync(s), m => m.Contains("was revoked"));
        Assert.Contains($"dave@{s.Id}.example", revokedMail);
        Assert.Contains($"alice@{s.Id}.example", revokedMail); // a Privileged Role and Security Administrator
    }

    [Fact]
    public async Task A_waiting_request_ends_when_its_membership_goes_and_cannot_be_approved()
    {
        var s = await TeamAsync(app);
        await s.SetSettingsAsync("helpdesk-administrator", ScenarioSettings.Document(requireApproval: true));
        var request = (await s.ActivateAsync(s.User("dave"), roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await SyncDaveAsync(s, HttpStatusCode.OK);
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request}/approve"), new { justification = "ok" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.False(await s.EvaluateAsync("dave", "helpdesk-administrator"));
        Assert.Equal("membership-removed", await RevocationReasonAsync(s, request));
    }

    [Fact]
    public async Task A_basis_removed_behind_Pims_back_grants_nothing_and_is_revoked_at_the_next_decision()
    {
        var s = await TeamAsync(app);
        await s.SetSettingsAsync("helpdesk-administrator", ScenarioSettings.Document(requireApproval: true));
        var dave = s.User("dave");
        var request = (await s.ActivateAsync(dave, roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("dave", "helpdesk-administrator"));

        // The membership disappears without any write path of Pim's seeing it (a restore, a manual fix, a bug).
        var store = app.Services.GetRequiredService<Pim.Infrastructure.Store>();
        await using (var connection = await store.OpenAsync(CancellationToken.None))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"DELETE FROM group_memberships WHERE tenant_id = '{s.Id}' AND member_id = 'dave'";
            await command.ExecuteNonQueryAsync();
        }
        // The grant index hears of it through the store's change feed (not this replica's unit of work): within its window.
        // Within it, answers may still differ (the store denies while a load that read before the change is installed and
        // answers from memory, until the feed forgets it): by its end, every answer denies.
        Assert.True(await Eventually.WithinAsync(Eventually.FeedWindow, async () => !await s.EvaluateAsync("dave", "helpdesk-administrator")
            && !(await app.Evaluator().GetAsync(s.Path("/principals/dave/active-roles")).ExpectAsync(HttpStatusCode.OK))
                .GetProperty("items").EnumerateArray().Any(r => r.Str("roleId") == "helpdesk-administrator")));
        Assert.False(await s.EvaluateAsync("dave", "helpdesk-administrator"));
        // Extending it is refused, and the refusal records the revocation.
        await dave.PostJsonAsync(s.Path($"/activation-requests/{request}/extend"), new { duration = "PT10M" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Equal("revoked", (await dave.GetAsync(s.Path($"/activation-requests/{request}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("membership-removed", await RevocationReasonAsync(s, request));
    }

    [Fact]
    public async Task A_disabled_principal_holds_nothing_until_enabled_again()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "bob", "user-administrator", "eligible", HttpStatusCode.Created);
        var request = (await s.ActivateAsync(s.Bob, roleId: "user-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");

        var disabled = await s.Operator.PutJsonAsync(s.Path("/principals/bob"), new { kind = "user", displayName = "Bob", email = $"bob@{s.Id}.example", accountEnabled = false })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.False(disabled.GetProperty("accountEnabled").GetBoolean());
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator")); // his standing right is suspended
        Assert.False(await s.EvaluateAsync("bob", "user-administrator"));
        Assert.Equal("principal-disabled", await RevocationReasonAsync(s, request));
        await s.ActivateAsync(s.Bob, roleId: "user-administrator").ExpectProblemAsync(HttpStatusCode.Forbidden, "principal-disabled");

        await s.Operator.PutJsonAsync(s.Path("/principals/bob"), new { kind = "user", displayName = "Bob" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator")); // standing access returns with the account
        Assert.False(await s.EvaluateAsync("bob", "user-administrator")); // the revoked activation does not
    }

    [Fact]
    public async Task A_disabled_approver_approves_nothing()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true, approvers: ["carol"]));
        await s.MakeBobEligibleAsync();
        var request = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "user", displayName = "Carol", accountEnabled = false }).ExpectAsync(HttpStatusCode.OK);
        await s.Carol.PostJsonAsync(s.Path($"/activation-requests/{request}/approve"), new { justification = "ok" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Operator.PutJsonAsync(s.Path("/principals/team"), new { kind = "group", displayName = "Team", accountEnabled = false })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Deleting_a_principal_or_its_group_ends_everything_that_stood_on_it()
    {
        var s = await TeamAsync(app);
        var dave = s.User("dave");
        var throughGroup = (await s.ActivateAsync(dave, roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.MakeBobEligibleAsync();
        var bobs = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");

        await s.Operator.DeleteAsync(s.Path("/principals/team")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.False(await s.EvaluateAsync("dave", "helpdesk-administrator"));
        Assert.Equal("eligibility-removed", await RevocationReasonAsync(s, throughGroup));
        Assert.Empty((await s.User("dave").GetAsync(s.Path("/principals/dave")).ExpectAsync(HttpStatusCode.OK)).GetProperty("memberOf").EnumerateArray());

        await s.Operator.DeleteAsync(s.Path("/principals/bob")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal("principal-deleted", await RevocationReasonAsync(s, bobs));
        await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(2, (await s.AuditActionsAsync("action=principal.deleted")).Length);
        await s.Operator.DeleteAsync(s.Path("/principals/bob")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await s.Alice.DeleteAsync(s.Path("/principals/carol")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Making_an_eligibility_active_ends_the_activations_made_through_it()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var request = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-active")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("eligibility-made-active", await RevocationReasonAsync(s, request));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator")); // now as standing access
    }
}
