using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class AssignmentPolicyTests_Sqlite(SqliteApp app) : AssignmentPolicyTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AssignmentPolicyTests_Postgres(PostgresApp app) : AssignmentPolicyTests(app);

/// <summary>Every path that creates or converts an assignment goes through the role's assignment rules.</summary>
public abstract class AssignmentPolicyTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    [Fact]
    public async Task Make_active_cannot_turn_an_eligibility_into_standing_access_the_rules_forbid()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("user-administrator", ScenarioSettings.Document(allowPermanentActive: false, maximumActiveDuration: "P30D"));
        var permanent = (await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        var long_ = (await s.AssignAsync(s.Alice, "bob", "user-administrator", "eligible", HttpStatusCode.Created, endsAt: Now.AddDays(60))).Str("id");
        await s.SyncAsync("erin", "user", HttpStatusCode.Created);
        var short_ = (await s.AssignAsync(s.Alice, "erin", "user-administrator", "eligible", HttpStatusCode.Created, endsAt: Now.AddDays(20))).Str("id");

        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{permanent}/make-active"))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "permanent-assignment-forbidden");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{long_}/make-active"))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "assignment-duration-exceeds-maximum");
        Assert.False(await s.EvaluateAsync("carol", "user-administrator"));
        Assert.False(await s.EvaluateAsync("bob", "user-administrator"));
        Assert.Empty(await s.AuditActionsAsync("action=assignment.madeActive"));

        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{short_}/make-active")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("erin", "user-administrator"));
    }

    [Fact]
    public async Task Make_eligible_keeps_to_the_eligible_rules_even_in_a_dry_run()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(allowPermanentEligible: false));
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible?dryRun=true"))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "permanent-assignment-forbidden");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible"))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "permanent-assignment-forbidden");
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task Creating_an_assignment_keeps_to_the_rules_of_its_type()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("user-administrator", ScenarioSettings.Document(allowPermanentActive: false, maximumActiveDuration: "P30D"));
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "active", HttpStatusCode.UnprocessableEntity);
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "active", HttpStatusCode.UnprocessableEntity, endsAt: Now.AddDays(31));
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "active", HttpStatusCode.Created, endsAt: Now.AddDays(30));
    }
}
