using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Activations;

[Collection(SqliteCollection.Name)]
public sealed class ActivationTests_Sqlite(SqliteApp app) : ActivationTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ActivationTests_Postgres(PostgresApp app) : ActivationTests(app);

/// <summary>Activating an eligible role under its settings: duration, MFA, eligibility, groups, races.</summary>
public abstract class ActivationTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    [Fact]
    public async Task Activation_without_approval_is_active_at_once_and_expires_on_time()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob, duration: "PT30M").ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("active", request.Str("status"));
        Assert.Equal(Now.AddMinutes(30), request.GetProperty("endsAt").GetDateTimeOffset());
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));

        app.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        var read = await s.Bob.GetAsync(s.Path($"/activation-requests/{request.Str("id")}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("expired", read.Str("status"));
        var mine = (await s.Bob.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0];
        Assert.Equal("eligible", mine.Str("status"));

        // The slot is free again; the expiry is recorded once, when the new request settles the old one.
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Single(await s.AuditActionsAsync("action=activation.expired"));
    }

    [Fact]
    public async Task The_default_duration_is_the_maximum_and_a_longer_one_is_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob, duration: "PT2H").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "duration-exceeds-maximum");
        await s.ActivateAsync(s.Bob, justification: null).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "justification-required");
        await s.ActivateAsync(s.Bob, duration: "two hours").ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("PT1H", request.Str("duration"));
        Assert.Equal(Now.AddHours(1), request.GetProperty("endsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Only_eligible_principals_activate()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.ActivateAsync(s.Carol).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        await s.ActivateAsync(s.Bob).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible"); // standing, not eligible
        await s.ActivateAsync(s.Carol, roleId: "no-such-role").ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Mfa_older_than_the_role_allows_needs_a_fresh_sign_in()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(mfaMaxAge: "PT15M"));
        var issuer = app.Services.GetRequiredService<Pim.Api.Http.DevTokenIssuer>();
        var stale = app.CreateClient();
        stale.DefaultRequestHeaders.Authorization = new("Bearer", issuer.Issue("bob", s.Id, true, [], Now.AddMinutes(-20)));
        await s.ActivateAsync(stale).ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
        var fresh = app.CreateClient();
        fresh.DefaultRequestHeaders.Authorization = new("Bearer", issuer.Issue("bob", s.Id, true, [], Now.AddMinutes(-5)));
        await s.ActivateAsync(fresh).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_group_member_activates_the_groups_eligibility_for_itself()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/helpdesk"), new { kind = "group", displayName = "Helpdesk" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "user", displayName = "Carol", memberOf = new[] { "helpdesk" } })
            .ExpectAsync(HttpStatusCode.OK);
        var group = await s.AssignAsync(s.Alice, "helpdesk", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        var mine = (await s.Carol.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("helpdesk-administrator", "eligible", "helpdesk"), (mine.Str("roleId"), mine.Str("status"), mine.Str("viaGroupId")));

        var request = await s.ActivateAsync(s.Carol, roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("carol", group.Str("id")), (request.Str("principalId"), request.Str("assignmentId")));
        Assert.True(await s.EvaluateAsync("carol", "helpdesk-administrator"));
        Assert.False(await s.EvaluateAsync("bob", "helpdesk-administrator"));

        // An active assignment to the group is held by every member.
        await s.AssignAsync(s.Operator, "helpdesk", "user-administrator", "active", HttpStatusCode.Created);
        var held = (await s.Carol.GetAsync(s.Path("/principals/carol/active-roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Contains(held.EnumerateArray(), r => r.Str("roleId") == "user-administrator" && r.Str("viaGroupId") == "helpdesk");
    }

    [Fact]
    public async Task Twenty_racing_activations_yield_one_request()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var bob = s.Bob;
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => s.ActivateAsync(bob)));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        foreach (var conflict in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
            await conflict.ExpectProblemAsync(HttpStatusCode.Conflict, "activation-already-open");
        var all = (await s.Alice.GetAsync(s.Path("/activation-requests?principalId=bob")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(1, all.GetArrayLength());
        Assert.Single(await s.AuditActionsAsync("action=activation.requested"));
    }

    [Fact]
    public async Task Users_list_their_own_requests_and_auditors_everyones()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created);
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        var carols = await s.ActivateAsync(s.Carol, startsAt: Now.AddHours(1)).ExpectAsync(HttpStatusCode.Created);

        var own = (await s.Carol.GetAsync(s.Path("/activation-requests")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal([carols.Str("id")], own.EnumerateArray().Select(r => r.Str("id")).ToArray());
        await s.Carol.GetAsync(s.Path("/activation-requests?principalId=bob")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Carol.GetAsync(s.Path($"/activation-requests/{carols.Str("id")}")).ExpectAsync(HttpStatusCode.OK);

        var all = (await s.Alice.GetAsync(s.Path("/activation-requests")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(2, all.GetArrayLength());
        var scheduled = (await s.Alice.GetAsync(s.Path("/activation-requests?status=scheduled")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(carols.Str("id"), scheduled.EnumerateArray().Single().Str("id"));
        var page = await s.Alice.GetAsync(s.Path("/activation-requests?pageSize=1")).ExpectAsync(HttpStatusCode.OK);
        var next = await s.Alice.GetAsync(s.Path($"/activation-requests?pageSize=1&pageToken={page.Str("nextPageToken")}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(page.GetProperty("items")[0].Str("id"), next.GetProperty("items")[0].Str("id"));
        Assert.Equal(JsonValueKind.Null, next.GetProperty("nextPageToken").ValueKind);
        await s.Alice.GetAsync(s.Path("/activation-requests?pageToken=garbage")).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-page-token");
        await s.Alice.GetAsync(s.Path("/activation-requests?status=sleeping")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Alice.GetAsync(s.Path("/activation-requests?pageSize=1000")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }
}
