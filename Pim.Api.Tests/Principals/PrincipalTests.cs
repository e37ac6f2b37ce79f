using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Principals;

[Collection(SqliteCollection.Name)]
public sealed class PrincipalTests_Sqlite(SqliteApp app) : PrincipalTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PrincipalTests_Postgres(PostgresApp app) : PrincipalTests(app);

/// <summary>The directory's principals as the operator syncs them.</summary>
public abstract class PrincipalTests(PimApp app)
{
    [Fact]
    public async Task Principals_are_synced_with_group_membership_and_read_back()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/exchange-admins"), new { kind = "group", displayName = "Exchange admins" })
            .ExpectAsync(HttpStatusCode.Created);
        var dave = await s.Operator.PutJsonAsync(s.Path("/principals/dave"),
            new { kind = "user", displayName = "Dave", email = "dave@contoso.example", memberOf = new[] { "exchange-admins" } }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("exchange-admins", dave.GetProperty("memberOf")[0].GetString());

        var read = await s.Alice.GetAsync(s.Path("/principals/dave")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Dave", read.Str("displayName"));
        Assert.Equal("user", read.Str("kind"));

        var replaced = await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "David" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, replaced.GetProperty("memberOf").GetArrayLength());
    }

    [Fact]
    public async Task Membership_of_an_unknown_group_is_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave", memberOf = new[] { "nope" } })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-principal");
        await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave", memberOf = new[] { "bob" } })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-principal");
    }

    [Fact]
    public async Task A_guest_needs_its_home_identity()
    {
        var s = await Scenario.OnboardAsync(app);
        var problem = await s.Operator.PutJsonAsync(s.Path("/principals/guest1"), new { kind = "guest", displayName = "Guest" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("homeTenantId", out _));
    }
}
