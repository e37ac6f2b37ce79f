using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class FloodTests_Sqlite(SqliteApp app) : FloodTests(app);

[Collection(PostgresCollection.Name)]
public sealed class FloodTests_Postgres(PostgresApp app) : FloodTests(app);

/// <summary>One eligible user cannot mail-bomb the administrators, nor hide a request among a flood of others.</summary>
public abstract class FloodTests(PimApp app)
{
    private async Task<string[]> SummariesAsync(Scenario s) =>
        (await s.Alice.GetAsync(s.Path("/notifications?pageSize=200")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
        .Select(n => n.Str("summary")).ToArray();

    [Fact]
    public async Task Activation_emails_to_administrators_are_bounded_per_role_and_window()
    {
        await using var pim = app.WithWebHostBuilder(b => b.UseSetting("Pim:Notifications:MaxPerRolePerWindow", "2"));
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var bob = pim.CreateClient();
        bob.DefaultRequestHeaders.Authorization = s.Bob.DefaultRequestHeaders.Authorization;
        for (var i = 0; i < 5; i++)
        {
            var request = (await s.ActivateAsync(bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
            await bob.PostJsonAsync(s.Path($"/activation-requests/{request}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        }
        Assert.Equal(2, (await SummariesAsync(s)).Count(m => m.StartsWith("PIM: Bob activated Exchange Administrator")));
        Assert.Equal(5, (await s.AuditActionsAsync("action=activation.activated")).Length); // every event is still reported

        // The window passes: administrators hear of activations again.
        app.Time.Advance(TimeSpan.FromMinutes(61));
        bob.DefaultRequestHeaders.Authorization = s.Bob.DefaultRequestHeaders.Authorization;
        await s.ActivateAsync(bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(3, (await SummariesAsync(s)).Count(m => m.StartsWith("PIM: Bob activated Exchange Administrator")));
    }

    [Fact]
    public async Task Approvals_page_over_every_waiting_request_so_a_flood_hides_none()
    {
        var s = await Scenario.OnboardAsync(app);
        // Carol is the only approver of Exchange Administrator; a flood of requests for another role waits for others.
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true, approvers: ["carol"]));
        await s.SetSettingsAsync("user-administrator", ScenarioSettings.Document(requireApproval: true));
        const int flood = 30;
        for (var i = 0; i < flood; i++)
        {
            await s.Operator.PutJsonAsync(s.Path($"/principals/u{i}"), new { kind = "user", displayName = $"U{i}" }).ExpectAsync(HttpStatusCode.Created);
            await s.AssignAsync(s.Alice, $"u{i}", "user-administrator", "eligible", HttpStatusCode.Created);
            await s.ActivateAsync(s.User($"u{i}"), roleId: "user-administrator").ExpectAsync(HttpStatusCode.Created);
        }
        await s.MakeBobEligibleAsync();
        var bobs = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");

        var carols = (await s.Carol.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal([bobs], carols.EnumerateArray().Select(r => r.Str("id")).ToArray());

        // Alice (a default approver of user-administrator, not of exchange-administrator) pages through all thirty.
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await s.Alice.GetAsync(s.Path($"/approvals?pageSize=7{(token is null ? "" : $"&pageToken={token}")}")).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.Str("id")));
            token = page.GetProperty("nextPageToken").GetString();
        } while (token is not null);
        Assert.Equal(flood, seen.Distinct().Count());
        Assert.DoesNotContain(bobs, seen);
    }
}
