using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

/// <summary>
/// Trust boundary: every caller is rate limited (429 problem + Retry-After), with budgets per tenant and caller,
/// separate for evaluation (high) and writes (low); nobody spends another tenant's budget.
/// </summary>
[Collection(SqliteCollection.Second)]
public sealed class RateLimitTests(SqliteApp app)
{
    private WebApplicationFactory<Program> Limited() => app.WithWebHostBuilder(b =>
    {
        b.UseSetting("Pim:RateLimits:Window", "01:00:00");
        b.UseSetting("Pim:RateLimits:Writes:PerCaller", "3");
        b.UseSetting("Pim:RateLimits:Writes:PerTenant", "5");
        b.UseSetting("Pim:RateLimits:Evaluation:PerCaller", "6");
        b.UseSetting("Pim:RateLimits:Evaluation:PerTenant", "100");
        b.UseSetting("Pim:RateLimits:Reads:PerCaller", "100");
        b.UseSetting("Pim:RateLimits:Reads:PerTenant", "100");
    });

    private static HttpClient As(WebApplicationFactory<Program> pim, HttpClient identity)
    {
        var client = pim.CreateClient();
        client.DefaultRequestHeaders.Authorization = identity.DefaultRequestHeaders.Authorization;
        return client;
    }

    [Fact]
    public async Task A_caller_that_spends_its_write_budget_gets_429_with_Retry_After_and_others_go_on()
    {
        await using var pim = Limited();
        var s = await Scenario.OnboardAsync(app);
        var carol = As(pim, s.Carol);
        for (var i = 0; i < 3; i++)
            await carol.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" })
                .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        using var refused = await carol.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" });
        await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(refused.Headers.RetryAfter!.Delta > TimeSpan.Zero);

        // Reads and evaluation have budgets of their own; another caller of the tenant writes on, up to the tenant's budget.
        await carol.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK);
        var bob = As(pim, s.Bob);
        await bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "user-administrator", justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        await bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "user-administrator", justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        await As(pim, s.Alice).PostJsonAsync(s.Path("/activation-requests"), new { roleId = "user-administrator", justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited"); // the tenant's five writes are spent
    }

    [Fact]
    public async Task Evaluation_has_its_own_budget_and_another_tenants_caller_cannot_spend_ours()
    {
        await using var pim = Limited();
        var s = await Scenario.OnboardAsync(app);
        var other = await Scenario.OnboardAsync(app);
        // Callers of the other tenant hammering our paths spend their own tenant's budget (five writes), not ours.
        foreach (var (intruder, calls) in new[] { (As(pim, other.Alice), 3), (As(pim, other.Bob), 2) })
            for (var i = 0; i < calls; i++)
                await intruder.PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await As(pim, other.Carol).PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        await As(pim, s.Carol).PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");

        var gateway = As(pim, app.Client("gateway", s.Id, false, "pim.evaluate"));
        for (var i = 0; i < 6; i++)
            await gateway.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" }).ExpectAsync(HttpStatusCode.OK);
        await gateway.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" })
            .ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
    }

    [Fact]
    public async Task Requests_without_a_valid_token_spend_their_address_budget_not_the_tenants()
    {
        await using var pim = Limited();
        var s = await Scenario.OnboardAsync(app);
        var anonymous = pim.CreateClient();
        for (var i = 0; i < 3; i++) await anonymous.PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        await anonymous.PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        await As(pim, s.Alice).PostJsonAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode); // probes are never limited
    }

    [Fact]
    public async Task Every_answer_says_what_is_left_and_a_new_window_restores_the_budget()
    {
        await using var pim = Limited();
        var s = await Scenario.OnboardAsync(app);
        // Windows are aligned to the clock: start this test at the beginning of one (and with a token issued then).
        var window = TimeSpan.FromHours(1);
        app.Time.Advance(TimeSpan.FromTicks(window.Ticks - app.Time.GetUtcNow().UtcTicks % window.Ticks));
        var carol = As(pim, app.Client("carol", s.Id));

        async Task<(string Left, string Policy)> Write()
        {
            using var response = await carol.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" });
            await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
            return (response.Headers.GetValues("RateLimit").Single(), response.Headers.GetValues("RateLimit-Policy").Single());
        }

        var (left, policy) = await Write();
        Assert.Equal("\"writes\";q=3;w=3600, \"writes-tenant\";q=5;w=3600", policy);
        Assert.Equal("\"writes\";r=2;t=3600, \"writes-tenant\";r=4;t=3600", left);
        app.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal("\"writes\";r=1;t=2400, \"writes-tenant\";r=3;t=2400", (await Write()).Left);
        await Write();
        using (var refused = await carol.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" }))
        {
            await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.Equal(TimeSpan.FromSeconds(2400), refused.Headers.RetryAfter!.Delta);
            Assert.Equal("\"writes\";r=0;t=2400, \"writes-tenant\";r=2;t=2400", refused.Headers.GetValues("RateLimit").Single());
        }

        app.Time.Advance(TimeSpan.FromMinutes(40));
        carol = As(pim, app.Client("carol", s.Id)); // the first token has just expired
        Assert.Equal("\"writes\";r=2;t=3600, \"writes-tenant\";r=4;t=3600", (await Write()).Left);
        using var read = await carol.GetAsync(s.Path("/me/roles"));
        Assert.StartsWith("\"reads\";r=", read.Headers.GetValues("RateLimit").Single());
    }
}
