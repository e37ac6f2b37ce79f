using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Console;

[Collection(SqliteCollection.Second)]
public sealed class ConsoleAuthorizationTests_Sqlite(SqliteApp app) : ConsoleAuthorizationTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ConsoleAuthorizationTests_Postgres(PostgresApp app) : ConsoleAuthorizationTests(app);

/// <summary>
/// The console's authorization matrix: every page × anonymous (sent to sign in), another tenant's administrator (told
/// the tenant does not exist), a plain user (Carol) and an active administrator (Alice), in a tenant where Bob's request
/// for Exchange Administrator waits for approval. The answers are those the API gives the same callers' tokens
/// (<c>Http/AuthorizationMatrixTests</c>), since each page asks the same use case.
/// </summary>
public abstract class ConsoleAuthorizationTests(PimApp app)
{
    public sealed record Row(string Page, int Anonymous, int Stranger, int User, int Admin);

    public static readonly Row[] Rows =
    [
        new("/my-roles", 302, 404, 200, 200),
        new("/activate/exchange-administrator?scope=%2F", 302, 404, 200, 200),
        new("/requests", 302, 404, 200, 200),
        new("/requests/{r}", 302, 404, 403, 200),
        new("/approvals", 302, 404, 200, 200),
        new("/approvals/{r}", 302, 404, 403, 200),
        new("/admin", 302, 404, 403, 200),
        new("/admin/roles/exchange-administrator", 302, 404, 403, 200),
        new("/admin/roles/exchange-administrator/settings", 302, 404, 200, 200),
        new("/admin/alerts", 302, 404, 403, 200),
        new("/admin/audit", 302, 404, 403, 200),
        new("/admin/audit?handler=csv", 302, 404, 403, 200),
        new("/admin/reviews", 302, 404, 403, 200),
        // A scope's roles read as GET /roles does (anyone of the tenant); assigning there is the use case's to refuse.
        new("/scope?scope=%2Fsubscriptions%2Fsub1", 302, 404, 200, 200),
        new("/reviews/{review}/{instance}", 302, 404, 403, 200),
    ];

    [Fact]
    public async Task Each_page_answers_each_caller_as_the_API_answers_its_token()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        var request = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        var review = (await s.Alice.PostJsonAsync(s.Path("/access-reviews"), new { displayName = "Admins", reviewers = "roleAdministrators" })
            .ExpectAsync(HttpStatusCode.Created)).Str("id");
        // Started here, without the alerts a full governance sweep would evaluate in every tenant of the shared app.
        await using (var scope = app.Services.CreateAsyncScope())
            for (var i = 0; i < 100 && await scope.ServiceProvider.GetRequiredService<Pim.Domain.AccessReviewService>().SweepAsync(50, CancellationToken.None) > 0; i++) { }
        var instance = (await s.Alice.GetAsync(s.Path($"/access-reviews/{review}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0].Str("id");
        var other = await Scenario.OnboardAsync(app);
        // The API's bearer token is not a console session: a page asks for the console's own sign-in, whatever the token
        // may do in the API (the console's policy names its cookie scheme; a token is no way around it).
        var bearer = ConsoleClient.Anonymous(app);
        bearer.Http.DefaultRequestHeaders.Authorization = s.Alice.DefaultRequestHeaders.Authorization;
        var personas = new (string Name, ConsoleClient Client, Func<Row, int> Expected)[]
        {
            ("anonymous", ConsoleClient.Anonymous(app), r => r.Anonymous),
            ("Alice's API token, no console session", bearer, r => r.Anonymous),
            ("another tenant's administrator", await ConsoleClient.SignInAsync(app, "alice", other.Id), r => r.Stranger),
            ("Carol", await ConsoleClient.SignInAsync(app, "carol", s.Id), r => r.User),
            ("Alice", await ConsoleClient.SignInAsync(app, "alice", s.Id), r => r.Admin),
        };
        var wrong = new List<string>();
        foreach (var row in Rows)
        foreach (var (name, client, expected) in personas)
        {
            var path = $"/console/t/{s.Id}{row.Page.Replace("{r}", request, StringComparison.Ordinal)
                .Replace("{review}", review, StringComparison.Ordinal).Replace("{instance}", instance, StringComparison.Ordinal)}";
            var (response, _) = await client.GetAsync(path);
            if ((int)response.StatusCode != expected(row)) wrong.Add($"{name} GET {row.Page}: {(int)response.StatusCode}, expected {expected(row)}");
            if (response.StatusCode == HttpStatusCode.Redirect)
                Assert.StartsWith("/console/sign-in?returnUrl=", response.Headers.Location!.OriginalString);
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
