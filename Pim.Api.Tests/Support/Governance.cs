using System.Net;
using System.Text.Json;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Support;

/// <summary>
/// A governance sweep evaluates the alerts of every due tenant of its app: governance tests get apps of their own, so
/// that their sweeps see their own tenants only (and the other collections' tests never wait for them).
/// </summary>
public sealed class GovernanceSqliteApp : SqliteApp;

public sealed class GovernancePostgresApp : PostgresApp;

[CollectionDefinition(Name)]
public sealed class GovernanceSqliteCollection : ICollectionFixture<GovernanceSqliteApp>
{
    public const string Name = "governance-sqlite";
}

[CollectionDefinition(Name)]
public sealed class GovernancePostgresCollection : ICollectionFixture<GovernancePostgresApp>
{
    public const string Name = "governance-postgres";
}

/// <summary>Governance, driven by the tests on the fake clock: the governance sweep, alerts and access reviews as a tenant's administrator reads them.</summary>
public static class Governance
{
    /// <summary>Sweeps until nothing is due: access reviews' schedules, and every due tenant's alerts.</summary>
    public static async Task SweepGovernanceAsync(this PimApp app)
    {
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        for (var i = 0; i < 1000; i++)
            if (await SweeperService.SweepGovernanceOnceAsync(scopes, CancellationToken.None) == 0) return;
        throw new InvalidOperationException("The governance sweep never ran out of work.");
    }

    /// <summary>The tenant's incidents with the given status (default open), as Alice reads them.</summary>
    public static async Task<JsonElement[]> AlertsAsync(this Scenario s, string? query = null) =>
        (await s.Alice.GetAsync(s.Path("/alerts" + (query is null ? "" : "?" + query))).ExpectAsync(HttpStatusCode.OK))
        .GetProperty("items").EnumerateArray().ToArray();

    /// <summary>Reads an alert's settings with their ETag and replaces them (as Alice).</summary>
    public static Task<JsonElement> SetAlertAsync(this Scenario s, string alertType, object settings) =>
        s.ReplaceAsync(s.Path($"/alert-settings/{alertType}"), settings);

    /// <summary>A user of the scenario's tenant, synced by the operator (with an email address).</summary>
    public static Task<JsonElement> SyncUserAsync(this Scenario s, string name, params string[] memberOf) =>
        s.Operator.PutJsonAsync(s.Path($"/principals/{name}"),
            new { kind = "user", displayName = char.ToUpperInvariant(name[0]) + name[1..], email = s.Address(name), memberOf }).ExpectAnyJsonAsync();

    private static async Task<JsonElement> ExpectAnyJsonAsync(this Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
    }
}
