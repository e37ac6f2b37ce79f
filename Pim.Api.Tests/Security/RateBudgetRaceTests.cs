using Microsoft.Extensions.Time.Testing;
using Pim.Api.Http;

namespace Pim.Api.Tests.Security;

/// <summary>Budgets are spent without a lock (compare-and-swap): racing requests never spend more than the budget, nor lose any.</summary>
public sealed class RateBudgetRaceTests
{
    private static readonly RateBudgets.Key Gateway = new("evaluation", "contoso", "contoso", "gateway");
    private static readonly RateBudgets.Key Other = new("evaluation", "contoso", "contoso", "other");
    private static readonly RateBudgets.Key Contoso = new("evaluation", "contoso");

    [Fact]
    public async Task Racing_requests_of_one_caller_spend_exactly_the_budget_and_no_more()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var budgets = new RateBudgets(new RateLimitOptions(), time);
        var budget = new RateLimitOptions.Budget { PerCaller = 5_000, PerTenant = 6_000 };
        var allowed = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
                if (budgets.Spend(Gateway, Contoso, budget).Allowed) Interlocked.Increment(ref allowed);
        })));
        Assert.Equal(5_000, allowed);
        // The tenant's budget counted only what was allowed: another caller of the tenant has exactly 1,000 left.
        var other = 0;
        for (var i = 0; i < 2_000; i++)
            if (budgets.Spend(Other, Contoso, budget).Allowed) other++;
        Assert.Equal(1_000, other);
        // A new window starts at zero.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4_999, budgets.Spend(Gateway, Contoso, budget).CallerLeft);
    }
}
