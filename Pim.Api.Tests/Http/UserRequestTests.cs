using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class UserRequestTests_Sqlite(SqliteApp app) : UserRequestTests(app);

[Collection(PostgresCollection.Name)]
public sealed class UserRequestTests_Postgres(PostgresApp app) : UserRequestTests(app);

/// <summary>What PIM users ask for: batch activation, guests, extension, "what will make eligible break", idempotency.</summary>
public abstract class UserRequestTests(PimApp app)
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

    [Fact]
    public async Task Make_eligible_tells_which_scripts_relied_on_the_standing_right()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/backup-script"), new { kind = "servicePrincipal", displayName = "Backup script" }).ExpectAsync(HttpStatusCode.Created);
        var script = (await s.AssignAsync(s.Operator, "backup-script", "exchange-administrator", "active", HttpStatusCode.Created)).Str("id");

        // A gateway asks about Bob twice; Bob asks about himself; the script asks about itself.
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        await s.Bob.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" }).ExpectAsync(HttpStatusCode.OK);
        await s.User("backup-script").PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "backup-script", roleId = "exchange-administrator" })
            .ExpectAsync(HttpStatusCode.OK);

        var usage = (await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/usage")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        var gateway = usage.EnumerateArray().Single(u => u.Str("clientId") == "exchange-gateway");
        Assert.Equal(("service", true, 2L), (gateway.Str("clientKind"), gateway.GetProperty("nonInteractive").GetBoolean(), gateway.GetProperty("uses").GetInt64()));
        var bob = usage.EnumerateArray().Single(u => u.Str("clientId") == "bob");
        Assert.Equal(("user", false), (bob.Str("clientKind"), bob.GetProperty("nonInteractive").GetBoolean()));

        var dry = await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible?dryRun=true")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal("eligible", dry.Str("type"));
        Assert.Contains("exchange-gateway", dry.GetProperty("warnings")[0].GetString());
        Assert.Equal("active", (await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}")).ExpectAsync(HttpStatusCode.OK)).Str("type"));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Empty(await s.AuditActionsAsync("action=assignment.madeEligible"));

        var scriptOutcome = await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{script}/make-eligible")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(scriptOutcome.GetProperty("dryRun").GetBoolean());
        Assert.Equal("servicePrincipal", scriptOutcome.GetProperty("recentNonInteractiveUse")[0].Str("clientKind"));
        Assert.Single(scriptOutcome.GetProperty("warnings").EnumerateArray());
        Assert.False(await s.EvaluateAsync("backup-script", "exchange-administrator"));

        // Usage older than 30 days no longer warns.
        await Pim.Infrastructure.UsageFlushService.FlushAsync(app.Services.GetRequiredService<IServiceScopeFactory>(),
            app.Services.GetRequiredService<Pim.Infrastructure.UsageRecorder>(), CancellationToken.None);
        app.Time.Advance(TimeSpan.FromDays(31));
        var later = await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible?dryRun=true")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(later.GetProperty("warnings").EnumerateArray());
        Assert.Equal(2, (await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/usage")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }

    private static HttpRequestMessage Post(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_replay_the_first_response()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var body = new { roleId = "exchange-administrator", justification = "Mailbox migration" };
        using var first = await s.Bob.SendAsync(Post(s.Path("/activation-requests"), body, "key-1"));
        var created = await first.ExpectAsync(HttpStatusCode.Created);
        using var again = await s.Bob.SendAsync(Post(s.Path("/activation-requests"), body, "key-1"));
        var replayed = await again.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(created.Str("id"), replayed.Str("id"));
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(await s.AuditActionsAsync("action=activation.requested"));

        await (await s.Bob.SendAsync(Post(s.Path("/activation-requests"), body with { justification = "other" }, "key-1")))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        // A refusal is replayed too, and keys are per caller.
        var refused = await (await s.Carol.SendAsync(Post(s.Path("/activation-requests"), body, "key-1"))).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        using var refusedAgain = await s.Carol.SendAsync(Post(s.Path("/activation-requests"), body, "key-1"));
        Assert.Equal(refused.Str("traceId"), (await refusedAgain.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible")).Str("traceId"));
    }

    [Fact]
    public async Task Racing_requests_with_one_key_execute_once_and_keys_expire_after_a_day()
    {
        var s = await Scenario.OnboardAsync(app);
        var body = new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "pim.activation.approved" } };
        var alice = s.Alice;
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => alice.SendAsync(Post(s.Path("/webhooks"), body, "hook-key"))));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, a.StatusCode.ToString()));
        Assert.Single((await alice.GetAsync(s.Path("/webhooks")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        app.Time.Advance(TimeSpan.FromHours(25));
        await (await s.Alice.SendAsync(Post(s.Path("/webhooks"), body, "hook-key"))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2, (await s.Alice.GetAsync(s.Path("/webhooks")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }
}
