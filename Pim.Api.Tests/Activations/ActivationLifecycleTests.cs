using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Activations;

[Collection(SqliteCollection.Name)]
public sealed class ActivationLifecycleTests_Sqlite(SqliteApp app) : ActivationLifecycleTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ActivationLifecycleTests_Postgres(PostgresApp app) : ActivationLifecycleTests(app);

/// <summary>An activation's life: scheduled starts, cancellation, the end of its eligibility.</summary>
public abstract class ActivationLifecycleTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    [Fact]
    public async Task Access_ends_with_the_eligibility()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created, endsAt: Now.AddMinutes(20));
        var request = await s.ActivateAsync(s.Carol).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(Now.AddMinutes(20), request.GetProperty("endsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_scheduled_activation_grants_nothing_until_it_starts()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob, startsAt: Now.AddHours(2)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("scheduled", request.Str("status"));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal("scheduled", (await s.Bob.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0].Str("status"));

        app.Time.Advance(TimeSpan.FromHours(2));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal("active", (await s.Bob.GetAsync(s.Path($"/activation-requests/{request.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        app.Time.Advance(TimeSpan.FromHours(1));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task Cancel_is_for_the_requester_while_pending_or_scheduled()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var scheduled = await s.ActivateAsync(s.Bob, startsAt: Now.AddHours(1)).ExpectAsync(HttpStatusCode.Created);
        var path = s.Path($"/activation-requests/{scheduled.Str("id")}/cancel");
        await s.Alice.PostJsonAsync(path).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("canceled", (await s.Bob.PostJsonAsync(path).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        await s.Bob.PostJsonAsync(path).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");

        var active = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{active.Str("id")}/cancel")).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        await s.Carol.PostJsonAsync(s.Path($"/activation-requests/{active.Str("id")}/deactivate")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        // A PIM administrator may end someone else's activation.
        Assert.Equal("deactivated", (await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{active.Str("id")}/deactivate")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task Removing_an_eligibility_revokes_its_open_activations()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var active = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created);
        var scheduled = await s.ActivateAsync(s.Carol, startsAt: Now.AddHours(3)).ExpectAsync(HttpStatusCode.Created);
        var carolAssignment = scheduled.Str("assignmentId");

        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}")).ExpectAsync(HttpStatusCode.NoContent);
        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{carolAssignment}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal("revoked", (await s.Bob.GetAsync(s.Path($"/activation-requests/{active.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("revoked", (await s.Carol.GetAsync(s.Path($"/activation-requests/{scheduled.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        app.Time.Advance(TimeSpan.FromHours(3));
        Assert.False(await s.EvaluateAsync("carol", "exchange-administrator"));
        Assert.Equal(2, (await s.AuditActionsAsync("action=activation.revoked")).Length);
        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{carolAssignment}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
