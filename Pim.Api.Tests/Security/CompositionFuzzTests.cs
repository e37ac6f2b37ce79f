using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class CompositionFuzzTests_Sqlite(SqliteApp app) : CompositionFuzzTests(app);

[Collection(PostgresCollection.Name)]
public sealed class CompositionFuzzTests_Postgres(PostgresApp app) : CompositionFuzzTests(app);

/// <summary>
/// Groups composed at random, as an attacker would try them: nesting, just-in-time membership (activated and assigned),
/// owners, eligibility of groups for groups, time passing. The people who act never satisfy the policy of a privileged
/// role — their tokens show no MFA, and they are a service principal and a guest besides — and are never assigned one
/// directly; so whatever they do, none of them may end up holding one. The harmless role (Global Reader, with settings
/// that ask nothing) keeps the run honest: the composition must still hand it out where it may.
/// </summary>
public abstract class CompositionFuzzTests(PimApp app)
{
    private static readonly string[] Privileged =
        ["global-administrator", "privileged-role-administrator", "security-administrator", "exchange-administrator", "user-administrator"];
    private static readonly string[] Actors = ["u0", "u1", "u2", "sp", "gu"];
    private static readonly string[] Groups = ["g0", "g1", "g2", "g3", "g4", "g5"];
    private static readonly HttpStatusCode[] Refusals =
        [HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity];

    private static object Relaxed => ScenarioSettings.Document(maximumDuration: "PT8H", requireMfa: false, requireJustification: false,
        allowWorkloads: true, allowGuests: true);

    [Theory]
    [InlineData(11)]
    [InlineData(29)]
    [InlineData(47)]
    public async Task No_composition_of_groups_hands_a_privileged_role_to_someone_who_never_met_its_policy(int seed)
    {
        var random = new Random(seed);
        var s = await Scenario.OnboardAsync(app);
        // The base groups hold nothing and are never nested: the directory memberships of the people who act.
        await s.SyncAsync("b0", "group", HttpStatusCode.Created);
        await s.SyncAsync("b1", "group", HttpStatusCode.Created);
        foreach (var group in Groups) await s.SyncAsync(group, "group", HttpStatusCode.Created);
        foreach (var user in new[] { "u0", "u1", "u2" }) await s.SyncAsync(user, "user", HttpStatusCode.Created, user == "u1" ? "b1" : "b0");
        await s.Operator.PutJsonAsync(s.Path("/principals/sp"), new { kind = "servicePrincipal", displayName = "SP", memberOf = new[] { "b0" } })
            .ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/gu"), new
        {
            kind = "guest", displayName = "Gu", email = "gu@fabrikam.example", homeTenantId = "fabrikam", homePrincipalId = "gu", memberOf = new[] { "b1" },
        }).ExpectAsync(HttpStatusCode.Created);
        await s.SetSettingsAsync("global-reader", Relaxed);

        // What the groups hold: g0 Global Administrator, g1 the harmless role, the others at random; every group's own
        // membership settings as relaxed as an owner could make them.
        await s.AssignAsync(s.Alice, "g0", "global-administrator", "active", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "g1", "global-reader", "active", HttpStatusCode.Created);
        foreach (var group in Groups.Skip(2))
        {
            var (role, type) = Pick(random, ("exchange-administrator", "eligible"), ("exchange-administrator", "active"), ("global-reader", "active"),
                ("user-administrator", "eligible"), ("", ""));
            if (role != "") await s.AssignAsync(s.Alice, group, role, type, HttpStatusCode.Created);
        }
        foreach (var group in Groups) await s.ReplaceAsync(s.Path($"/roles/member/settings?scope=/groups/{group}"), Relaxed);
        // The people who act are eligible for the harmless group's membership through their base groups (and for g0's, whose
        // policy they never meet).
        foreach (var (holder, into) in new[] { ("b0", "g1"), ("b1", "g1"), ("b1", "g0") })
            await Grant(s, s.Alice, holder, "member", into, "eligible").ExpectAsync(HttpStatusCode.Created);
        // Owners: u0 and u1 own groups, and the base group b0 may become owner of another.
        await Grant(s, s.Alice, "u0", "owner", Pick(random, Groups), "active").ExpectAnyAsync(HttpStatusCode.Created);
        await Grant(s, s.Alice, "u1", "owner", Pick(random, Groups), "active").ExpectAnyAsync(HttpStatusCode.Created, HttpStatusCode.Conflict);
        await Grant(s, s.Alice, "b0", "owner", Pick(random, Groups), "eligible").ExpectAnyAsync(HttpStatusCode.Created, HttpStatusCode.Conflict);

        var harmless = 0;
        var log = new List<string>();
        for (var step = 0; step < 40; step++)
        {
            var actor = Pick(random, Actors);
            var group = Pick(random, Groups);
            var who = Pick(random, [.. Actors, "b0", "b1", .. Groups]);
            var action = random.Next(9);
            log.Add($"{step}: action {action} actor {actor} group {group} who {who}");
            switch (action)
            {
                case 0: // an owner (or anyone) grants a membership or ownership, to anyone or to themselves
                    await Grant(s, Client(s, actor), Pick(random, actor, who), Pick(random, "member", "owner"), group, Pick(random, "active", "eligible"))
                        .ExpectAnyAsync([HttpStatusCode.Created, .. Refusals]);
                    break;
                case 1: // an administrator makes someone (or a group) eligible for a membership: the policy applies at activation
                    await Grant(s, s.Alice, who, "member", group, "eligible").ExpectAnyAsync([HttpStatusCode.Created, .. Refusals]);
                    break;
                case 2:
                case 3: // someone activates a membership or an ownership, with or without a justification
                    await Client(s, actor).PostJsonAsync(s.Path("/activation-requests"), new
                    {
                        roleId = Pick(random, "member", "member", "owner"), scope = $"/groups/{Pick(random, group, "g1")}",
                        justification = Pick(random, "On call", null),
                    }).ExpectAnyAsync([HttpStatusCode.Created, .. Refusals]);
                    break;
                case 4: // someone activates a role through whatever eligibility the groups gave them
                    var role = Pick(random, [.. Privileged, "global-reader"]);
                    if (await Client(s, actor).PostJsonAsync(s.Path("/activation-requests"), new { roleId = role, justification = "Change 42" })
                            .ExpectAnyAsync([HttpStatusCode.Created, .. Refusals]) == HttpStatusCode.Created)
                        Assert.Equal("global-reader", role);
                    break;
                case 5: // the directory nests a group in another (never in a circle) or takes it out again
                    var (inner, outer) = (random.Next(1, Groups.Length), random.Next(Groups.Length));
                    if (inner > outer)
                        await s.SyncAsync(Groups[inner], "group", HttpStatusCode.OK, random.Next(2) == 0 ? [] : [Groups[outer]]);
                    break;
                case 6: // a member gives up a membership
                    var mine = (await Client(s, actor).GetAsync(s.Path("/activation-requests?status=active")).ExpectAsync(HttpStatusCode.OK))
                        .GetProperty("items").EnumerateArray().OrderBy(r => r.Str("roleId")).ThenBy(r => r.Str("scope")).Select(r => r.Str("id")).ToList();
                    if (mine.Count > 0)
                        await Client(s, actor).PostJsonAsync(s.Path($"/activation-requests/{Pick(random, [.. mine])}/deactivate"))
                            .ExpectAnyAsync(HttpStatusCode.OK, HttpStatusCode.Conflict);
                    break;
                case 7: // an administrator approves whatever waits (the policy of the conferred roles asked for it)
                    foreach (var waiting in (await s.Alice.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray())
                        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{waiting.Str("id")}/approve"), new { justification = "ok" })
                            .ExpectAnyAsync([HttpStatusCode.OK, .. Refusals]);
                    break;
                default:
                    app.Time.Advance(TimeSpan.FromMinutes(random.Next(1, 40)));
                    break;
            }

            foreach (var principal in Actors)
            {
                foreach (var role in Privileged)
                    if (await s.EvaluateAsync(principal, role))
                        Assert.Fail($"seed {seed}, step {step}: {principal} holds {role}\n{string.Join("\n", log)}\n" +
                            await (await s.Alice.GetAsync(s.Path($"/audit-events?pageSize=200"))).Content.ReadAsStringAsync());
                if (await s.EvaluateAsync(principal, "global-reader")) harmless++;
            }
        }
        Assert.True(harmless > 0, $"seed {seed}: nobody ever held the harmless role through a group: the run proved nothing");
    }

    private static Task<HttpResponseMessage> Grant(Scenario s, HttpClient client, string principalId, string roleId, string group, string type) =>
        client.PostJsonAsync(s.Path("/role-assignments"), new { principalId, roleId, scope = $"/groups/{group}", type });

    /// <summary>The actor's client: tokens without MFA, the guest's from its home tenant.</summary>
    private HttpClient Client(Scenario s, string actor) => actor == "gu" ? app.Client("gu", "fabrikam", mfa: false) : s.User(actor, mfa: false);

    private static T Pick<T>(Random random, params T[] items) => items[random.Next(items.Length)];
}
