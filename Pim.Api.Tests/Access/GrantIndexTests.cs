using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Access;

[Collection(SqliteCollection.Name)]
public sealed class GrantIndexTests_Sqlite(SqliteApp app) : GrantIndexTests(app);

[Collection(PostgresCollection.Name)]
public sealed class GrantIndexTests_Postgres(PostgresApp app) : GrantIndexTests(app);

/// <summary>
/// Trust boundary: evaluation from memory never serves revoked access. Every change that removes a grant is seen by this
/// replica's very next evaluation; expiry needs no change at all; the index and the store give the same answers; the
/// cache is bounded, evicts whole tenants, and a tenant it does not hold is answered from the store.
/// </summary>
public abstract class GrantIndexTests(PimApp app)
{
    private const string Eng = "/managementGroups/eng", Sub1 = "/subscriptions/sub1";

    private GrantIndex Index => app.Services.GetRequiredService<GrantIndex>();

    private async Task<JsonElement> EvaluateAsync(Scenario s, string principalId, string roleId, string scope = "/") =>
        await app.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId, roleId, scope }).ExpectAsync(HttpStatusCode.OK);

    /// <summary>The index answered (it holds the tenant and did not reload it), and said <paramref name="decision"/>.</summary>
    private async Task ExpectFromIndexAsync(Scenario s, string principalId, string roleId, string decision, string scope = "/")
    {
        Assert.True(Index.IsLoaded(s.Id));
        var held = Assert.IsType<TenantGrants>(Index.Find(s.Id)); // reloaded, it would be another object; other tenants may load meanwhile
        Assert.Equal(decision, (await EvaluateAsync(s, principalId, roleId, scope)).Str("decision"));
        Assert.Same(held, Index.Find(s.Id));
    }

    [Fact]
    public async Task Every_change_that_removes_a_grant_is_seen_by_the_very_next_evaluation_here()
    {
        var s = await Scenario.OnboardAsync(app);
        var op = s.Operator;
        await op.PutJsonAsync(s.Path("/principals/team"), new { kind = "group", displayName = "Team" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var name in new[] { "dave", "erin", "frank" })
            await op.PutJsonAsync(s.Path($"/principals/{name}"), new { kind = "user", displayName = name, email = s.Address(name), memberOf = new[] { "team" } })
                .ExpectAsync(HttpStatusCode.Created);
        // Gus is in "crew", a group nested in "team".
        await op.PutJsonAsync(s.Path("/principals/crew"), new { kind = "group", displayName = "Crew", memberOf = new[] { "team" } }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/principals/gus"), new { kind = "user", displayName = "gus", email = s.Address("gus"), memberOf = new[] { "crew" } })
            .ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "team", "helpdesk-administrator", "active", HttpStatusCode.Created);
        var erinsRole = (await s.AssignAsync(s.Alice, "erin", "user-administrator", "active", HttpStatusCode.Created)).Str("id");
        await op.PutJsonAsync(s.Path("/management-groups/eng"), new { displayName = "Engineering" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/management-groups/corp"), new { displayName = "Corp" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Prod", managementGroupId = "eng" }).ExpectAsync(HttpStatusCode.Created);
        await op.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "frank", roleId = "reader", scope = Eng, type = "active" })
            .ExpectAsync(HttpStatusCode.Created);
        await s.MakeBobEligibleAsync();
        var activation = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");

        // Deactivating an activation.
        await s.WarmIndexAsync();
        await ExpectFromIndexAsync(s, "bob", "exchange-administrator", "allow");
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{activation}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("eligible-not-active", (await EvaluateAsync(s, "bob", "exchange-administrator")).Str("reason"));

        // Removing an active assignment.
        await s.WarmIndexAsync();
        await ExpectFromIndexAsync(s, "erin", "user-administrator", "allow");
        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{erinsRole}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("deny", (await EvaluateAsync(s, "erin", "user-administrator")).Str("decision"));

        // Making a standing assignment eligible.
        var carols = (await s.AssignAsync(s.Alice, "carol", "security-reader", "active", HttpStatusCode.Created)).Str("id");
        await s.WarmIndexAsync();
        await ExpectFromIndexAsync(s, "carol", "security-reader", "allow");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{carols}/make-eligible")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("eligible-not-active", (await EvaluateAsync(s, "carol", "security-reader")).Str("reason"));

        // Leaving the group that holds the role.
        await s.WarmIndexAsync();
        await ExpectFromIndexAsync(s, "dave", "helpdesk-administrator", "allow");
        await op.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "dave", email = s.Address("dave") }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("not-eligible", (await EvaluateAsync(s, "dave", "helpdesk-administrator")).Str("reason"));

        // An intermediate group leaving the group that holds the role.
        await s.WarmIndexAsync();
        await ExpectFromIndexAsync(s, "gus", "helpdesk-administrator", "allow");
        await op.PutJsonAsync(s.Path("/principals/crew"), new { kind = "group", displayName = "Crew" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("not-eligible", (await EvaluateAsync(s, "gus", "helpdesk-administrator")).Str("reason"));

        // Disabling the principal.
        await s.WarmIndexAsync();
        await ExpectFromIndexAsync(s, "erin", "helpdesk-administrator", "allow");
        await op.PutJsonAsync(s.Path("/principals/erin"), new { kind = "user", displayName = "erin", email = s.Address("erin"), memberOf = new[] { "team" },
            accountEnabled = false }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("principal-disabled", (await EvaluateAsync(s, "erin", "helpdesk-administrator")).Str("reason"));

        // Moving the scope away from where the role was given.
        await s.WarmIndexAsync();
        await ExpectFromIndexAsync(s, "frank", "reader", "allow", Sub1);
        await op.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Prod", managementGroupId = "corp" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("deny", (await EvaluateAsync(s, "frank", "reader", Sub1)).Str("decision"));
    }

    [Fact]
    public async Task Expiry_needs_no_change_the_index_applies_each_end_at_read_time()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "carol", "security-reader", "active", HttpStatusCode.Created, endsAt: app.Time.GetUtcNow().AddHours(2));
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob, duration: "PT30M").ExpectAsync(HttpStatusCode.Created);
        await s.WarmIndexAsync();
        await ExpectFromIndexAsync(s, "bob", "exchange-administrator", "allow");
        await ExpectFromIndexAsync(s, "carol", "security-reader", "allow");

        app.Time.Advance(TimeSpan.FromMinutes(31));
        await ExpectFromIndexAsync(s, "bob", "exchange-administrator", "deny");
        Assert.Equal("expired", (await EvaluateAsync(s, "bob", "exchange-administrator")).Str("reason"));
        await ExpectFromIndexAsync(s, "carol", "security-reader", "allow");
        app.Time.Advance(TimeSpan.FromHours(2));
        await ExpectFromIndexAsync(s, "carol", "security-reader", "deny");
        Assert.Equal("expired", (await EvaluateAsync(s, "carol", "security-reader")).Str("reason"));
    }

    [Fact]
    public async Task The_cache_is_bounded_evicts_whole_tenants_and_answers_a_tenant_it_does_not_hold_from_the_store()
    {
        var a = await Scenario.OnboardAsync(app);
        var b = await Scenario.OnboardAsync(app);
        var entries = (await GrantIndexLoader.LoadAsync(app.Services.GetRequiredService<Store>(), a.Id, app.Time.GetUtcNow(), default))!.Entries;
        // Room for one tenant of this size, not two.
        await using var small = app.WithWebHostBuilder(w => w.UseSetting("Pim:Access:Cache:MaxEntries", (entries * 3 / 2).ToString()));
        var index = small.Services.GetRequiredService<GrantIndex>();
        var evaluator = small.CreateClient();
        evaluator.DefaultRequestHeaders.Authorization = app.Evaluator().DefaultRequestHeaders.Authorization;
        async Task<bool> Allows(Scenario s, string principalId, string roleId) =>
            (await evaluator.PostJsonAsync(s.Path("/access/evaluation"), new { principalId, roleId }).ExpectAsync(HttpStatusCode.OK)).Str("decision") == "allow";
        async Task Warm(Scenario s) => Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), async () =>
            await Allows(s, "alice", "global-administrator") && index.IsLoaded(s.Id)));

        await Warm(a);
        await Warm(b);
        // Never both: loading one evicts the other whole (the least recently used), and the bound holds.
        Assert.False(index.IsLoaded(a.Id) && index.IsLoaded(b.Id));
        Assert.InRange(index.Entries, 1, entries * 3 / 2);
        // A tenant it does not hold is answered, and rightly, from the store.
        var cold = index.IsLoaded(a.Id) ? b : a;
        Assert.True(await Allows(cold, "bob", "exchange-administrator"));
        Assert.False(await Allows(cold, "carol", "exchange-administrator"));

        // A tenant larger than the whole bound is never held, and still answered.
        await using var tiny = app.WithWebHostBuilder(w => w.UseSetting("Pim:Access:Cache:MaxEntries", "3"));
        evaluator = tiny.CreateClient();
        evaluator.DefaultRequestHeaders.Authorization = app.Evaluator().DefaultRequestHeaders.Authorization;
        for (var i = 0; i < 20; i++) Assert.True(await Allows(a, "bob", "exchange-administrator"));
        Assert.False(tiny.Services.GetRequiredService<GrantIndex>().IsLoaded(a.Id));
        Assert.Equal(0, tiny.Services.GetRequiredService<GrantIndex>().Entries);
    }

    /// <summary>
    /// The index (the whole tenant, loaded at one time, read later) and the store path (one principal, loaded at the read
    /// time) agree on every principal, role and scope of a random tenant: grants (with what they rest on) and the standing
    /// that a deny's reason is read from. Both decide with the same C# (TenantGrants); what each loads is compared too, row
    /// by row: the store path's queries, restricted to one principal and its groups, fetch exactly the whole tenant's rows
    /// of that principal and its groups.
    /// </summary>
    [Fact]
    public async Task The_index_and_the_store_give_the_same_answers()
    {
        var random = new Random(20261127);
        var s = await Scenario.OnboardAsync(app);
        var op = s.Operator;
        string[] roles = ["helpdesk-administrator", "user-administrator", "security-reader"];
        string[] resourceRoles = ["reader", "contributor"];
        string[] scopes = ["/", "/managementGroups/eng", "/subscriptions/sub1", "/subscriptions/sub1/resourceGroups/rg1", "/subscriptions/sub2"];
        await op.PutJsonAsync(s.Path("/management-groups/eng"), new { displayName = "Engineering" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Prod", managementGroupId = "eng" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub1/resource-groups/rg1"), new { displayName = "Web" }).ExpectAsync(HttpStatusCode.Created);
        await op.PutJsonAsync(s.Path("/subscriptions/sub2"), new { displayName = "Dev" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var g in new[] { "g0", "g1" })
            await op.PutJsonAsync(s.Path($"/principals/{g}"), new { kind = "group", displayName = g }).ExpectAsync(HttpStatusCode.Created);
        // g2 is nested in g0: its members hold what g0 holds.
        await op.PutJsonAsync(s.Path("/principals/g2"), new { kind = "group", displayName = "g2", memberOf = new[] { "g0" } }).ExpectAsync(HttpStatusCode.Created);
        foreach (var role in roles.Concat(resourceRoles)) await s.SetSettingsAsync(role, ScenarioSettings.Document(maximumDuration: "PT8H"));
        var users = Enumerable.Range(0, 8).Select(i => $"u{i}").ToArray();
        var direct = new Dictionary<string, string[]>();
        foreach (var u in users)
            await op.PutJsonAsync(s.Path($"/principals/{u}"), new
            {
                kind = "user", displayName = u, email = s.Address(u),
                memberOf = direct[u] = new[] { "g0", "g1", "g2" }.Where(_ => random.Next(3) == 0).ToArray(), accountEnabled = random.Next(8) != 0 && u != "u7",
            }).ExpectAsync(HttpStatusCode.Created);
        var now = app.Time.GetUtcNow();
        DateTimeOffset?[] ends = [null, now.AddMinutes(40), now.AddHours(3)];
        for (var i = 0; i < users.Length; i++) // every user eligible for something, so that there are activations to compare
            await s.AssignAsync(s.Alice, users[i], roles[i % 3], "eligible", HttpStatusCode.Created, endsAt: ends[i % 3]);
        foreach (var holder in users.Concat(["g0", "g1", "g2"]))
            for (var k = 0; k < 3; k++)
            {
                var resource = random.Next(2) == 0;
                await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new
                {
                    principalId = holder, roleId = resource ? resourceRoles[random.Next(2)] : roles[random.Next(3)],
                    scope = resource ? scopes[1 + random.Next(4)] : "/", type = random.Next(2) == 0 ? "active" : "eligible", endsAt = ends[random.Next(3)],
                }).ExpectAnyAsync(HttpStatusCode.Created, HttpStatusCode.Conflict);
            }
        // Just-in-time memberships of g0 or g2 (g2 is in g0), activated first so that activations can stand on them.
        var jit = new Dictionary<string, string>();
        await s.SetSettingsAsync("member", ScenarioSettings.Document(maximumDuration: "PT8H"));
        foreach (var u in users.Where(_ => random.Next(3) != 0))
        {
            var group = jit[u] = random.Next(2) == 0 ? "g0" : "g2";
            await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = u, roleId = "member", scope = $"/groups/{group}", type = "eligible" })
                .ExpectAsync(HttpStatusCode.Created);
            await s.User(u).PostJsonAsync(s.Path("/activation-requests"), new
            {
                roleId = "member", scope = $"/groups/{group}", justification = "parity", duration = random.Next(2) == 0 ? "PT30M" : "PT2H",
                startsAt = random.Next(4) == 0 ? now.AddHours(1) : (DateTimeOffset?)null,
            }).ExpectAnyAsync(HttpStatusCode.Created, HttpStatusCode.Forbidden);
        }
        // Activate what each enabled user may: now (30 min or 2 h), or scheduled an hour ahead.
        var activated = 0;
        foreach (var u in users)
            foreach (var eligible in (await s.Alice.GetAsync(s.Path($"/role-assignments?principalId={u}&type=eligible")).ExpectAsync(HttpStatusCode.OK))
                         .GetProperty("items").EnumerateArray())
                activated += await s.User(u).PostJsonAsync(s.Path("/activation-requests"), new
                {
                    roleId = eligible.Str("roleId"), scope = eligible.Str("scope"), justification = "parity",
                    duration = random.Next(2) == 0 ? "PT30M" : "PT2H", startsAt = random.Next(3) == 0 ? now.AddHours(1) : (DateTimeOffset?)null,
                }).ExpectAnyAsync(HttpStatusCode.Created, HttpStatusCode.UnprocessableEntity, HttpStatusCode.Forbidden, HttpStatusCode.Conflict) == HttpStatusCode.Created ? 1 : 0;
        Assert.True(activated >= 4, $"only {activated} activations");

        var store = app.Services.GetRequiredService<Store>();
        app.Time.Advance(TimeSpan.FromMinutes(35)); // some activations are over before the index is loaded
        var index = (await GrantIndexLoader.LoadAsync(store, s.Id, app.Time.GetUtcNow(), default))!;
        var compared = 0;
        var seen = new HashSet<string>(); // what the comparisons covered: grants of each kind, and each reason of a deny
        foreach (var later in new[] { TimeSpan.Zero, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(40), TimeSpan.FromHours(4) })
        {
            var at = app.Time.GetUtcNow() + later;
            await using var scope = app.Services.CreateAsyncScope();
            var reader = scope.ServiceProvider.GetRequiredService<AccessReader>();
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            var whole = (await GrantIndexLoader.LoadAsync(store, s.Id, at, default))!;
            foreach (var principal in users.Concat(["g0", "g1", "g2", "nobody"]))
            foreach (var role in roles.Concat(resourceRoles).Append("member"))
            foreach (var at_scope in scopes.Concat(["/subscriptions/unknown", "/groups/g0", "/groups/g2", "/groups/unknown"]))
            {
                var expected = await reader.FindGrantsAsync(s.Id, principal, [role], at_scope, at, default);
                var actual = index.FindGrants(principal, [role], at_scope, at);
                Assert.Equal(expected.OrderBy(g => g.AssignmentId).ThenBy(g => g.ActivationRequestId), actual.OrderBy(g => g.AssignmentId).ThenBy(g => g.ActivationRequestId));
                var standing = index.Standing(principal, role, at_scope, at);
                if (role == "member")
                {
                    var rows = whole.RowsOf(principal, at_scope);
                    Assert.Equal(rows, (await GrantIndexLoader.LoadPrincipalAsync(session, s.Id, principal, at_scope, at, default))!.RowsOf(principal, at_scope));
                    seen.UnionWith(rows.Select(r => r.Split(' ')[1] is "member" or "activation" or "active" or "eligible" or "ended" ? $"row {r.Split(' ')[1]}" : "row"));
                }
                Assert.Equal(await reader.StandingAsync(s.Id, principal, role, at_scope, at, default), standing);
                compared++;
                seen.UnionWith(actual.Select(g => g.ActivationRequestId is not null ? "activation" : g.ViaPrincipalId == principal ? "assignment"
                    : direct.TryGetValue(principal, out var groups) && !groups.Contains(g.ViaPrincipalId) && !groups.Contains("g2")
                      ? jit.ContainsKey(principal) ? "just-in-time group" : "nested group"
                    : direct.TryGetValue(principal, out groups) && !groups.Contains(g.ViaPrincipalId) ? "nested group" : "group"));
                if (actual.Count == 0) seen.Add(AccessRules.WhyNot(standing));
            }
            foreach (var principal in users)
                Assert.Equal((await reader.FindGrantsAsync(s.Id, principal, null, null, at, default)).OrderBy(g => g.AssignmentId).ThenBy(g => g.ActivationRequestId),
                    index.FindGrants(principal, null, null, at).OrderBy(g => g.AssignmentId).ThenBy(g => g.ActivationRequestId));
        }
        Assert.True(compared > 1000);
        Assert.True(new HashSet<string>(["activation", "group", "nested group", "just-in-time group", "assignment", .. DenyReasons.All,
            "row member", "row activation", "row active", "row eligible", "row ended"]).IsSubsetOf(seen),
            string.Join(",", seen));
    }
}
