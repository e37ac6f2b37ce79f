using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Domain;

namespace Pim.Api.Tests.Security;

[Collection(GovernanceSqliteCollection.Name)]
public sealed class AlertCompositionTests_Sqlite(GovernanceSqliteApp app) : AlertCompositionTests(app);

[Collection(GovernancePostgresCollection.Name)]
public sealed class AlertCompositionTests_Postgres(GovernancePostgresApp app) : AlertCompositionTests(app);

/// <summary>
/// Trust boundary: an alert about who holds a role counts every way a principal holds it at the time of the scan — its own
/// assignment, a group's through the directory (directly or nested), through a membership held just in time (an
/// activation of <c>member</c>, an active assignment of it) or one it is eligible for — each principal once, a disabled
/// one not at all; an alert about standing access counts standing memberships of a group that holds the role standing.
/// </summary>
public abstract class AlertCompositionTests(PimApp app)
{
    private static string[] Principals(JsonElement alert) =>
        [.. alert.GetProperty("affectedItems").EnumerateArray().Select(i => i.Str("principalId")).Order(StringComparer.Ordinal)];

    private static JsonElement Item(JsonElement alert, string principalId) =>
        Assert.Single(alert.GetProperty("affectedItems").EnumerateArray(), i => i.Str("principalId") == principalId);

    private static Task<JsonElement> AssignAtAsync(Scenario s, HttpClient client, string principalId, string roleId, string scope, string type) =>
        client.PostJsonAsync(s.Path("/role-assignments"), new { principalId, roleId, scope, type }).ExpectAsync(HttpStatusCode.Created);

    private static async Task SyncAsync(Scenario s, string id, string kind, bool enabled = true, params string[] memberOf)
    {
        using var synced = await s.Operator.PutJsonAsync(s.Path($"/principals/{id}"),
            new { kind, displayName = id, email = kind == "group" ? null : s.Address(id), memberOf, accountEnabled = enabled });
        Assert.True(synced.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await synced.Content.ReadAsStringAsync());
    }

    private static async Task<string> AssignmentIdAsync(Scenario s, string principalId, string roleId) =>
        Assert.Single((await s.Alice.GetAsync(s.Path($"/role-assignments?principalId={principalId}&roleId={roleId}")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray()).Str("id");

    [Fact]
    public async Task Global_administrators_through_a_nested_group_an_active_or_an_activated_membership_are_counted_each_once()
    {
        var s = await Scenario.OnboardAsync(app); // Alice: an active Global Administrator of her own
        await SyncAsync(s, "admins", "group");
        await SyncAsync(s, "nested", "group", memberOf: "admins");
        await s.AssignAsync(s.Alice, "admins", "global-administrator", "active", HttpStatusCode.Created);
        await SyncAsync(s, "alice", "user", memberOf: "admins");              // her own, and through the group: once
        await SyncAsync(s, "dave", "user", memberOf: "nested");               // through a nested group
        await SyncAsync(s, "gina", "user", enabled: false, memberOf: "admins"); // disabled: holds nothing
        // An administrator makes Erin a standing member of it.
        await SyncAsync(s, "erin", "user");
        await AssignAtAsync(s, s.Alice, "erin", "member", "/groups/admins", "active");
        // Frank is eligible for membership and activates it.
        await SyncAsync(s, "frank", "user");
        await AssignAtAsync(s, s.Alice, "frank", "member", "/groups/admins", "eligible");
        var frank = s.User("frank");
        await frank.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "member", scope = "/groups/admins", justification = "On call" })
            .ExpectAsync(HttpStatusCode.Created);
        Assert.True(await s.EvaluateAsync("frank", "global-administrator"));
        Assert.True(await s.EvaluateAsync("erin", "global-administrator"));

        await s.SetAlertAsync(AlertTypes.TooManyGlobalAdministrators, new { enabled = true, maximumCount = 3 });
        await app.SweepGovernanceAsync();
        var alert = Assert.Single(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.TooManyGlobalAdministrators);
        Assert.Equal(4, alert.GetProperty("affectedCount").GetInt32());
        Assert.Equal(["alice", "dave", "erin", "frank"], Principals(alert));
        Assert.Contains("4 principal(s) hold Global Administrator", alert.Str("description"));
        // Each shown by the way that gives the most: Alice's own assignment; the others' through the group's, actively.
        Assert.Equal(await AssignmentIdAsync(s, "alice", "global-administrator"), Item(alert, "alice").Str("assignmentId"));
        foreach (var holder in new[] { "dave", "erin", "frank" }) Assert.Equal("active", Item(alert, holder).Str("assignmentType"));

        // Frank's membership ends: he is still eligible for it, so he may still take the role: an eligible holder.
        app.Time.Advance(TimeSpan.FromHours(2));
        Assert.False(await s.EvaluateAsync("frank", "global-administrator"));
        await app.SweepGovernanceAsync();
        alert = Assert.Single(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.TooManyGlobalAdministrators);
        Assert.Equal(("eligible", 4), (Item(alert, "frank").Str("assignmentType"), alert.GetProperty("affectedCount").GetInt32()));

        // Erin's standing membership and Dave's nested group go: three are left, the alert resolves.
        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{await AssignmentIdAsync(s, "erin", "member")}")).ExpectAsync(HttpStatusCode.NoContent);
        await SyncAsync(s, "nested", "group");
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.TooManyGlobalAdministrators);
    }

    [Fact]
    public async Task Permanent_owners_include_standing_members_of_a_permanent_owner_group_not_activated_ones()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/prod"), new { displayName = "Production" }).ExpectAsync(HttpStatusCode.Created);
        await SyncAsync(s, "owners", "group");
        await s.Operator.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "owners", roleId = "owner", scope = "/subscriptions/prod", type = "active" })
            .ExpectAsync(HttpStatusCode.Created);
        await SyncAsync(s, "o1", "user", memberOf: "owners");                  // the directory's membership: standing
        await SyncAsync(s, "o2", "user");
        await AssignAtAsync(s, s.Alice, "o2", "member", "/groups/owners", "active"); // a permanent active membership: standing
        await SyncAsync(s, "o3", "user");
        await AssignAtAsync(s, s.Alice, "o3", "member", "/groups/owners", "eligible");
        await s.User("o3").PostJsonAsync(s.Path("/activation-requests"), new { roleId = "member", scope = "/groups/owners", justification = "Deploy" })
            .ExpectAsync(HttpStatusCode.Created);                                // activated: an owner, but not a permanent one

        await s.SetAlertAsync(AlertTypes.TooManyPermanentOwners, new { enabled = true, maximumCount = 1 });
        await s.SetAlertAsync(AlertTypes.TooManyOwners, new { enabled = true, maximumCount = 2 });

        await app.SweepGovernanceAsync();
        var alerts = await s.AlertsAsync();
        var permanent = Assert.Single(alerts, a => a.Str("alertType") == AlertTypes.TooManyPermanentOwners);
        Assert.Equal(("/subscriptions/prod", 2), (permanent.Str("scope"), permanent.GetProperty("affectedCount").GetInt32()));
        Assert.Equal(["o1", "o2"], Principals(permanent));
        var owners = Assert.Single(alerts, a => a.Str("alertType") == AlertTypes.TooManyOwners);
        Assert.Equal(["o1", "o2", "o3"], Principals(owners));
        Assert.Equal("owners", (await s.Alice.GetAsync(s.Path($"/role-assignments/{Item(owners, "o3").Str("assignmentId")}")).ExpectAsync(HttpStatusCode.OK)).Str("principalId"));
    }

    [Fact]
    public async Task A_standing_membership_directory_sync_gives_in_a_group_holding_a_privileged_role_is_assigned_outside_pim()
    {
        var s = await Scenario.OnboardAsync(app); // directory roles signed up
        await SyncAsync(s, "admins", "group");
        await SyncAsync(s, "nested", "group", memberOf: "admins");
        await s.AssignAsync(s.Alice, "admins", "global-administrator", "active", HttpStatusCode.Created); // through Pim
        await SyncAsync(s, "dave", "user");
        app.Time.Advance(TimeSpan.FromMinutes(5));
        // Directory sync gives Dave a standing membership of a group nested in one that holds Global Administrator.
        var daves = await AssignAtAsync(s, s.Operator, "dave", "member", "/groups/nested", "active");
        await app.SweepGovernanceAsync();
        var alert = Assert.Single(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.RolesAssignedOutsidePim);
        Assert.Equal(("global-administrator", "/"), (alert.Str("roleId"), alert.Str("scope")));
        var item = Assert.Single(alert.GetProperty("affectedItems").EnumerateArray());
        Assert.Equal(("dave", daves.Str("id"), "active"), (item.Str("principalId"), item.Str("assignmentId"), item.Str("assignmentType")));

        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{daves.Str("id")}/make-eligible")).ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.RolesAssignedOutsidePim);
    }
}
