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

    [Fact]
    public async Task The_directory_is_listed_by_kind_group_and_text_a_page_at_a_time()
    {
        var s = await Scenario.OnboardAsync(app);
        var op = s.Operator;
        await op.PutJsonAsync(s.Path("/principals/admins"), new { kind = "group", displayName = "Admins" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/principals/oncall"), new { kind = "group", displayName = "On call", memberOf = new[] { "admins" } }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave Smith", email = "d.smith@contoso.example", memberOf = new[] { "oncall" } })
            .ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/principals/robot"), new { kind = "servicePrincipal", displayName = "Deploy robot", memberOf = new[] { "admins" } })
            .ExpectAsync(HttpStatusCode.Created);

        async Task<string[]> Ids(string query) =>
            (await s.Alice.GetAsync(s.Path("/principals" + query)).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(p => p.Str("id")).ToArray();
        Assert.Equal(["admins", "alice", "bob", "carol", "dave", "oncall", "robot"], await Ids(""));
        Assert.Equal(["admins", "oncall"], await Ids("?kind=group"));
        Assert.Equal(["oncall", "robot"], await Ids("?memberOf=admins"));
        Assert.Equal(["dave", "oncall", "robot"], await Ids("?memberOf=admins&transitive=true"));
        Assert.Equal(["dave"], await Ids("?memberOf=admins&transitive=true&kind=user"));
        Assert.Equal(["dave", "robot"], await Ids("?memberOf=admins&transitive=true&text=d"));
        Assert.Equal(["dave"], await Ids("?text=SMITH"));
        Assert.Equal(["bob"], await Ids($"?text=bob@{s.Id}"));

        var first = await s.Alice.GetAsync(s.Path("/principals?pageSize=3")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["admins", "alice", "bob"], first.GetProperty("items").EnumerateArray().Select(p => p.Str("id")));
        Assert.Equal(["carol", "dave", "oncall"], await Ids($"?pageSize=3&pageToken={first.Str("nextPageToken")}"));
        await s.Alice.GetAsync(s.Path("/principals?pageToken=nope!")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Carol.GetAsync(s.Path("/principals")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }
}
