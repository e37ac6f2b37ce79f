using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Pim.Api.Http;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

/// <summary>A PostgreSQL cluster of this test's own (scripts/lib/outage-cluster.sh), stopped and started mid-test.</summary>
public sealed class OutageCluster : IAsyncLifetime
{
    private static readonly string Script = Path.Combine(ContractTests.RepositoryRoot(), "scripts", "lib", "outage-cluster.sh");

    public string Directory { get; private set; } = "";
    public string Port { get; private set; } = "";
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;MaxPoolSize=20";

    /// <summary>
    /// As a formation of a primary and a standby is named (README, "Running highly available"): this cluster, and a second
    /// host that never answers (a port nothing listens on), only the primary wanted.
    /// </summary>
    public string MultiHostConnectionString
    {
        get
        {
            using var unused = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            unused.Start();
            var nobody = ((System.Net.IPEndPoint)unused.LocalEndpoint).Port;
            return $"Host=127.0.0.1:{Port},127.0.0.1:{nobody};Username=postgres;Database=postgres;MaxPoolSize=20;Target Session Attributes=primary";
        }
    }

    public async Task InitializeAsync()
    {
        _ = PostgresApp.Maintenance; // run by scripts/test.sh, or fail loudly
        var answer = (await RunAsync("start")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        (Directory, Port) = (answer[0], answer[1]);
    }

    public Task StopAsync() => RunAsync("stop", Directory);

    /// <summary>
    /// Makes every session read-only (<c>default_transaction_read_only</c>, reloaded), or writable again: as pg_auto_failover
    /// keeps a standby it has just promoted until the old primary is known to be gone. Returns once a new session has the
    /// setting: the server has then told every session it has (each takes it before its next command).
    /// </summary>
    public async Task ReadOnlyAsync(bool readOnly)
    {
        var direct = ConnectionString + ";Pooling=false";
        await using (var connection = new Npgsql.NpgsqlConnection(direct))
        {
            await connection.OpenAsync();
            foreach (var sql in new[]
                     {
                         "SET default_transaction_read_only = off",
                         readOnly ? "ALTER SYSTEM SET default_transaction_read_only = on" : "ALTER SYSTEM RESET default_transaction_read_only",
                         "SELECT pg_reload_conf()",
                     })
                await new Npgsql.NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
        }
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            await using var fresh = new Npgsql.NpgsqlConnection(direct);
            await fresh.OpenAsync();
            return (string?)await new Npgsql.NpgsqlCommand("SHOW default_transaction_read_only", fresh).ExecuteScalarAsync() == (readOnly ? "on" : "off");
        }), "the server did not take the setting");
    }

    /// <summary>Starts it again; connections pooled in this process before (the migrator's, say) died with the stop and are dropped.</summary>
    public async Task ResumeAsync()
    {
        await RunAsync("resume", Directory, Port);
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    public Task DisposeAsync() => RunAsync("destroy", Directory);

    private static Task<string> RunAsync(params string[] arguments) => Scripts.RunAsync(Script, TimeSpan.FromSeconds(90), arguments);
}

/// <summary>
/// A store outage: while PostgreSQL is stopped every call that needs it answers 503 store-unavailable with Retry-After,
/// promptly (no hang), /health/ready fails and /health/live does not; once it is back Pim answers normally within 5
/// seconds without a restart, and a write refused during the outage, sent again with its Idempotency-Key, applies once.
/// The moments of a failover are outages too, never a 500: several hosts of which none is the primary, and a promoted
/// standby still read-only (whose reads are answered). A notification sent while the store went away is recorded once it
/// is back, never sent again. The failover itself is drilled by Failover/FailoverDrillTests.
/// </summary>
public sealed class StoreOutageTests(OutageCluster cluster) : IClassFixture<OutageCluster>
{
    private sealed class OutageApp(string connectionString) : PimApp
    {
        public override string Provider => "postgres";
        public override string ConnectionString => connectionString;

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // A delivery waits for its receiver while the store goes away and comes back (seconds, not the suite's 1 s).
            builder.UseSetting("Pim:Outbox:DeliveryTimeout", "00:01:00");
        }
    }

    private static HttpRequestMessage Activation(Scenario s, string key) => new(HttpMethod.Post, s.Path("/activation-requests"))
    {
        Content = System.Net.Http.Json.JsonContent.Create(new { roleId = "exchange-administrator", justification = "Mailbox migration" }),
        Headers = { { "Idempotency-Key", key } },
    };

    [Fact]
    public async Task An_outage_is_a_503_with_Retry_After_and_Pim_answers_again_as_soon_as_the_store_is_back()
    {
        await using var app = new OutageApp(cluster.ConnectionString);
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var evaluator = app.Evaluator();
        var bob = s.Bob;
        foreach (var client in new[] { evaluator, bob }) client.Timeout = TimeSpan.FromSeconds(30); // a hang fails the test
        Task<HttpResponseMessage> Evaluate() => evaluator.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" });
        await Evaluate().ExpectAsync(HttpStatusCode.OK);

        await cluster.StopAsync();
        foreach (var call in new Func<Task<HttpResponseMessage>>[]
                 {
                     Evaluate,
                     () => bob.GetAsync(s.Path("/me/roles")),                 // a read, retried before it gives up
                     () => bob.SendAsync(Activation(s, "outage-1")),          // a write with a key: the key is read first
                     () => bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" }),
                 })
        {
            using var refused = await call();
            await refused.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unavailable");
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.Anonymous().GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/live")).StatusCode);

        await cluster.ResumeAsync();
        var back = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var answer = await Evaluate();
            status = answer.StatusCode;
            if (status != HttpStatusCode.OK) await Task.Delay(100);
        } while (status != HttpStatusCode.OK && back.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(status == HttpStatusCode.OK, $"Pim still answered {status} {back.Elapsed.TotalSeconds:0.0} s after the store was back.");
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/ready")).StatusCode);

        // The write refused during the outage, sent again with its key, applies once; nothing else of the outage was kept.
        using (var created = await bob.SendAsync(Activation(s, "outage-1"))) await created.ExpectAsync(HttpStatusCode.Created);
        using (var replayed = await bob.SendAsync(Activation(s, "outage-1")))
        {
            await replayed.ExpectAsync(HttpStatusCode.Created);
            Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        }
        Assert.Single(await s.AuditActionsAsync("action=activation.requested"));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task A_notification_sent_while_the_store_goes_away_is_recorded_once_it_is_back_and_not_sent_again()
    {
        await using var app = new OutageApp(cluster.ConnectionString);
        await using var receiver = await WebhookReceiver.StartAsync();
        var s = await Scenario.OnboardAsync(app);
        await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = receiver.Url, eventTypes = new[] { "pim.principal.upserted" } })
            .ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/dora"), new { kind = "user", displayName = "Dora" }).ExpectAsync(HttpStatusCode.Created);

        // The store goes away while the receiver holds the delivery, and is back a second later.
        Task? back = null;
        receiver.OnArrival = async () =>
        {
            receiver.OnArrival = null;
            await cluster.StopAsync();
            back = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                await cluster.ResumeAsync();
            });
        };
        try
        {
            await app.DispatchAllAsync();
        }
        finally
        {
            if (back is not null) await back;
        }

        // Recorded as delivered: long after the claim's lease, nothing is sent again.
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.DispatchAllAsync();
        Assert.Single(receiver.Deliveries);
        var delivered = (await s.Alice.GetAsync(s.Path("/notifications?status=delivered")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Contains(delivered.EnumerateArray(), n => n.Str("kind") == "webhook");
        Assert.Empty((await s.Alice.GetAsync(s.Path("/notifications?status=pending")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task With_several_hosts_none_of_them_a_primary_every_call_is_a_503_never_a_500()
    {
        await using var app = new OutageApp(cluster.MultiHostConnectionString);
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var evaluator = app.Evaluator();
        Task<HttpResponseMessage> Evaluate() => evaluator.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" });
        await Evaluate().ExpectAsync(HttpStatusCode.OK);

        await cluster.StopAsync();
        try
        {
            // The first call finds neither host; the next ones know it already (Npgsql remembers for Host Recheck Seconds).
            foreach (var call in new Func<Task<HttpResponseMessage>>[]
                     {
                         Evaluate, Evaluate, () => s.Bob.SendAsync(Activation(s, "hosts-1")), () => s.Bob.GetAsync(s.Path("/me/roles")), Evaluate,
                     })
            {
                using var refused = await call();
                await refused.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unavailable");
                Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            }
        }
        finally
        {
            await cluster.ResumeAsync();
        }
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            using var answer = await Evaluate();
            return answer.StatusCode == HttpStatusCode.OK;
        }), "Pim did not answer again once the store was back");
        using (var created = await s.Bob.SendAsync(Activation(s, "hosts-1"))) await created.ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task While_a_promoted_standby_is_still_read_only_writes_are_a_503_and_reads_are_answered()
    {
        await using var app = new OutageApp(cluster.ConnectionString);
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();

        await cluster.ReadOnlyAsync(true);
        try
        {
            using (var refused = await s.Bob.SendAsync(Activation(s, "read-only-1")))
            {
                await refused.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unavailable");
                Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            }
            await s.Bob.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK);
            Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        }
        finally
        {
            await cluster.ReadOnlyAsync(false);
        }

        // Writable again: the write refused, sent again with its key, applies once — on the connections Pim kept.
        using (var created = await s.Bob.SendAsync(Activation(s, "read-only-1"))) await created.ExpectAsync(HttpStatusCode.Created);
        using (var replayed = await s.Bob.SendAsync(Activation(s, "read-only-1"))) await replayed.ExpectAsync(HttpStatusCode.Created);
        Assert.Single(await s.AuditActionsAsync("action=activation.requested"));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
    }
}

/// <summary>
/// A read the store did not answer is tried again, twice, before its 503 (a failover's moment, a connection the store
/// dropped); a write never is — its client retries it, with an Idempotency-Key when it must not apply twice.
/// </summary>
public sealed class ReadRetryTests
{
    [Fact]
    public async Task A_GET_the_store_did_not_answer_is_tried_again_and_a_POST_is_not()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        var attempts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        IResult Flaky(string name, int failures) =>
            attempts.AddOrUpdate(name, 1, (_, n) => n + 1) <= failures ? throw new TimeoutException("The store did not answer.") : Results.Ok();
        var group = app.MapGroup("/v1").RetryReads();
        group.MapGet("/read", () => Flaky("read", failures: 2));
        group.MapGet("/lost", () => Flaky("lost", failures: 3));
        group.MapPost("/write", () => Flaky("write", failures: 1));
        await app.StartAsync();
        var client = app.GetTestClient();

        await client.GetAsync("/v1/read").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, attempts["read"]);
        await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync("/v1/lost")); // the third failure is the answer
        Assert.Equal(3, attempts["lost"]);
        await Assert.ThrowsAsync<TimeoutException>(() => client.PostAsync("/v1/write", null));
        Assert.Equal(1, attempts["write"]);
    }
}
