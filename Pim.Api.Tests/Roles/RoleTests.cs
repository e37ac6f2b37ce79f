using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Roles;

[Collection(SqliteCollection.Second)]
public sealed class RoleTests_Sqlite(SqliteApp app) : RoleTests(app);

[Collection(PostgresCollection.Name)]
public sealed class RoleTests_Postgres(PostgresApp app) : RoleTests(app);

/// <summary>The role catalog and a role's members.</summary>
public abstract class RoleTests(PimApp app)
{
    [Fact]
    public async Task Members_list_the_role_holders_with_type_and_window()
    {
        var s = await Scenario.OnboardAsync(app);
        var until = s.App.Time.GetUtcNow().AddDays(30);
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created, endsAt: until);
        var members = (await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        var bob = members.EnumerateArray().Single(m => m.Str("principalId") == "bob");
        var carol = members.EnumerateArray().Single(m => m.Str("principalId") == "carol");
        Assert.Equal(("active", "Bob"), (bob.Str("type"), bob.Str("principalDisplayName")));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, bob.GetProperty("endsAt").ValueKind);
        Assert.Equal("eligible", carol.Str("type"));
        Assert.Equal(until, carol.GetProperty("endsAt").GetDateTimeOffset());
        await s.Carol.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_catalog_lists_built_in_roles()
    {
        var s = await Scenario.OnboardAsync(app);
        var roles = (await s.Carol.GetAsync(s.Path("/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Contains(roles.EnumerateArray(), r => r.Str("id") == "global-administrator" && r.Str("displayName") == "Global Administrator");
        await s.Carol.GetAsync(s.Path("/roles/exchange-administrator")).ExpectAsync(HttpStatusCode.OK);
        await s.Carol.GetAsync(s.Path("/roles/no-such-role")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
