using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Notifications;

[Collection(SqliteCollection.Name)]
public sealed class DeliveryTests_Sqlite(SqliteApp app) : DeliveryTests(app);

[Collection(PostgresCollection.Name)]
public sealed class DeliveryTests_Postgres(PostgresApp app) : DeliveryTests(app);

/// <summary>Webhooks and the outbox: signed CloudEvents, retries, leases, shutdown, several replicas.</summary>
public abstract class DeliveryTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    private static async Task<(string Id, string Secret)> SubscribeAsync(Scenario s, string url, params string[] types)
    {
        var created = await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url, eventTypes = types }).ExpectAsync(HttpStatusCode.Created);
        return (created.Str("id"), created.Str("secret"));
    }

    [Fact]
    public async Task Webhooks_receive_signed_CloudEvents()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var s = await Scenario.OnboardAsync(app);
        var (id, secret) = await SubscribeAsync(s, receiver.Url, "pim.activation.approved", "pim.activation.requested");
        Assert.StartsWith("whsec_", secret);
        var listed = (await s.Alice.GetAsync(s.Path("/webhooks")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        Assert.False(listed.TryGetProperty("secret", out _));
        Assert.Equal(id, listed.Str("id"));

        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        await app.DispatchAllAsync();

        var deliveries = receiver.Deliveries.ToList();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.True(WebhookReceiver.Verify(secret, d), "signature does not verify"));
        Assert.All(deliveries, d => Assert.Equal("application/cloudevents+json", d.ContentType.Split(';')[0]));
        var approved = deliveries.Select(d => JsonDocument.Parse(d.Body).RootElement).Single(e => e.Str("type") == "pim.activation.approved");
        Assert.Equal("1.0", approved.Str("specversion"));
        Assert.Equal($"activationRequest/{request.Str("id")}", approved.Str("subject"));
        Assert.Equal("alice", approved.GetProperty("data").Str("actorId"));
        Assert.False(WebhookReceiver.Verify("whsec_" + Convert.ToBase64String(new byte[32]), deliveries[0]));

        await s.Alice.DeleteAsync(s.Path($"/webhooks/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        await s.Alice.GetAsync(s.Path($"/webhooks/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Failing_deliveries_back_off_then_fail_and_can_be_re_driven()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        var s = await Scenario.OnboardAsync(app);
        await SubscribeAsync(s, receiver.Url, "pim.principal.upserted");
        await s.Operator.PutJsonAsync(s.Path("/principals/dora"), new { kind = "user", displayName = "Dora" }).ExpectAsync(HttpStatusCode.Created);

        await app.DispatchAllAsync();
        var pending = (await s.Alice.GetAsync(s.Path("/notifications?status=pending")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(1, pending.GetProperty("attempts").GetInt32());
        Assert.Contains("500", pending.Str("lastError"));
        Assert.True(pending.GetProperty("nextAttemptAt").GetDateTimeOffset() > Now);
        await app.DispatchAllAsync(); // not due yet: no second attempt
        Assert.Single(receiver.Deliveries);

        for (var attempt = 2; attempt <= 3; attempt++)
        {
            app.Time.Advance(TimeSpan.FromHours(2));
            await app.DispatchAllAsync();
        }
        Assert.Equal(3, receiver.Deliveries.Count);
        var failed = (await s.Alice.GetAsync(s.Path("/notifications?status=failed")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
        await s.Carol.GetAsync(s.Path("/notifications?status=failed")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        receiver.Status = 204;
        var retried = await s.Alice.PostJsonAsync(s.Path($"/notifications/{failed.Str("id")}/retry")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending", retried.Str("status"));
        await s.Alice.PostJsonAsync(s.Path($"/notifications/{failed.Str("id")}/retry")).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        await app.DispatchAllAsync();
        Assert.Equal(4, receiver.Deliveries.Count);
        var delivered = (await s.Alice.GetAsync(s.Path("/notifications?status=delivered")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Contains(delivered.EnumerateArray(), m => m.Str("id") == failed.Str("id"));
        Assert.Single(await s.AuditActionsAsync("action=notification.retried"));
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_retried_later()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromSeconds(3);
        var s = await Scenario.OnboardAsync(app);
        await SubscribeAsync(s, receiver.Url, "pim.principal.upserted");
        await s.Operator.PutJsonAsync(s.Path("/principals/dora"), new { kind = "user", displayName = "Dora" }).ExpectAsync(HttpStatusCode.Created);
        await app.DispatchAllAsync();
        var pending = (await s.Alice.GetAsync(s.Path("/notifications?status=pending")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        Assert.Contains("No answer within 1 s", pending.Str("lastError"));
    }

    [Fact]
    public async Task A_message_claimed_by_a_dispatcher_that_died_is_delivered_after_its_lease()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var s = await Scenario.OnboardAsync(app);
        await SubscribeAsync(s, receiver.Url, "pim.principal.upserted");
        await s.Operator.PutJsonAsync(s.Path("/principals/dora"), new { kind = "user", displayName = "Dora" }).ExpectAsync(HttpStatusCode.Created);

        // A replica claims the message and is killed before it delivers.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var claimed = await scope.ServiceProvider.GetRequiredService<OutboxRepository>().ClaimAsync(1000, TimeSpan.FromMinutes(2), CancellationToken.None);
            Assert.Contains(claimed, m => m.TenantId == s.Id);
        }
        await app.DispatchAllAsync();
        Assert.Empty(receiver.Deliveries);
        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.DispatchAllAsync();
        Assert.Single(receiver.Deliveries);
    }

    [Fact]
    public async Task Shutdown_mid_delivery_releases_the_message()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var s = await Scenario.OnboardAsync(app);
        await SubscribeAsync(s, receiver.Url, "pim.principal.upserted");
        await s.Operator.PutJsonAsync(s.Path("/principals/dora"), new { kind = "user", displayName = "Dora" }).ExpectAsync(HttpStatusCode.Created);
        await app.DispatchAllAsync(); // other tests' messages out of the way, and this one
        Assert.Single(receiver.Deliveries);
        receiver.Delay = TimeSpan.FromMilliseconds(600); // the next delivery is still under way at shutdown

        await s.Operator.PutJsonAsync(s.Path("/principals/dora"), new { kind = "user", displayName = "Dora B." }).ExpectAsync(HttpStatusCode.OK);
        using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await app.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(shutdown.Token);
        var pending = (await s.Alice.GetAsync(s.Path("/notifications?status=pending")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(0, pending.GetProperty("attempts").GetInt32()); // released: the interrupted attempt does not count
        receiver.Delay = TimeSpan.Zero;
        await app.DispatchAllAsync(); // claimable again at once, no lease to wait for
        var delivered = (await s.Alice.GetAsync(s.Path("/notifications?status=delivered")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Contains(delivered.EnumerateArray(), m => m.Str("id") == pending.Str("id"));
    }

    [Fact]
    public async Task Two_dispatchers_and_two_sweepers_do_each_thing_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var s = await Scenario.OnboardAsync(app);
        await SubscribeAsync(s, receiver.Url, "pim.principal.upserted", "pim.activation.expired");
        await s.SetSettingsAsync("helpdesk-administrator", ScenarioSettings.Document(requireMfa: false, requireJustification: false));
        const int people = 12;
        for (var i = 0; i < people; i++)
        {
            await s.Operator.PutJsonAsync(s.Path($"/principals/p{i}"), new { kind = "user", displayName = $"P{i}", email = $"p{i}@{s.Id}.example" })
                .ExpectAsync(HttpStatusCode.Created);
            await s.AssignAsync(s.Alice, $"p{i}", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
            await s.ActivateAsync(s.User($"p{i}"), roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created);
        }
        app.Time.Advance(TimeSpan.FromHours(1));

        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        async Task SweepUntilDone() { while (await SweeperService.SweepOnceAsync(scopes, CancellationToken.None) > 0) { } }
        await Task.WhenAll(SweepUntilDone(), SweepUntilDone());
        var expired = await s.AuditAsync("action=activation.expired");
        Assert.Equal(people, expired.GetArrayLength());
        Assert.Equal(people, expired.EnumerateArray().Select(e => e.Str("targetId")).Distinct().Count());

        OutboxDispatcher NewDispatcher() => new(scopes, app.Services.GetRequiredService<IEmailSender>(), app.Services.GetRequiredService<WebhookSender>(),
            app.Services.GetRequiredService<SlackDelivery>(), app.Services.GetRequiredService<OutboxOptions>(), app.Time, NullLogger<OutboxDispatcher>.Instance);
        async Task DispatchUntilDone(OutboxDispatcher d) { while (await d.DispatchOnceAsync(CancellationToken.None) > 0) { } }
        await Task.WhenAll(DispatchUntilDone(NewDispatcher()), DispatchUntilDone(NewDispatcher()));

        var ids = receiver.Deliveries.Select(d => d.Id).ToList();
        Assert.Equal(2 * people, ids.Count); // an upsert and an expiry per person
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Webhook_urls_are_checked()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = "ftp://example.com/x", eventTypes = new[] { "pim.activation.approved" } })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "webhook-url-refused");
        await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = "https://example.com/x", eventTypes = new[] { "pim.nothing" } })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Carol.PostJsonAsync(s.Path("/webhooks"), new { url = "https://example.com/x", eventTypes = new[] { "pim.activation.approved" } })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }
}
