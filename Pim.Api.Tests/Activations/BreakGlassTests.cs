using System.Net;
using Pim.Api.Tests.Support;
using static Pim.Api.Tests.Approvals.Workflow;

namespace Pim.Api.Tests.Activations;

[Collection(SqliteCollection.Name)]
public sealed class BreakGlassTests_Sqlite(SqliteApp app) : BreakGlassTests(app);

[Collection(PostgresCollection.Name)]
public sealed class BreakGlassTests_Postgres(PostgresApp app) : BreakGlassTests(app);

/// <summary>Break-glass: fast but loud — active at once where allowed, every administrator told, acknowledged afterwards.</summary>
public abstract class BreakGlassTests(PimApp app)
{
    private static object BreakGlassSettings(bool allowed = true) =>
        StagedSettings([Stage(1)], breakGlass: new { allowed, maximumDuration = "PT1H" }, requireTicket: true);

    private static Task<HttpResponseMessage> BreakGlass(Scenario s, string? justification = "Exchange is down: restoring transport rules",
        string? duration = null) =>
        s.Bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification, duration, breakGlass = true });

    private static async Task<Scenario> ScenarioAsync(PimApp app, bool allowed = true)
    {
        var s = await OwnersAsync(app);
        await s.SyncAsync("sam");
        await s.AssignAsync(s.Operator, "sam", "security-administrator", "active", HttpStatusCode.Created);
        await s.SetSettingsAsync("exchange-administrator", BreakGlassSettings(allowed));
        return s;
    }

    [Fact]
    public async Task Break_glass_is_refused_where_the_settings_do_not_allow_it()
    {
        var s = await ScenarioAsync(app, allowed: false);
        await BreakGlass(s).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "break-glass-not-allowed");
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.DoesNotContain(await s.AuditActionsAsync(), a => a.StartsWith("activation.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Break_glass_is_active_at_once_loud_and_bounded()
    {
        var s = await ScenarioAsync(app);
        await BreakGlass(s, justification: null).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "justification-required");
        await BreakGlass(s, duration: "PT2H").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "duration-exceeds-maximum");
        await s.User("bob", mfa: false).PostJsonAsync(s.Path("/activation-requests"),
                new { roleId = "exchange-administrator", justification = "x", breakGlass = true })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required"); // it skips approval and the ticket, not MFA

        var request = await BreakGlass(s).ExpectAsync(HttpStatusCode.Created);
        var id = request.Str("id");
        Assert.Equal(("active", true), (request.Str("status"), request.GetProperty("breakGlass").GetBoolean()));
        Assert.Equal(app.Time.GetUtcNow().AddHours(1), request.GetProperty("endsAt").GetDateTimeOffset());
        var followUp = request.GetProperty("followUp");
        Assert.Equal(("open", app.Time.GetUtcNow().AddHours(24)), (followUp.Str("status"), followUp.GetProperty("dueAt").GetDateTimeOffset()));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal(["activation.requested", "activation.breakGlass", "activation.activated"], await s.ActionsOfAsync(id));
        foreach (var administrator in new[] { "alice", "sam" })
            Assert.Contains(await s.MailSubjectsAsync(administrator), m => m.StartsWith("PIM BREAK-GLASS: Bob activated Exchange Administrator", StringComparison.Ordinal));
        // Not extended: a new break-glass request, or the normal path.
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/extend"), new { duration = "PT30M" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
    }

    [Fact]
    public async Task Break_glass_emits_its_own_webhook_event()
    {
        var s = await ScenarioAsync(app);
        await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "pim.activation.breakGlass" } })
            .ExpectAsync(HttpStatusCode.Created);
        await BreakGlass(s).ExpectAsync(HttpStatusCode.Created);
        var outbox = (await s.Alice.GetAsync(s.Path("/notifications")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Where(m => m.Str("kind") == "webhook").Select(m => m.Str("summary")).ToList();
        Assert.Single(outbox, m => m.StartsWith("pim.activation.breakGlass", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Privileged_Role_or_Security_Administrator_acknowledges_it_never_its_requester()
    {
        var s = await ScenarioAsync(app);
        var id = (await BreakGlass(s).ExpectAsync(HttpStatusCode.Created)).Str("id");
        Task<HttpResponseMessage> Acknowledge(HttpClient who) =>
            who.PostJsonAsync(s.Path($"/activation-requests/{id}/acknowledge"), new { justification = "Outage INC-9 confirmed" });
        await Acknowledge(s.Bob).ExpectProblemAsync(HttpStatusCode.Forbidden, "self-approval-forbidden");
        await Acknowledge(s.Carol).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/acknowledge"), new { justification = "" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var acknowledged = await Acknowledge(s.User("sam")).ExpectAsync(HttpStatusCode.OK);
        var followUp = acknowledged.GetProperty("followUp");
        Assert.Equal(("acknowledged", "sam", "Outage INC-9 confirmed"), (followUp.Str("status"), followUp.Str("acknowledgedBy"), followUp.Str("justification")));
        await Acknowledge(s.Alice).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Single(await s.ActionsOfAsync(id), a => a == "activation.breakGlassAcknowledged");

        // Acknowledged: no overdue notice later.
        app.Time.Advance(TimeSpan.FromHours(25));
        await app.SweepAsync();
        Assert.DoesNotContain(await s.ActionsOfAsync(id), a => a == "activation.breakGlassOverdue");
    }

    [Fact]
    public async Task A_follow_up_still_open_after_24_hours_is_raised_again_once()
    {
        var s = await ScenarioAsync(app);
        var id = (await BreakGlass(s).ExpectAsync(HttpStatusCode.Created)).Str("id");
        app.Time.Advance(TimeSpan.FromHours(23));
        await app.SweepAsync();
        Assert.DoesNotContain(await s.ActionsOfAsync(id), a => a == "activation.breakGlassOverdue");
        app.Time.Advance(TimeSpan.FromHours(1));
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Pim.Infrastructure.SweeperService.SweepOnceAsync(scopes, CancellationToken.None)));
        await app.SweepAsync();
        Assert.Single(await s.ActionsOfAsync(id), a => a == "activation.breakGlassOverdue");
        Assert.Single(await s.MailSubjectsAsync("sam"), m => m.Contains("still not acknowledged"));
        // It can still be acknowledged.
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/acknowledge"), new { justification = "Reviewed late" }).ExpectAsync(HttpStatusCode.OK);
    }
}
