using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Approvals;

[Collection(SqliteCollection.Name)]
public sealed class ApprovalTests_Sqlite(SqliteApp app) : ApprovalTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ApprovalTests_Postgres(PostgresApp app) : ApprovalTests(app);

/// <summary>Deciding activation requests: who may, never one's own, through groups, in time, once.</summary>
public abstract class ApprovalTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    [Fact]
    public async Task Approvers_never_approve_their_own_request_and_others_may_not_decide()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        // Alice (Privileged Role Administrator) is herself eligible for Exchange Administrator (another administrator made her so).
        await s.AssignAsync(await s.SecondAdministratorAsync(), "alice", "exchange-administrator", "eligible", HttpStatusCode.Created);
        var own = await s.ActivateAsync(s.Alice).ExpectAsync(HttpStatusCode.Created);
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{own.Str("id")}/approve"), new { justification = "me" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "self-approval-forbidden");
        Assert.Empty((await s.Alice.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        await s.MakeBobEligibleAsync();
        var bobs = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await s.Carol.PostJsonAsync(s.Path($"/activation-requests/{bobs.Str("id")}/approve"), new { justification = "sure" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{bobs.Str("id")}/approve"), new { justification = "" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var denied = await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{bobs.Str("id")}/deny"), new { justification = "No change ticket" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("denied", "denied"), (denied.Str("status"), denied.GetProperty("decision").Str("decision")));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task Explicit_approvers_decide_through_their_group()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/exchange-owners"), new { kind = "group", displayName = "Exchange owners" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "user", displayName = "Carol", memberOf = new[] { "exchange-owners" } })
            .ExpectAsync(HttpStatusCode.OK);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true, approvers: ["exchange-owners"]));
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);

        // Alice is a Privileged Role Administrator but not a named approver.
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/approve"), new { justification = "ok" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Single((await s.Carol.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await s.Carol.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task An_undecided_request_times_out()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true, approvalTimeout: "PT4H"));
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(Now.AddHours(4), request.GetProperty("approvalDeadline").GetDateTimeOffset());
        app.Time.Advance(TimeSpan.FromHours(4));
        Assert.Equal("timedOut", (await s.Bob.GetAsync(s.Path($"/activation-requests/{request.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Empty((await s.Alice.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/approve"), new { justification = "late" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        // Bob may ask again; the timeout is recorded once.
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Single(await s.AuditActionsAsync("action=activation.timedOut"));
    }

    [Fact]
    public async Task Two_approvers_deciding_at_once_make_one_decision()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/sam"), new { kind = "user", displayName = "Sam" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Operator, "sam", "security-administrator", "active", HttpStatusCode.Created);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        await s.MakeBobEligibleAsync();
        for (var round = 0; round < 3; round++)
        {
            var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
            var id = request.Str("id");
            var decisions = await Task.WhenAll(
                s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "alice says yes" }),
                s.User("sam").PostJsonAsync(s.Path($"/activation-requests/{id}/deny"), new { justification = "sam says no" }));
            Assert.Equal(1, decisions.Count(d => d.StatusCode == HttpStatusCode.OK));
            await decisions.Single(d => d.StatusCode != HttpStatusCode.OK).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
            var final = await s.Bob.GetAsync(s.Path($"/activation-requests/{id}")).ExpectAsync(HttpStatusCode.OK);
            if (final.Str("status") == "active")
                await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        }
        var decided = (await s.AuditActionsAsync()).Count(a => a is "activation.approved" or "activation.denied");
        Assert.Equal(3, decided);
    }
}
