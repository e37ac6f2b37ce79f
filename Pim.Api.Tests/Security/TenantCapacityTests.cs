using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Pim.Api.Http;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class TenantCapacityTests_Sqlite(SqliteApp app) : TenantCapacityTests(app);

[Collection(PostgresCollection.Name)]
public sealed class TenantCapacityTests_Postgres(PostgresApp app) : TenantCapacityTests(app);

/// <summary>
/// Trust boundary: capacity is per tenant. One tenant's waiting reads and running requests are bounded below what the
/// process and the store have (a wait holds no store connection), so a flood from one tenant never makes another
/// tenant's reads, writes or evaluations answer 429 or 503.
/// </summary>
public abstract class TenantCapacityTests(PimApp app)
{
    /// <summary>
    /// Small bounds, and on PostgreSQL a pool of four connections: fewer than the five reads that wait below, so that a
    /// wait holding its connection would leave none for the other tenant.
    /// </summary>
    private WebApplicationFactory<Program> Small() => app.WithWebHostBuilder(b =>
    {
        b.UseSetting("Pim:LongPolls:PerCaller", "2");
        b.UseSetting("Pim:LongPolls:PerTenant", "3");
        b.UseSetting("Pim:LongPolls:InAll", "5");
        b.UseSetting("Pim:RateLimits:InFlightPerTenant", "2");
        b.UseSetting("Pim:RateLimits:InFlightQueuePerTenant", "1");
        if (app.Provider == "postgres")
            b.UseSetting("ConnectionStrings:Pim", new NpgsqlConnectionStringBuilder(app.ConnectionString) { MaxPoolSize = 4 }.ToString());
    });

    private static HttpClient As(WebApplicationFactory<Program> pim, HttpClient identity)
    {
        var client = pim.CreateClient();
        client.DefaultRequestHeaders.Authorization = identity.DefaultRequestHeaders.Authorization;
        return client;
    }

    /// <summary>A tenant whose CI pipeline waits for approval of an activation request: the request's id.</summary>
    private static async Task<string> PendingRequestAsync(Scenario s)
    {
        await s.Operator.PutJsonAsync(s.Path("/principals/ci-deployer"), new { kind = "servicePrincipal", displayName = "CI deployer" })
            .ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "ci-deployer", "user-administrator", "eligible", HttpStatusCode.Created);
        await s.SetSettingsAsync("user-administrator", ScenarioSettings.Document(requireApproval: true, allowWorkloads: true));
        return (await s.User("ci-deployer", mfa: false).PostJsonAsync(s.Path("/activation-requests"),
            new { roleId = "user-administrator", justification = "Release 4.2" }).ExpectAsync(HttpStatusCode.Created)).Str("id");
    }

    /// <summary>A body that sends its first byte, then the rest only when the test says: a request that stays in flight.</summary>
    private sealed class SlowBody : HttpContent
    {
        private readonly byte[] _json;
        private readonly Task _rest;

        public SlowBody(string json, Task rest)
        {
            (_json, _rest) = (Encoding.UTF8.GetBytes(json), rest);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_json.AsMemory(0, 1));
            await stream.FlushAsync();
            await _rest;
            await stream.WriteAsync(_json.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _json.Length;
            return true;
        }
    }

    [Fact]
    public async Task A_flood_from_one_tenant_leaves_another_tenants_reads_writes_and_evaluations_unharmed()
    {
        await using var pim = Small();
        var polls = pim.Services.GetRequiredService<LongPolls>();
        var inFlight = pim.Services.GetRequiredService<TenantInFlight>();
        var a = await Scenario.OnboardAsync(app);
        var b = await Scenario.OnboardAsync(app);
        var aRequest = await PendingRequestAsync(a);
        var bRequest = await PendingRequestAsync(b);
        await b.MakeBobEligibleAsync();
        var aPipeline = As(pim, a.User("ci-deployer", mfa: false));
        var aAlice = As(pim, a.Alice);
        var bPipeline = As(pim, b.User("ci-deployer", mfa: false));
        string Wait(Scenario s, string id) => s.Path($"/activation-requests/{id}?waitFor=active&timeout=PT1M");

        // Tenant A waits up to its bounds: two reads of its pipeline (the caller's bound), one of Alice (the tenant's).
        var waits = new List<Task<HttpResponseMessage>>();
        async Task WaitAdmittedAsync(HttpClient client, string path)
        {
            var expected = polls.Waiting + 1;
            waits.Add(client.GetAsync(path));
            Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(polls.Waiting == expected || waits[^1].IsCompleted)),
                "the read did not wait");
            Assert.False(waits[^1].IsCompleted, "the read was answered instead of waiting");
        }
        await WaitAdmittedAsync(aPipeline, Wait(a, aRequest));
        await WaitAdmittedAsync(aPipeline, Wait(a, aRequest));
        using (var overCaller = await aPipeline.GetAsync(Wait(a, aRequest)))
            Assert.Contains("of one caller", (await overCaller.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited")).Str("detail"));
        await WaitAdmittedAsync(aAlice, Wait(a, aRequest));
        using (var overTenant = await aAlice.GetAsync(Wait(a, aRequest)))
        {
            var problem = await overTenant.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.Contains("At most 3 reads of one tenant", problem.Str("detail"));
            Assert.Equal(TimeSpan.FromSeconds(5), overTenant.Headers.RetryAfter?.Delta);
        }

        // And keeps its two places of running requests busy with uploads that do not end, a third queued behind them:
        // its next request is refused, not queued without end.
        var rest = new TaskCompletionSource();
        var uploads = Enumerable.Range(0, 3).Select(i =>
        {
            var upload = new HttpRequestMessage(HttpMethod.Post, a.Path("/activation-requests"))
            {
                Content = new SlowBody("""{"roleId":"exchange-administrator","justification":"Mailbox migration"}""", rest.Task),
            };
            upload.Headers.Add("Idempotency-Key", $"upload-{i}");
            upload.Headers.Authorization = a.Carol.DefaultRequestHeaders.Authorization;
            return pim.CreateDefaultClient().SendAsync(upload); // no redirect handler: it would buffer the body before sending
        }).ToList();
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(inFlight.Load(a.Id) == (2, 1))),
            $"tenant A runs and queues {inFlight.Load(a.Id)}");
        using (var beyond = await aAlice.GetAsync(a.Path("/me/roles")))
        {
            await beyond.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.Equal(TimeSpan.FromSeconds(1), beyond.Headers.RetryAfter?.Delta);
        }

        // Tenant B meanwhile: its own waits, a read, a write and an evaluation, answered at once.
        await WaitAdmittedAsync(bPipeline, Wait(b, bRequest));
        await WaitAdmittedAsync(bPipeline, Wait(b, bRequest));
        Assert.Equal("pendingApproval", (await As(pim, b.Alice).GetAsync(b.Path($"/activation-requests/{bRequest}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        await b.ActivateAsync(As(pim, b.Bob)).ExpectAsync(HttpStatusCode.Created);
        var decision = await As(pim, app.Evaluator()).PostJsonAsync(b.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("allow", decision.Str("decision"));

        // The uploads end: each runs (Carol is not eligible), the queued one after a place is free.
        rest.SetResult();
        foreach (var upload in uploads) await upload.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        // The waits' timeout passes on Pim's clock: each is answered with its request as it stands.
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(20), () =>
        {
            app.Time.Advance(TimeSpan.FromSeconds(30));
            return Task.FromResult(waits.All(w => w.IsCompleted));
        }), "the waits were not answered at their timeout");
        foreach (var wait in waits) Assert.Equal("pendingApproval", (await wait.ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal(0, polls.Waiting);
    }
}
