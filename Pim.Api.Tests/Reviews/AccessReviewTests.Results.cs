using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Security;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Reviews;

/// <summary>Access reviews, continued: applying the results (automatically and by hand, once), the CSV export, races, recurrence, refusals.</summary>
public abstract partial class AccessReviewTests
{
    [Fact]
    public async Task With_auto_apply_the_sweeper_removes_through_the_normal_path_revoking_the_activations_made_through_it()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("helpdesk-administrator", ScenarioSettings.Document(maximumDuration: "PT3H", requireMfa: false));
        var carols = (await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        var r = await StartAsync(s, Review("roleAdministrators", duration: "P1D", defaultDecision: "remove", autoApply: true));
        await DecideAsync(s.Alice, s, r, s.BobExchangeAssignment, "keep").ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromHours(23));
        var activation = await s.ActivateAsync(s.Carol, roleId: "helpdesk-administrator", duration: "PT2H").ExpectAsync(HttpStatusCode.Created);
        Assert.True(await s.EvaluateAsync("carol", "helpdesk-administrator"));

        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        var instance = await InstanceAsync(s, r);
        Assert.Equal(("applied", 1), (instance.Str("status"), instance.GetProperty("removedCount").GetInt32()));
        await s.Alice.GetAsync(s.Path($"/role-assignments/{carols}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.False(await s.EvaluateAsync("carol", "helpdesk-administrator"));
        Assert.Equal("revoked", (await s.Carol.GetAsync(s.Path($"/activation-requests/{activation.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        var revoked = Assert.Single((await s.AuditAsync("action=activation.revoked")).EnumerateArray());
        Assert.Contains("eligibility-removed", revoked.Str("details"));
        Assert.Equal("system", Assert.Single((await s.AuditAsync("action=assignment.removed")).EnumerateArray()).Str("actorKind"));
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("carol")), m => m.Subject == "PIM: your Helpdesk Administrator assignment was removed by an access review");
        Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject == "PIM: access review \"Quarterly admin review\" applied");
    }

    [Fact]
    public async Task An_administrator_applying_while_the_sweeper_applies_removes_each_assignment_once()
    {
        var s = await Scenario.OnboardAsync(app);
        for (var i = 0; i < 3; i++)
        {
            await s.SyncUserAsync($"h{i}");
            await s.AssignAsync(s.Alice, $"h{i}", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        }
        var r = await StartAsync(s, Review("roleAdministrators", roleIds: ["helpdesk-administrator"], duration: "P1D", defaultDecision: "remove", autoApply: true));
        app.Time.Advance(TimeSpan.FromDays(1));
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        var apply = s.Alice.PostJsonAsync(ItemsPath(s, r, "/apply"));
        await Task.WhenAll(apply, Pim.Infrastructure.SweeperService.SweepGovernanceOnceAsync(scopes, CancellationToken.None));
        await apply.ExpectAnyAsync(HttpStatusCode.OK, HttpStatusCode.Conflict); // the sweeper may have applied it first
        await app.SweepGovernanceAsync();
        Assert.Equal(3, (await s.AuditActionsAsync("action=assignment.removed")).Length);
        Assert.Single(await s.AuditActionsAsync("action=accessReview.ended"));
        Assert.Single(await s.AuditActionsAsync("action=accessReview.applied"));
        var results = (await s.Alice.GetAsync(ItemsPath(s, r, "/results")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToArray();
        Assert.All(results, i => Assert.Equal("removed", i.Str("outcome")));
        Assert.Equal(("applied", 3), ((await InstanceAsync(s, r)).Str("status"), (await InstanceAsync(s, r)).GetProperty("removedCount").GetInt32()));
    }

    [Fact]
    public async Task Results_export_as_csv_that_opens_as_text_in_every_locale()
    {
        var s = await Scenario.OnboardAsync(app);
        var hostile = CsvInjectionTests.Hostile;
        for (var i = 0; i < hostile.Length; i++)
        {
            await s.SyncUserAsync($"h{i}");
            await s.AssignAsync(s.Alice, $"h{i}", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        }
        var r = await StartAsync(s, Review("roleAdministrators", roleIds: ["helpdesk-administrator"]));
        var items = await ItemsAsync(s.Alice, s, r);
        for (var i = 0; i < items.Length; i++)
            await DecideAsync(s.Alice, s, r, items[i].Str("id"), i % 2 == 0 ? "keep" : "remove", hostile[i]).ExpectAsync(HttpStatusCode.OK);

        await s.Carol.GetAsync(ItemsPath(s, r, "/results")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using var export = await s.Alice.SendAsync(new HttpRequestMessage(HttpMethod.Get, ItemsPath(s, r, "/results")) { Headers = { { "Accept", "text/csv" } } });
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var csv = await export.Content.ReadAsStringAsync();
        var rows = CsvInjectionTests.Parse(csv, ',');
        Assert.Equal(hostile.Length + 1, rows.Count);
        Assert.All(rows, row => Assert.Equal(rows[0].Count, row.Count));
        Assert.All(rows.Skip(1).SelectMany(row => row), cell => Assert.False(CsvInjectionTests.StartsAsFormula(cell), cell));
        var justifications = rows.Skip(1).Select(row => row[rows[0].IndexOf("justification")]).ToList();
        Assert.All(hostile, value => Assert.Contains(justifications, j => j.EndsWith(value, StringComparison.Ordinal)));
        foreach (var separator in new[] { ';', '\t' })
            Assert.All(CsvInjectionTests.Parse(csv, separator), row => Assert.Single(row));
    }

    [Fact]
    public async Task Two_sweepers_start_one_instance_and_two_reviewers_deciding_at_once_make_one_decision()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncUserAsync("sam");
        await s.SyncUserAsync("rita");
        await s.Alice.PostJsonAsync(s.Path("/access-reviews"), Review(new[] { "sam", "rita" })).ExpectAsync(HttpStatusCode.Created);
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        async Task Sweep() { while (await Pim.Infrastructure.SweeperService.SweepGovernanceOnceAsync(scopes, CancellationToken.None) > 0) { } }
        await Task.WhenAll(Sweep(), Sweep(), Sweep());
        var reviewId = Assert.Single((await s.Alice.GetAsync(s.Path("/access-reviews")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()).Str("id");
        var instance = Assert.Single((await s.Alice.GetAsync(s.Path($"/access-reviews/{reviewId}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Single(await s.AuditActionsAsync("action=accessReview.started"));
        var r = (reviewId, instance.Str("id"));

        var decisions = await Task.WhenAll(DecideAsync(s.User("sam"), s, r, s.BobExchangeAssignment, "keep", "sam: keep"),
            DecideAsync(s.User("rita"), s, r, s.BobExchangeAssignment, "remove", "rita: remove"));
        Assert.Equal(1, decisions.Count(d => d.StatusCode == HttpStatusCode.OK));
        await decisions.Single(d => d.StatusCode != HttpStatusCode.OK).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Single(await s.AuditActionsAsync("action=accessReview.decided"));
    }

    [Fact]
    public async Task A_recurring_review_starts_its_next_instance_a_recurrence_later_over_the_assignments_then_in_scope()
    {
        var s = await Scenario.OnboardAsync(app);
        var r = await StartAsync(s, Review("roleAdministrators", duration: "P1D", recurrence: "P7D"));
        Assert.Equal(1, (await InstanceAsync(s, r)).GetProperty("itemCount").GetInt32());
        var carols = (await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        app.Time.Advance(TimeSpan.FromDays(6));
        await app.SweepGovernanceAsync();
        Assert.Single((await s.Alice.GetAsync(s.Path($"/access-reviews/{r.Review}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        app.Time.Advance(TimeSpan.FromDays(1));
        await app.SweepGovernanceAsync();
        var instances = (await s.Alice.GetAsync(s.Path($"/access-reviews/{r.Review}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([2, 1], instances.Select(i => i.GetProperty("sequence").GetInt32()));
        Assert.Equal(("inProgress", "ended"), (instances[0].Str("status"), instances[1].Str("status")));
        var second = (r.Review, instances[0].Str("id"));
        Assert.Contains(await ItemsAsync(s.Alice, s, second), i => i.Str("id") == carols);
    }

    [Fact]
    public async Task A_review_is_refused_unless_it_is_well_formed_and_its_reviewers_and_scope_exist()
    {
        var s = await Scenario.OnboardAsync(app);
        var path = s.Path("/access-reviews");
        await s.Alice.PostJsonAsync(path, Review(new[] { "nobody" })).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-principal");
        await s.Alice.PostJsonAsync(path, Review("everyone")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Alice.PostJsonAsync(path, Review(Array.Empty<string>())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Alice.PostJsonAsync(path, Review(new { kind = "self" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await s.Alice.PostJsonAsync(path, Review("self", duration: "P30D", recurrence: "P7D")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Alice.PostJsonAsync(path, Review("self", recurrence: "P8D")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Alice.PostJsonAsync(path, Review("self", roleIds: ["no-such-role"])).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Alice.PostJsonAsync(path, Review("self", scope: "/subscriptions/nowhere", roleIds: ["owner"])).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/prod"), new { displayName = "Production" }).ExpectAsync(HttpStatusCode.Created);
        await s.Alice.PostJsonAsync(path, Review("self", scope: "/subscriptions/prod")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-scope");
        await s.Carol.PostJsonAsync(path, Review("self")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Operator.PostJsonAsync(path, Review("self")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty((await s.Alice.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Another_tenants_callers_can_neither_read_nor_decide_a_tenants_review()
    {
        var s = await Scenario.OnboardAsync(app);
        var other = await Scenario.OnboardAsync(app);
        var r = await StartAsync(s, Review("roleAdministrators"));
        foreach (var path in new[] { s.Path("/access-reviews"), s.Path($"/access-reviews/{r.Review}"), ItemsPath(s, r), ItemsPath(s, r, "/results"),
                     other.Path($"/access-reviews/{r.Review}"), other.Path($"/access-reviews/{r.Review}/instances/{r.Instance}/items") })
            await other.Alice.GetAsync(path).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await DecideAsync(other.Alice, s, r, s.BobExchangeAssignment, "remove").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await other.Alice.PostJsonAsync(other.Path($"/access-reviews/{r.Review}/instances/{r.Instance}/items/{s.BobExchangeAssignment}/decision"),
            new { decision = "remove", justification = "x" }).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(0, (await InstanceAsync(s, r)).GetProperty("decidedCount").GetInt32());
    }
}
