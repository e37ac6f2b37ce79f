using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Activations;

[Collection(SqliteCollection.Name)]
public sealed class BatchExtensionGuestTests_Sqlite(SqliteApp app) : BatchExtensionGuestTests(app);

[Collection(PostgresCollection.Name)]
public sealed class BatchExtensionGuestTests_Postgres(PostgresApp app) : BatchExtensionGuestTests(app);

/// <summary>Activating several roles at once, extending an activation, and guests from their home tenant.</summary>
public abstract class BatchExtensionGuestTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    [Fact]
    public async Task A_guest_from_its_home_tenant_activates_in_the_resource_tenant()
    {
        var s = await Scenario.OnboardAsync(app);
        var home = "home-" + s.Id;
        await s.Operator.PutJsonAsync(s.Path("/principals/gary-guest"), new { kind = "guest", displayName = "Gary (guest)", homeTenantId = home, homePrincipalId = "gary" })
            .ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "gary-guest", "exchange-administrator", "eligible", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "gary-guest", "privileged-role-administrator", "eligible", HttpStatusCode.Created);
        var gary = app.Client("gary", home, mfa: true);

        var mine = (await gary.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(2, mine.GetArrayLength());
        Assert.False(mine.EnumerateArray().Single(r => r.Str("roleId") == "privileged-role-administrator").GetProperty("requirements").GetProperty("allowGuests").GetBoolean());
        var request = await s.ActivateAsync(gary).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("gary-guest", request.Str("principalId"));
        Assert.True(await s.EvaluateAsync("gary-guest", "exchange-administrator"));
        await s.ActivateAsync(gary, roleId: "privileged-role-administrator").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "guest-not-allowed");

        // Another identity of the home tenant maps to no guest here.
        await app.Client("mallory", home).GetAsync(s.Path("/me/roles")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_batch_activates_several_roles_and_says_which_failed()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.AssignAsync(s.Alice, "bob", "sharepoint-administrator", "eligible", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "bob", "teams-administrator", "eligible", HttpStatusCode.Created);
        await s.SetSettingsAsync("teams-administrator", ScenarioSettings.Document(requireTicket: true));
        var body = new { roleIds = new[] { "exchange-administrator", "sharepoint-administrator", "teams-administrator" }, justification = "Migration weekend", duration = "PT30M" };

        await s.User("bob", mfa: false).PostJsonAsync(s.Path("/activation-requests/batch"), body).ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
        Assert.Empty(await s.AuditActionsAsync("action=activation.requested"));

        var items = (await s.Bob.PostJsonAsync(s.Path("/activation-requests/batch"), body).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([201, 201, 422], items.Select(i => i.GetProperty("status").GetInt32()).ToArray());
        Assert.Equal("active", items[0].GetProperty("request").Str("status"));
        Assert.Equal("ticket-required", items[2].GetProperty("problem").Str("code"));
        Assert.Equal(JsonValueKind.Null, items[2].GetProperty("request").ValueKind);
        Assert.Equal(2, (await s.AuditActionsAsync("action=activation.requested")).Length);
        Assert.True(await s.EvaluateAsync("bob", "sharepoint-administrator"));

        // all: true takes what is still only eligible; what is already active answers on its own.
        var all = (await s.Bob.PostJsonAsync(s.Path("/activation-requests/batch"), new { all = true, justification = "x", ticket = new { number = "T-1" } })
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("teams-administrator", all.Single().Str("roleId"));
        Assert.Equal(201, all.Single().GetProperty("status").GetInt32());

        await s.Bob.PostJsonAsync(s.Path("/activation-requests/batch"), new { roleIds = Enumerable.Repeat("exchange-administrator", 51).ToArray() })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Bob.PostJsonAsync(s.Path("/activation-requests/batch"), new { justification = "nothing named" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task An_active_activation_is_extended_up_to_the_maximum_in_all()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob, duration: "PT30M").ExpectAsync(HttpStatusCode.Created);
        var path = s.Path($"/activation-requests/{request.Str("id")}/extend");
        app.Time.Advance(TimeSpan.FromMinutes(20));

        await s.Carol.PostJsonAsync(path, new { duration = "PT10M" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var extended = await s.Bob.PostJsonAsync(path, new { duration = "PT20M", justification = "Not done yet" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(request.GetProperty("startsAt").GetDateTimeOffset().AddMinutes(50), extended.GetProperty("endsAt").GetDateTimeOffset());
        await s.Bob.PostJsonAsync(path, new { duration = "PT11M" }).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "duration-exceeds-maximum");
        await s.User("bob", mfa: false).PostJsonAsync(path, new { duration = "PT5M" }).ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
        var audit = (await s.AuditAsync("action=activation.extended")).EnumerateArray().Single();
        Assert.Equal("Not done yet", audit.Str("justification"));

        app.Time.Advance(TimeSpan.FromMinutes(31));
        await s.Bob.PostJsonAsync(path, new { duration = "PT5M" }).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
    }

    [Fact]
    public async Task An_extension_waits_for_approval_when_the_role_requires_it()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(maximumDuration: "PT4H", requireApproval: true));
        await s.MakeBobEligibleAsync();
        var id = (await s.ActivateAsync(s.Bob, duration: "PT1H").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        var endsAt = Now.AddHours(1);

        var pending = await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/extend"), new { duration = "PT2H" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", pending.Str("status"));
        Assert.Equal(endsAt, pending.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal("PT2H", pending.GetProperty("extension").Str("duration"));
        Assert.Contains((await s.Alice.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(), r => r.Str("id") == id);
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/extend"), new { duration = "PT1H" }).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");

        var approved = await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "longer is fine" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(endsAt.AddHours(2), approved.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, approved.GetProperty("extension").ValueKind);
        var actions = await s.AuditActionsAsync("roleId=exchange-administrator");
        Assert.Equal(["activation.extensionRequested", "activation.extensionApproved", "activation.extended"],
            actions.Where(a => a.Contains("extension") || a == "activation.extended").ToArray());
    }
}
