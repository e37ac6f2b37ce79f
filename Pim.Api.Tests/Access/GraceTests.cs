using System.Net;
using Microsoft.AspNetCore.Hosting;
using Pim.Api.Tests.Http;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Access;

/// <summary>
/// Evaluation through a failover, with <c>Pim:Access:Cache:Grace</c> on (SECURITY.md, "Evaluation through a failover"):
/// while the store is away, a tenant whose grants the index held when its change feed was last proven current is answered
/// from memory — expiry still computed at each evaluation — until the grace, counted on Pim's clock from that proof, ends;
/// a tenant the index did not hold then, or forgot because a change committed, is not; nor is anything but evaluation (a
/// write answers 503 as before). Real PostgreSQL (a cluster of this class's own, stopped mid-test), fake clock.
/// </summary>
public sealed class GraceTests(OutageCluster cluster) : IClassFixture<OutageCluster>
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    private sealed class GraceApp(string connectionString) : PimApp
    {
        public override string Provider => "postgres";
        public override string ConnectionString => connectionString;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Pim:Access:Cache:Grace", Grace.ToString());
        }
    }

    private static Task<HttpResponseMessage> Evaluate(PimApp app, Scenario s, string principalId, string roleId) =>
        app.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId, roleId });

    private static async Task<string> DecisionAsync(PimApp app, Scenario s, string principalId, string roleId) =>
        (await Evaluate(app, s, principalId, roleId).ExpectAsync(HttpStatusCode.OK)).Str("decision");

    /// <summary>Stops the store and waits until the change feed has found it gone (the index no longer current).</summary>
    private async Task StopStoreAsync(PimApp app)
    {
        await cluster.StopAsync();
        var index = app.Services.GetRequiredService<GrantIndex>();
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(!index.Current)), "the change feed never noticed the store was gone");
    }

    [Fact]
    public async Task Within_the_grace_a_tenant_proven_current_is_answered_from_memory_expiry_applies_and_the_grace_ends()
    {
        await using var app = new GraceApp(cluster.ConnectionString);
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "carol", "security-reader", "active", HttpStatusCode.Created, endsAt: app.Time.GetUtcNow().AddMinutes(5));
        await s.WarmIndexAsync();
        await StopStoreAsync(app);
        try
        {
            Assert.Equal("allow", await DecisionAsync(app, s, "bob", "exchange-administrator"));
            Assert.Equal("allow", await DecisionAsync(app, s, "carol", "security-reader"));
            Assert.Equal("deny", await DecisionAsync(app, s, "carol", "exchange-administrator"));

            // Carol's assignment ends during the grace: the very next evaluation says so.
            app.Time.Advance(TimeSpan.FromMinutes(6));
            Assert.Equal("deny", await DecisionAsync(app, s, "carol", "security-reader"));
            Assert.Equal("allow", await DecisionAsync(app, s, "bob", "exchange-administrator"));

            // Writes (and everything else that needs the store) answer 503 as before.
            using (var write = await s.Carol.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" }))
                await write.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unavailable");

            // The grace ends (ten minutes after the feed last proved the index current): the outage is the answer again.
            app.Time.Advance(TimeSpan.FromMinutes(4));
            using var ended = await Evaluate(app, s, "bob", "exchange-administrator");
            await ended.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unavailable");
            Assert.Equal(TimeSpan.FromSeconds(5), ended.Headers.RetryAfter?.Delta);
        }
        finally
        {
            await cluster.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_feed_that_listens_again_before_requests_reach_the_store_does_not_end_the_grace()
    {
        await using var app = new GraceApp(cluster.ConnectionString);
        var s = await Scenario.OnboardAsync(app);
        await s.WarmIndexAsync();
        await StopStoreAsync(app);
        try
        {
            // In a failover the feed's own connection can reach the new primary moments before requests do (the failover
            // drill saw it): the feed listens again, and everything loaded is forgotten, while evaluations find no store.
            var index = app.Services.GetRequiredService<GrantIndex>();
            index.FeedConnected();
            Assert.Equal("allow", await DecisionAsync(app, s, "bob", "exchange-administrator"));
            Assert.Equal("deny", await DecisionAsync(app, s, "carol", "exchange-administrator"));

            // Lost again at once: the grace runs its course, counted from the first proof, and then ends.
            index.FeedLost();
            Assert.Equal("allow", await DecisionAsync(app, s, "bob", "exchange-administrator"));
            app.Time.Advance(Grace);
            await Evaluate(app, s, "bob", "exchange-administrator").ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unavailable");
        }
        finally
        {
            await cluster.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_tenant_the_index_did_not_hold_or_forgot_just_before_the_store_went_away_is_not_answered_from_memory()
    {
        await using var app = new GraceApp(cluster.ConnectionString);
        var held = await Scenario.OnboardAsync(app);
        var changed = await Scenario.OnboardAsync(app);
        var cold = await Scenario.OnboardAsync(app);
        await held.WarmIndexAsync();
        await changed.WarmIndexAsync();
        // A change commits just before the store goes away: the index forgets the tenant and has not loaded it since.
        await changed.AssignAsync(changed.Alice, "carol", "security-reader", "active", HttpStatusCode.Created);
        var index = app.Services.GetRequiredService<GrantIndex>();
        Assert.False(index.IsLoaded(changed.Id));
        Assert.False(index.IsLoaded(cold.Id));
        await StopStoreAsync(app);
        try
        {
            Assert.Equal("allow", await DecisionAsync(app, held, "bob", "exchange-administrator"));
            foreach (var s in new[] { changed, cold })
                await Evaluate(app, s, "bob", "exchange-administrator").ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unavailable");
        }
        finally
        {
            await cluster.ResumeAsync();
        }
    }
}
