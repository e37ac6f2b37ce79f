using System.Diagnostics;
using System.Net;
using Npgsql;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Access;

/// <summary>Two Pim processes (A and B) on one fresh PostgreSQL database, with one tenant, shared by the tests of <see cref="ReplicaTests"/>.</summary>
public sealed class Replicas : IAsyncLifetime
{
    private static readonly (string, string)[] Environment =
    [
        ("Pim__Auth__PlatformIdentities__0", "directory-sync"), ("Pim__Auth__PlatformIdentities__1", "exchange-gateway"),
        ("Pim__RateLimits__Evaluation__PerCaller", "1000000"), ("Pim__RateLimits__Evaluation__PerTenant", "1000000"),
        ("Pim__RateLimits__Reads__PerCaller", "1000000"), ("Pim__RateLimits__Reads__PerTenant", "1000000"),
        ("Pim__RateLimits__Writes__PerCaller", "1000000"), ("Pim__RateLimits__Writes__PerTenant", "1000000"),
        ("Pim__Outbox__BackgroundEnabled", "false"),
    ];

    private readonly string _data = Directory.CreateTempSubdirectory("pim-replicas-").FullName;
    private const string Tenant = "replicas";
    private string _connection = "";
    private Func<Task> _drop = () => Task.CompletedTask;
    public PimProcess A { get; private set; } = null!;
    public PimProcess B { get; private set; } = null!;
    public HttpClient OperatorA { get; private set; } = null!;
    public HttpClient EvaluatorA { get; private set; } = null!;
    public HttpClient EvaluatorB { get; private set; } = null!;
    public HttpClient AliceA { get; private set; } = null!;
    public HttpClient AliceB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (_connection, _drop) = await PimProcess.FreshStoreAsync("postgres", _data);
        A = await PimProcess.StartAsync("postgres", _connection, _data, Environment);
        // B waits 5 s before listening again after losing its feed, so that the test sees it answer without one.
        B = await PimProcess.StartAsync("postgres", _connection, _data, [.. Environment, ("Pim__Access__Cache__ReconnectDelay", "00:00:05")]);
        OperatorA = await A.ClientAsync("directory-sync", null, false, "pim.operator");
        EvaluatorA = await A.ClientAsync("exchange-gateway", null, false, "pim.evaluate");
        EvaluatorB = await B.ClientAsync("exchange-gateway", null, false, "pim.evaluate");
        AliceA = await A.ClientAsync("alice", Tenant);
        AliceB = await B.ClientAsync("alice", Tenant);
        await OperatorA.PutJsonAsync(Path(), new { displayName = "Replicas" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var name in new[] { "alice", "bob", "probe", "p0", "p1", "p2", "p3", "p4", "p5" })
            await OperatorA.PutJsonAsync(Path($"/principals/{name}"), new { kind = "user", displayName = name, email = $"{name}@replicas.example" })
                .ExpectAsync(HttpStatusCode.Created);
        await Assign(OperatorA, "alice", "global-administrator");
        await Assign(OperatorA, "probe", "security-reader");
        await AliceA.PostJsonAsync(Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        await AliceA.PostJsonAsync(Path("/sign-ups"), new { area = "directoryRoles" }).ExpectAsync(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await _drop();
    }

    public static string Path(string rest = "") => $"/v1/tenants/{Tenant}{rest}";

    public static async Task<string> Assign(HttpClient client, string principalId, string roleId) =>
        (await client.PostJsonAsync(Path("/role-assignments"), new { principalId, roleId, type = "active" }).ExpectAsync(HttpStatusCode.Created)).Str("id");

    public static async Task<bool> Allows(HttpClient evaluator, string principalId, string roleId) =>
        (await evaluator.PostJsonAsync(Path("/access/evaluation"), new { principalId, roleId }).ExpectAsync(HttpStatusCode.OK)).Str("decision") == "allow";

    /// <summary>
    /// Whether the replica answers from its index: the probe principal is disabled in the store with its triggers off
    /// (session_replication_role = replica), so no replica hears of it; a replica that still allows it answered from
    /// memory. The probe is enabled again the same way.
    /// </summary>
    public async Task<bool> AnswersFromIndexAsync(HttpClient evaluator)
    {
        await SilentlyAsync("UPDATE principals SET disabled_at = now() WHERE tenant_id = 'replicas' AND principal_id = 'probe'");
        try
        {
            return await Allows(evaluator, "probe", "security-reader");
        }
        finally
        {
            await SilentlyAsync("UPDATE principals SET disabled_at = NULL WHERE tenant_id = 'replicas' AND principal_id = 'probe'");
        }
    }

    private async Task SilentlyAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await new NpgsqlCommand($"SET session_replication_role = replica; {sql}", connection).ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Evaluates on the replica until its index holds the tenant (proved by <see cref="AnswersFromIndexAsync"/>). A load
    /// that happened to read the store while the probe was silently disabled would keep it disabled: then a real change
    /// to it (one the feed tells) makes the replica load again.
    /// </summary>
    public async Task WarmAsync(HttpClient evaluator) =>
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(15), async () =>
        {
            await Allows(evaluator, "alice", "global-administrator");
            var fromIndex = await AnswersFromIndexAsync(evaluator);
            if (await Allows(evaluator, "probe", "security-reader")) return fromIndex;
            await using var connection = new NpgsqlConnection(_connection);
            await connection.OpenAsync();
            await new NpgsqlCommand("UPDATE principals SET updated_at = updated_at WHERE tenant_id = 'replicas' AND principal_id = 'probe'", connection)
                .ExecuteNonQueryAsync();
            return false;
        }), "the replica never answered from its index");
}

/// <summary>
/// Trust boundary: several replicas of Pim on one PostgreSQL, each evaluating from its own grant index. A revocation made
/// on one replica is seen there by the very next evaluation and on the other within a second; a replica that loses its
/// change feed (its listening connection killed) answers from the store until it has caught up; and a random interleaving
/// of grants, revocations and evaluations on both finds no allow after a revocation's window. Real processes, real time.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaTests(Replicas r) : IClassFixture<Replicas>
{
    [Fact]
    public async Task A_revocation_is_seen_at_once_where_it_was_made_and_within_a_second_on_the_other_replica()
    {
        foreach (var (maker, other, makerEvaluator, otherEvaluator) in new[] { (r.AliceA, r.AliceB, r.EvaluatorA, r.EvaluatorB), (r.AliceB, r.AliceA, r.EvaluatorB, r.EvaluatorA) })
        {
            var assignment = await Replicas.Assign(maker, "bob", "exchange-administrator");
            await r.WarmAsync(r.EvaluatorA);
            await r.WarmAsync(r.EvaluatorB);
            Assert.True(await Replicas.Allows(makerEvaluator, "bob", "exchange-administrator"));
            Assert.True(await Replicas.Allows(otherEvaluator, "bob", "exchange-administrator"));

            await maker.DeleteAsync(Replicas.Path($"/role-assignments/{assignment}")).ExpectAsync(HttpStatusCode.NoContent);
            var revoked = Stopwatch.StartNew();
            Assert.False(await Replicas.Allows(makerEvaluator, "bob", "exchange-administrator"));
            Assert.True(await Eventually.WithinAsync(Eventually.FeedWindow, async () => !await Replicas.Allows(otherEvaluator, "bob", "exchange-administrator")),
                $"the other replica still allowed {revoked.Elapsed} after the revocation");
            _ = other;
        }
    }

    [Fact]
    public async Task A_replica_that_loses_its_change_feed_answers_from_the_store_until_it_has_caught_up()
    {
        var assignment = await Replicas.Assign(r.AliceA, "bob", "exchange-administrator");
        await r.WarmAsync(r.EvaluatorB);

        // Kill B's listening connection, as an administrator or a failover would.
        await using (var connection = new NpgsqlConnection(PostgresApp.Maintenance))
        {
            await connection.OpenAsync();
            var killed = await new NpgsqlCommand(
                $"SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pim-change-feed:{r.B.ProcessId}') k",
                connection).ExecuteScalarAsync();
            Assert.Equal(1L, killed);
        }
        using var health = r.B.Http();
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(2), async () => (await health.GetStringAsync("/health/ready")) == "Degraded"));

        // Without its feed, B does not use its index: a change nobody is told of is seen at once, and so is A's revocation.
        Assert.False(await r.AnswersFromIndexAsync(r.EvaluatorB));
        await r.AliceA.DeleteAsync(Replicas.Path($"/role-assignments/{assignment}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.False(await Replicas.Allows(r.EvaluatorB, "bob", "exchange-administrator"));
        assignment = await Replicas.Assign(r.AliceA, "bob", "exchange-administrator");
        Assert.True(await Replicas.Allows(r.EvaluatorB, "bob", "exchange-administrator"));

        // Listening again (after 5 s), B reloads and answers from memory, current again.
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(15), async () => (await health.GetStringAsync("/health/ready")) == "Healthy"));
        await r.WarmAsync(r.EvaluatorB);
        await r.AliceA.DeleteAsync(Replicas.Path($"/role-assignments/{assignment}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.True(await Eventually.WithinAsync(Eventually.FeedWindow, async () => !await Replicas.Allows(r.EvaluatorB, "bob", "exchange-administrator")));
    }

    [Fact]
    public async Task Random_grants_revocations_and_evaluations_on_two_replicas_never_allow_after_a_revocations_window()
    {
        var random = new Random(27112026);
        string[] principals = ["p0", "p1", "p2", "p3", "p4", "p5"];
        var admins = new[] { r.AliceA, r.AliceB };
        var evaluators = new[] { r.EvaluatorA, r.EvaluatorB };
        var state = principals.ToDictionary(p => p, _ => (Assignment: (string?)null, Replica: -1, At: Stopwatch.StartNew()));
        await r.WarmAsync(r.EvaluatorA);
        await r.WarmAsync(r.EvaluatorB);
        var checkedAfterWindow = 0;
        for (var step = 0; step < 160; step++)
        {
            var p = principals[random.Next(principals.Length)];
            var replica = random.Next(2);
            var (assignment, changedOn, since) = state[p];
            if (random.Next(3) == 0)
            {
                // A change: grant what is not held, revoke what is.
                if (assignment is null)
                    state[p] = (await Replicas.Assign(admins[replica], p, "exchange-administrator"), replica, Stopwatch.StartNew());
                else
                {
                    await admins[replica].DeleteAsync(Replicas.Path($"/role-assignments/{assignment}")).ExpectAsync(HttpStatusCode.NoContent);
                    state[p] = (null, replica, Stopwatch.StartNew());
                }
            }
            else
            {
                var allowed = await Replicas.Allows(evaluators[replica], p, "exchange-administrator");
                var settled = changedOn == replica || changedOn < 0 || since.Elapsed > Eventually.FeedWindow;
                if (settled)
                {
                    Assert.True(allowed == (assignment is not null),
                        $"step {step}: replica {replica} said {(allowed ? "allow" : "deny")} for {p}, changed on replica {changedOn} {since.Elapsed} ago");
                    if (changedOn >= 0 && changedOn != replica) checkedAfterWindow++;
                }
            }
            if (random.Next(4) == 0) await Task.Delay(random.Next(100, 600));
        }
        Assert.True(checkedAfterWindow > 5, $"only {checkedAfterWindow} evaluations on the other replica after a window");
    }
}
