using System.Net;
using System.Net.Http.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class IdempotencyTests_Sqlite(SqliteApp app) : IdempotencyTests(app);

[Collection(PostgresCollection.Name)]
public sealed class IdempotencyTests_Postgres(PostgresApp app) : IdempotencyTests(app);

/// <summary>
/// Trust boundary: replays (Idempotency-Key) re-authorize the caller and never store secrets; only callers of the tenant
/// keep keys, a bounded number each; an answer is kept only with the change it answers.
/// </summary>
public abstract class IdempotencyTests(PimApp app)
{
    private static HttpRequestMessage Post(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static readonly object Hook = new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "pim.activation.approved" } };

    private async Task<string[]> StoredBodiesAsync(string tenantId)
    {
        var store = app.Services.GetRequiredService<Pim.Infrastructure.Store>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(body, '') FROM idempotency_keys WHERE tenant_id = '{tenantId}'";
        var bodies = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) bodies.Add(reader.GetString(0));
        return bodies.ToArray();
    }

    /// <summary>Another writer holding the store (SQLite's write lock; PostgreSQL's table of keys): whatever claims a key waits for it.</summary>
    private async Task<IAsyncDisposable> HoldStoreAsync()
    {
        var store = app.Services.GetRequiredService<Pim.Infrastructure.Store>();
        var connection = await store.OpenAsync(CancellationToken.None);
        var transaction = connection is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync();
        if (store.Provider == Pim.Infrastructure.StoreProvider.Postgres)
        {
            await using var hold = connection.CreateCommand();
            hold.Transaction = transaction;
            hold.CommandText = "LOCK TABLE idempotency_keys IN ACCESS EXCLUSIVE MODE";
            await hold.ExecuteNonQueryAsync();
        }
        return new Held(connection, transaction);
    }

    private sealed class Held(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_keyed_write_over_its_budget_is_refused_before_its_key_is_claimed_and_applies_once_when_the_window_passes()
    {
        await using var pim = app.WithWebHostBuilder(b =>
        {
            b.UseSetting("Pim:RateLimits:Window", "00:01:00");
            b.UseSetting("Pim:RateLimits:Writes:PerCaller", "2");
        });
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var bob = pim.CreateClient();
        bob.DefaultRequestHeaders.Authorization = s.Bob.DefaultRequestHeaders.Authorization;
        var body = new { roleId = "exchange-administrator", justification = "Mailbox migration" };
        for (var i = 0; i < 2; i++)
            await bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "user-administrator", justification = "x" })
                .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");

        // Over its budget, Bob's keyed write is refused without touching the store: at once, even while another writer holds it.
        await using (await HoldStoreAsync())
        {
            using var refused = await bob.SendAsync(Post(s.Path("/activation-requests"), body, "over-budget"));
            await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.True(refused.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        }
        Assert.Empty(await StoredBodiesAsync(s.Id)); // no key was claimed

        // The window passes: the same key runs (it is neither in use nor a replay of the 429), once.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        using var applied = await bob.SendAsync(Post(s.Path("/activation-requests"), body, "over-budget"));
        await applied.ExpectAsync(HttpStatusCode.Created);
        Assert.False(applied.Headers.Contains("Idempotent-Replayed"));
        using var replayed = await bob.SendAsync(Post(s.Path("/activation-requests"), body, "over-budget"));
        await replayed.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(applied.Headers.Location, replayed.Headers.Location);
        Assert.Single(await s.AuditActionsAsync("action=activation.requested"));
    }

    [Fact]
    public async Task A_replay_is_refused_once_the_caller_lost_the_right_to_make_the_request()
    {
        var s = await Scenario.OnboardAsync(app);
        await (await s.Alice.SendAsync(Post(s.Path("/webhooks"), Hook, "k1"))).ExpectAsync(HttpStatusCode.Created);

        // Alice loses every administrator role she held.
        var held = (await s.Alice.GetAsync(s.Path("/role-assignments?principalId=alice")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        foreach (var assignment in held.EnumerateArray())
            await s.Operator.DeleteAsync(s.Path($"/role-assignments/{assignment.Str("id")}")).ExpectAsync(HttpStatusCode.NoContent);

        using var replay = await s.User("alice", mfa: false).SendAsync(Post(s.Path("/webhooks"), Hook, "k1"));
        await replay.ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.False(replay.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task An_answer_with_a_secret_is_never_stored_and_its_replay_says_so()
    {
        var s = await Scenario.OnboardAsync(app);
        using var first = await s.Alice.SendAsync(Post(s.Path("/webhooks"), Hook, "k1"));
        var created = await first.ExpectAsync(HttpStatusCode.Created);
        Assert.StartsWith("whsec_", created.Str("secret"));
        Assert.DoesNotContain(await StoredBodiesAsync(s.Id), body => body.Contains("whsec_"));

        using var replay = await s.Alice.SendAsync(Post(s.Path("/webhooks"), Hook, "k1"));
        var withheld = await replay.ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency-answer-withheld");
        Assert.DoesNotContain("whsec_", withheld.ToString());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single((await s.Alice.GetAsync(s.Path("/webhooks")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_step_up_refusal_is_not_kept_so_the_retry_after_MFA_runs()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var body = new { roleId = "exchange-administrator", justification = "Mailbox migration" };
        using var refused = await s.User("bob", mfa: false).SendAsync(Post(s.Path("/activation-requests"), body, "k1"));
        await refused.ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
        Assert.Contains("insufficient_user_authentication", refused.Headers.WwwAuthenticate.ToString());

        using var afterStepUp = await s.Bob.SendAsync(Post(s.Path("/activation-requests"), body, "k1"));
        await afterStepUp.ExpectAsync(HttpStatusCode.Created);
        Assert.False(afterStepUp.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Callers_from_another_tenant_keep_no_keys_here()
    {
        var s = await Scenario.OnboardAsync(app);
        var other = await Scenario.OnboardAsync(app);
        for (var i = 0; i < 5; i++)
            await (await other.Alice.SendAsync(Post(s.Path("/webhooks"), Hook, $"spray-{i}"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await app.Client("rogue-app", null, false, "pim.operator").SendAsync(Post(s.Path("/webhooks"), Hook, "spray")))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await StoredBodiesAsync(s.Id));
    }

    [Fact]
    public async Task Keys_per_caller_are_bounded()
    {
        await using var pim = app.WithWebHostBuilder(b => b.UseSetting("Pim:Idempotency:MaxKeysPerCaller", "2"));
        var s = await Scenario.OnboardAsync(app);
        var token = s.Carol.DefaultRequestHeaders.Authorization;
        async Task<HttpResponseMessage> Send(string key)
        {
            var client = pim.CreateClient();
            client.DefaultRequestHeaders.Authorization = token;
            return await client.SendAsync(Post(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" }, key));
        }
        await (await Send("a")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        await (await Send("b")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        using var third = await Send("c");
        await third.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "idempotency-key-limit");
        Assert.True(third.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        using var replay = await Send("a"); // a key already held still replays
        await replay.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Racing_requests_with_one_key_run_once_and_the_others_replay_its_answer()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var body = new { roleId = "exchange-administrator", justification = "Mailbox migration" };
        var bob = s.Bob;
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => bob.SendAsync(Post(s.Path("/activation-requests"), body, "race"))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Single(answers, a => !a.Headers.Contains("Idempotent-Replayed"));
        Assert.Single(answers.Select(a => a.Headers.Location).Distinct());
        Assert.Single(await s.AuditActionsAsync("action=activation.requested"));
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
