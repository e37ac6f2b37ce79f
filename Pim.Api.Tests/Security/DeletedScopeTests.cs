using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Domain;

namespace Pim.Api.Tests.Security;

[Collection(GovernanceSqliteCollection.Name)]
public sealed class DeletedScopeTests_Sqlite(GovernanceSqliteApp app) : DeletedScopeTests(app);

[Collection(GovernancePostgresCollection.Name)]
public sealed class DeletedScopeTests_Postgres(GovernancePostgresApp app) : DeletedScopeTests(app);

/// <summary>
/// Trust boundary: a scope that ceases to exist leaves nothing behind. A group deleted takes with it, in the same
/// transaction and audited, the role settings saved at its scope, the access reviews of it (instances and items) and its
/// alert incidents (a dismissal included), so that a new group of the same id starts from the defaults and inherits no
/// review and no dismissal; a group never changes kind, which would make its scope come and go with all that kept.
/// </summary>
public abstract class DeletedScopeTests(PimApp app)
{
    private const string G = "/groups/g";
    private static readonly string Settings = $"/roles/member/settings?scope={Uri.EscapeDataString(G)}";

    private static Task<JsonElement> AssignAtAsync(Scenario s, string principalId, string roleId, string type) =>
        s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId, roleId, scope = G, type }).ExpectAsync(HttpStatusCode.Created);

    private static JsonElement Details(JsonElement audited) => JsonSerializer.Deserialize<JsonElement>(audited.Str("details"));

    [Fact]
    public async Task A_group_deleted_and_created_again_starts_from_the_defaults_with_no_review_and_no_dismissal_of_the_old_one()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("g", "group", HttpStatusCode.Created);
        foreach (var name in new[] { "o1", "o2" }) await s.SyncUserAsync(name);
        // Its settings: membership without MFA, for up to three days.
        await s.ReplaceAsync(s.Path(Settings), ScenarioSettings.Document(maximumDuration: "P3D", requireMfa: false));
        // A review of its members, started.
        await AssignAtAsync(s, "carol", "member", "eligible");
        var review = (await s.Alice.PostJsonAsync(s.Path("/access-reviews"), new
        {
            displayName = "Members of g", scope = G, roleIds = new[] { "member" }, assignmentTypes = "both", reviewers = "roleAdministrators",
            recurrence = "once", duration = "P14D", defaultDecision = "recommendation", autoApply = false, justificationRequired = false,
        }).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await app.SweepGovernanceAsync();
        Assert.Single((await s.Alice.GetAsync(s.Path($"/access-reviews/{review}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        // Too many owners of it, an alert dismissed.
        await s.SetAlertAsync(AlertTypes.TooManyOwners, new { enabled = true, maximumCount = 1 });
        foreach (var name in new[] { "o1", "o2" }) await AssignAtAsync(s, name, "owner", "eligible");
        await app.SweepGovernanceAsync();
        var incident = Assert.Single(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.TooManyOwners && a.Str("scope") == G).Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/alerts/{incident}/dismiss"), new { justification = "Two owners by design" }).ExpectAsync(HttpStatusCode.OK);

        await s.Operator.DeleteAsync(s.Path("/principals/g")).ExpectAsync(HttpStatusCode.NoContent);
        await s.SyncAsync("g", "group", HttpStatusCode.Created);

        // The defaults, inherited from '/': nothing of the old group's settings.
        using (var read = await s.Alice.GetAsync(s.Path(Settings)))
        {
            var settings = await read.ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("\"0\"", read.Headers.ETag!.ToString());
            Assert.Equal(("/", "PT1H", true), (settings.Str("inheritedFrom"), settings.GetProperty("activation").Str("maximumDuration"),
                settings.GetProperty("activation").GetProperty("requireMfa").GetBoolean()));
        }
        // No review of the old group.
        Assert.DoesNotContain((await s.Alice.GetAsync(s.Path("/access-reviews")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            r => r.Str("scope") == G);
        await s.Alice.GetAsync(s.Path($"/access-reviews/{review}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await s.Alice.GetAsync(s.Path($"/access-reviews/{review}/instances")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        // The old incident resolved, its dismissal with it: too many owners of the new group is a new, open incident.
        Assert.Equal("resolved", (await s.Alice.GetAsync(s.Path($"/alerts/{incident}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        foreach (var name in new[] { "o1", "o2" }) await AssignAtAsync(s, name, "owner", "eligible");
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        var again = Assert.Single(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.TooManyOwners && a.Str("scope") == G);
        Assert.NotEqual(incident, again.Str("id"));

        // The audit says what went, by whom and why.
        var settingsDeleted = Assert.Single((await s.AuditAsync("action=roleSettings.deleted")).EnumerateArray());
        Assert.Equal(("member", G, "service"), (settingsDeleted.Str("roleId"), settingsDeleted.Str("scope"), settingsDeleted.Str("actorKind")));
        Assert.Equal("principal-deleted", Details(settingsDeleted).Str("reason"));
        var saved = Assert.Single((await s.AuditAsync("action=roleSettings.updated")).EnumerateArray(), e => e.Str("scope") == G);
        Assert.Equal(Details(saved).GetProperty("newValue").GetRawText(), Details(settingsDeleted).GetProperty("oldValue").GetRawText());
        Assert.False(Details(settingsDeleted).GetProperty("oldValue").GetProperty("activation").GetProperty("requireMfa").GetBoolean());
        var reviewDeleted = Assert.Single((await s.AuditAsync("action=accessReview.deleted")).EnumerateArray());
        Assert.Equal((review, G, 1, 1), (reviewDeleted.Str("targetId"), reviewDeleted.Str("scope"),
            Details(reviewDeleted).GetProperty("instancesRemoved").GetInt32(), Details(reviewDeleted).GetProperty("itemsRemoved").GetInt32()));
        var resolved = Assert.Single((await s.AuditAsync("action=alert.resolved")).EnumerateArray(), e => e.Str("targetId") == incident);
        Assert.Equal(("service", "principal-deleted"), (resolved.Str("actorKind"), Details(resolved).Str("reason")));
        var deleted = Assert.Single((await s.AuditAsync("action=principal.deleted")).EnumerateArray());
        Assert.Equal((1, 1, 1), (Details(deleted).GetProperty("roleSettingsRemoved").GetInt32(), Details(deleted).GetProperty("accessReviewsRemoved").GetInt32(),
            Details(deleted).GetProperty("alertsResolved").GetInt32()));
    }

    [Fact]
    public async Task A_group_does_not_become_another_kind_of_principal_nor_a_user_a_group()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("g", "group", HttpStatusCode.Created);
        await s.ReplaceAsync(s.Path(Settings), ScenarioSettings.Document(requireMfa: false));
        var asUser = await s.Operator.PutJsonAsync(s.Path("/principals/g"), new { kind = "user", displayName = "g", email = s.Address("g") })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(asUser.GetProperty("errors").TryGetProperty("kind", out _));
        await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "group", displayName = "Carol" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        // Still a group, its settings its own.
        Assert.Equal("group", (await s.Operator.GetAsync(s.Path("/principals/g")).ExpectAsync(HttpStatusCode.OK)).Str("kind"));
        Assert.False((await s.Alice.GetAsync(s.Path(Settings)).ExpectAsync(HttpStatusCode.OK)).GetProperty("activation").GetProperty("requireMfa").GetBoolean());
    }
}
