using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Security;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Reviews;

[Collection(GovernanceSqliteCollection.Name)]
public sealed class AccessReviewTests_Sqlite(GovernanceSqliteApp app) : AccessReviewTests(app);

[Collection(GovernancePostgresCollection.Name)]
public sealed class AccessReviewTests_Postgres(GovernancePostgresApp app) : AccessReviewTests(app);

/// <summary>
/// Access reviews: instances start on schedule over the assignments in scope, each item recommended from usage and
/// activations; reviewers decide their own items only (never their own assignments, unless it is a self-review); a
/// reminder before the end; at the end the default; the removals through the normal path, audited and notified.
/// </summary>
public abstract partial class AccessReviewTests(PimApp app)
{
    private static object Review(object reviewers, string[]? roleIds = null, string duration = "P14D", string defaultDecision = "recommendation",
        bool autoApply = false, string recurrence = "once", bool justificationRequired = true, string scope = "/") => new
    {
        displayName = "Quarterly admin review", scope, roleIds = roleIds ?? ["exchange-administrator", "helpdesk-administrator"], assignmentTypes = "both",
        reviewers, recurrence, duration, defaultDecision, autoApply, justificationRequired,
    };

    /// <summary>Alice creates the review and the sweep starts its first instance: the review and that instance.</summary>
    private async Task<(string Review, string Instance)> StartAsync(Scenario s, object review)
    {
        using var created = await s.Alice.PostJsonAsync(s.Path("/access-reviews"), review);
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(s.Path($"/access-reviews/{body.Str("id")}"), created.Headers.Location!.ToString());
        await app.SweepGovernanceAsync();
        var instance = Assert.Single((await s.Alice.GetAsync(s.Path($"/access-reviews/{body.Str("id")}/instances")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray());
        return (body.Str("id"), instance.Str("id"));
    }

    private static string ItemsPath(Scenario s, (string Review, string Instance) r, string rest = "/items") =>
        s.Path($"/access-reviews/{r.Review}/instances/{r.Instance}{rest}");

    private static async Task<JsonElement[]> ItemsAsync(HttpClient reviewer, Scenario s, (string, string) r) =>
        (await reviewer.GetAsync(ItemsPath(s, r)).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToArray();

    private static Task<HttpResponseMessage> DecideAsync(HttpClient reviewer, Scenario s, (string, string) r, string itemId, string decision,
        string? justification = "Reviewed with the team") =>
        reviewer.PostJsonAsync(ItemsPath(s, r, $"/items/{itemId}/decision"), new { decision, justification });

    private async Task<JsonElement> InstanceAsync(Scenario s, (string Review, string Instance) r) =>
        await s.Alice.GetAsync(ItemsPath(s, r, "")).ExpectAsync(HttpStatusCode.OK);

    [Fact]
    public async Task An_instance_starts_on_schedule_over_the_assignments_in_scope_each_with_a_recommendation_and_its_reason()
    {
        var s = await Scenario.OnboardAsync(app);
        var carols = (await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        app.Time.Advance(TimeSpan.FromDays(31));
        await s.EvaluateAsync("bob", "exchange-administrator"); // a service relies on Bob's standing assignment
        await s.SyncUserAsync("dave");
        var daves = (await s.AssignAsync(s.Alice, "dave", "helpdesk-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        await s.AssignAsync(s.Alice, "dave", "user-administrator", "eligible", HttpStatusCode.Created); // a role the review does not cover

        using (var created = await s.Alice.PostJsonAsync(s.Path("/access-reviews"), Review("roleAdministrators")))
        {
            var review = await created.ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(("roleAdministrators", "recommendation", "P14D", "once"), (review.Str("reviewers"), review.Str("defaultDecision"), review.Str("duration"), review.Str("recurrence")));
            Assert.Empty((await s.Alice.GetAsync(s.Path($"/access-reviews/{review.Str("id")}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        }
        await app.SweepGovernanceAsync();
        var reviewId = Assert.Single((await s.Alice.GetAsync(s.Path("/access-reviews")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()).Str("id");
        var instance = Assert.Single((await s.Alice.GetAsync(s.Path($"/access-reviews/{reviewId}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal(("inProgress", 1, 3, 0), (instance.Str("status"), instance.GetProperty("sequence").GetInt32(), instance.GetProperty("itemCount").GetInt32(),
            instance.GetProperty("decidedCount").GetInt32()));
        Assert.Equal(instance.GetProperty("startsAt").GetDateTimeOffset().AddDays(14), instance.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, (await s.Alice.GetAsync(s.Path($"/access-reviews/{reviewId}")).ExpectAsync(HttpStatusCode.OK)).GetProperty("nextInstanceAt").ValueKind);

        var items = (await ItemsAsync(s.Alice, s, (reviewId, instance.Str("id")))).ToDictionary(i => i.Str("assignmentId"));
        Assert.Equal(3, items.Count);
        Assert.Equal("keep", items[s.BobExchangeAssignment].Str("recommendation"));
        Assert.StartsWith("Activated or used in the 30 days before the review started (last on ", items[s.BobExchangeAssignment].Str("recommendationReason"));
        Assert.Equal(("remove", "Neither activated nor used in the 30 days before the review started (never activated or used)."),
            (items[carols].Str("recommendation"), items[carols].Str("recommendationReason")));
        Assert.Equal("keep", items[daves].Str("recommendation"));
        Assert.StartsWith("Assigned on ", items[daves].Str("recommendationReason"));
        Assert.Equal(("Carol", "eligible", JsonValueKind.Null), (items[carols].Str("principalDisplayName"), items[carols].Str("assignmentType"), items[carols].GetProperty("decision").ValueKind));

        Assert.Single(await s.AuditActionsAsync("action=accessReview.created"));
        Assert.Contains("\"items\":3", Assert.Single((await s.AuditAsync("action=accessReview.started")).EnumerateArray()).Str("details"));
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject == "PIM: access review \"Quarterly admin review\" started");
    }

    [Fact]
    public async Task Named_reviewers_see_and_decide_only_others_items_once_and_with_a_justification()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/auditors"), new { kind = "group", displayName = "Auditors" }).ExpectAsync(HttpStatusCode.Created);
        await s.SyncUserAsync("sam");
        await s.SyncUserAsync("rita", "auditors");
        var sams = (await s.AssignAsync(s.Alice, "sam", "exchange-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        var r = await StartAsync(s, Review(new[] { "sam", "auditors" }));

        Assert.Equal([s.BobExchangeAssignment], (await ItemsAsync(s.User("sam"), s, r)).Select(i => i.Str("id")).ToArray());
        Assert.Equal(new[] { s.BobExchangeAssignment, sams }.Order(StringComparer.Ordinal), (await ItemsAsync(s.User("rita"), s, r)).Select(i => i.Str("id")));
        await s.Carol.GetAsync(ItemsPath(s, r)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Alice.GetAsync(ItemsPath(s, r)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden"); // an administrator, but not a reviewer
        await DecideAsync(s.Alice, s, r, sams, "remove").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        await DecideAsync(s.User("sam"), s, r, sams, "keep").ExpectProblemAsync(HttpStatusCode.Forbidden, "self-review-forbidden");
        await DecideAsync(s.User("sam"), s, r, s.BobExchangeAssignment, "remove", justification: null)
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "justification-required");
        await DecideAsync(s.User("sam"), s, r, s.BobExchangeAssignment, "maybe").ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var decided = await DecideAsync(s.User("sam"), s, r, s.BobExchangeAssignment, "remove", "Left the Exchange team").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("remove", "sam", "Left the Exchange team", false), (decided.Str("decision"), decided.Str("decidedBy"), decided.Str("justification"),
            decided.GetProperty("decidedByDefault").GetBoolean()));
        await DecideAsync(s.User("rita"), s, r, s.BobExchangeAssignment, "keep").ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        var audited = Assert.Single((await s.AuditAsync("action=accessReview.decided")).EnumerateArray());
        Assert.Equal(("sam", "bob", "exchange-administrator", "Left the Exchange team"),
            (audited.Str("actorId"), audited.Str("principalId"), audited.Str("roleId"), audited.Str("justification")));
        Assert.Equal((2, 1, 1), ((await InstanceAsync(s, r)).GetProperty("itemCount").GetInt32(), (await InstanceAsync(s, r)).GetProperty("decidedCount").GetInt32(),
            (await InstanceAsync(s, r)).GetProperty("removeCount").GetInt32()));

        // A disabled reviewer cannot review; unknown items are not found.
        await DecideAsync(s.User("rita"), s, r, "no-such-assignment", "keep").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await s.Operator.PutJsonAsync(s.Path("/principals/rita"), new { kind = "user", displayName = "Rita", memberOf = new[] { "auditors" }, accountEnabled = false })
            .ExpectAsync(HttpStatusCode.OK);
        await s.User("rita").GetAsync(ItemsPath(s, r)).ExpectProblemAsync(HttpStatusCode.Forbidden, "principal-disabled");
        await DecideAsync(s.User("rita"), s, r, sams, "keep").ExpectProblemAsync(HttpStatusCode.Forbidden, "principal-disabled");
    }

    [Fact]
    public async Task In_a_self_review_each_principal_decides_on_its_own_assignments_only()
    {
        var s = await Scenario.OnboardAsync(app);
        var carols = (await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        var r = await StartAsync(s, Review("self", justificationRequired: false));
        Assert.Equal([s.BobExchangeAssignment], (await ItemsAsync(s.Bob, s, r)).Select(i => i.Str("id")).ToArray());
        Assert.Equal([carols], (await ItemsAsync(s.Carol, s, r)).Select(i => i.Str("id")).ToArray());
        await DecideAsync(s.Bob, s, r, carols, "remove").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await DecideAsync(s.Bob, s, r, s.BobExchangeAssignment, "keep", justification: null).ExpectAsync(HttpStatusCode.OK);
        await DecideAsync(s.Alice, s, r, carols, "remove").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("carol")), m => m.Subject == "PIM: access review \"Quarterly admin review\" started");
    }

    [Fact]
    public async Task Role_administrators_review_every_item_but_their_own()
    {
        var s = await Scenario.OnboardAsync(app);
        var r = await StartAsync(s, Review("roleAdministrators", roleIds: ["privileged-role-administrator", "exchange-administrator"]));
        var all = (await s.Alice.GetAsync(ItemsPath(s, r, "/results")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToArray();
        var alicesOwn = Assert.Single(all, i => i.Str("principalId") == "alice").Str("id");
        Assert.Equal([s.BobExchangeAssignment], (await ItemsAsync(s.Alice, s, r)).Select(i => i.Str("id")).ToArray());
        await DecideAsync(s.Alice, s, r, alicesOwn, "keep").ExpectProblemAsync(HttpStatusCode.Forbidden, "self-review-forbidden");
        await DecideAsync(s.Bob, s, r, alicesOwn, "remove").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await DecideAsync(s.Alice, s, r, s.BobExchangeAssignment, "keep").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_reminder_goes_out_before_the_end_and_at_the_end_undecided_items_take_the_default_until_an_administrator_applies_them()
    {
        var s = await Scenario.OnboardAsync(app);
        var carols = (await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        app.Time.Advance(TimeSpan.FromDays(31));
        await s.EvaluateAsync("bob", "exchange-administrator");
        var r = await StartAsync(s, Review("roleAdministrators", duration: "P7D"));
        var started = await InstanceAsync(s, r);
        Assert.Equal(started.GetProperty("endsAt").GetDateTimeOffset().AddDays(-3), started.GetProperty("remindAt").GetDateTimeOffset());
        await app.DispatchAllAsync();
        bool Reminded() => app.MailTo(s.Address("alice")).Any(m => m.Subject!.StartsWith("PIM: reminder, access review"));

        app.Time.Advance(TimeSpan.FromDays(3));
        await app.SweepGovernanceAsync();
        await app.DispatchAllAsync();
        Assert.False(Reminded());
        app.Time.Advance(TimeSpan.FromDays(1));
        await app.SweepGovernanceAsync();
        await app.SweepGovernanceAsync();
        await app.DispatchAllAsync();
        var reminder = Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject!.StartsWith("PIM: reminder, access review"));
        Assert.Contains("Undecided items: 2", reminder.TextBody);
        Assert.NotEqual(JsonValueKind.Null, (await InstanceAsync(s, r)).GetProperty("remindedAt").ValueKind);

        app.Time.Advance(TimeSpan.FromDays(3));
        await DecideAsync(s.Alice, s, r, carols, "keep").ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition"); // ended, even unswept
        await app.SweepGovernanceAsync();
        var ended = await InstanceAsync(s, r);
        Assert.Equal(("ended", 2, 1, 1, 0), (ended.Str("status"), ended.GetProperty("decidedCount").GetInt32(), ended.GetProperty("keepCount").GetInt32(),
            ended.GetProperty("removeCount").GetInt32(), ended.GetProperty("removedCount").GetInt32()));
        var items = (await s.Alice.GetAsync(ItemsPath(s, r, "/results")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.Str("id"));
        Assert.Equal(("remove", true, "pim-system"), (items[carols].Str("decision"), items[carols].GetProperty("decidedByDefault").GetBoolean(), items[carols].Str("decidedBy")));
        Assert.Equal("keep", items[s.BobExchangeAssignment].Str("decision"));
        await s.Alice.GetAsync(s.Path($"/role-assignments/{carols}")).ExpectAsync(HttpStatusCode.OK); // no autoApply: nothing removed yet

        await s.Carol.PostJsonAsync(ItemsPath(s, r, "/apply")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var applied = await s.Alice.PostJsonAsync(ItemsPath(s, r, "/apply")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("applied", 1), (applied.Str("status"), applied.GetProperty("removedCount").GetInt32()));
        await s.Alice.GetAsync(s.Path($"/role-assignments/{carols}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}")).ExpectAsync(HttpStatusCode.OK);
        var removal = Assert.Single((await s.AuditAsync("action=assignment.removed")).EnumerateArray());
        Assert.Equal(("alice", carols), (removal.Str("actorId"), removal.Str("targetId")));
        Assert.Contains("\"reason\":\"access-review\"", removal.Str("details"));
        Assert.Equal("removed", (await s.Alice.GetAsync(ItemsPath(s, r, "/results")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(i => i.Str("id") == carols).Str("outcome"));
        await s.Alice.PostJsonAsync(ItemsPath(s, r, "/apply")).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Single(await s.AuditActionsAsync("action=accessReview.ended"));
        Assert.Single(await s.AuditActionsAsync("action=accessReview.applied"));
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("carol")), m => m.Subject == "PIM: your Helpdesk Administrator assignment was removed by an access review");
    }

    [Fact]
    public async Task An_administrator_stops_an_instance_early_its_undecided_items_take_the_default_and_a_stopped_instance_is_not_stopped_again()
    {
        var s = await Scenario.OnboardAsync(app);
        var carols = (await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        var r = await StartAsync(s, Review("roleAdministrators", defaultDecision: "remove", autoApply: true));
        await DecideAsync(s.Alice, s, r, s.BobExchangeAssignment, "keep").ExpectAsync(HttpStatusCode.OK);
        var stop = ItemsPath(s, r, "/stop");

        // A plain user may not stop it; another tenant's administrator is told it does not exist; nor does an unknown instance.
        await s.Carol.PostJsonAsync(stop).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var other = await Scenario.OnboardAsync(app);
        await other.Alice.PostJsonAsync(stop).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await s.Alice.PostJsonAsync(s.Path($"/access-reviews/{r.Review}/instances/no-such-instance/stop")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal("inProgress", (await InstanceAsync(s, r)).Str("status"));
        Assert.Empty(await s.AuditActionsAsync("action=accessReview.stopped"));

        // Two days into fourteen, Alice stops it; a retry with the same Idempotency-Key gets the same answer and does nothing again.
        app.Time.Advance(TimeSpan.FromDays(2));
        HttpRequestMessage Stop() => new(HttpMethod.Post, stop) { Headers = { { "Idempotency-Key", "stop-quarterly" } } };
        var stopped = await s.Alice.SendAsync(Stop()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("ended", 2, 1, 1), (stopped.Str("status"), stopped.GetProperty("decidedCount").GetInt32(), stopped.GetProperty("keepCount").GetInt32(),
            stopped.GetProperty("removeCount").GetInt32()));
        Assert.Equal(app.Time.GetUtcNow(), stopped.GetProperty("endedAt").GetDateTimeOffset());
        using (var replay = await s.Alice.SendAsync(Stop()))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        }
        var audited = Assert.Single((await s.AuditAsync("action=accessReview.stopped")).EnumerateArray());
        Assert.Equal(("alice", r.Review), (audited.Str("actorId"), audited.Str("targetId")));
        Assert.Contains($"\"instanceId\":\"{r.Instance}\"", audited.Str("details"));
        var ended = Assert.Single((await s.AuditAsync("action=accessReview.ended")).EnumerateArray());
        Assert.Equal("alice", ended.Str("actorId"));
        Assert.Contains("\"defaulted\":1", ended.Str("details"));

        // Reviewers can decide no more, and stopping it again is refused and records nothing.
        await DecideAsync(s.Alice, s, r, carols, "keep").ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        await s.Alice.PostJsonAsync(stop).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Single(await s.AuditActionsAsync("action=accessReview.stopped"));

        // The results are applied as after a normal end (autoApply: by the sweeper); an applied instance is not stopped either.
        await app.SweepGovernanceAsync();
        Assert.Equal(("applied", 1), ((await InstanceAsync(s, r)).Str("status"), (await InstanceAsync(s, r)).GetProperty("removedCount").GetInt32()));
        await s.Alice.GetAsync(s.Path($"/role-assignments/{carols}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await s.Alice.PostJsonAsync(stop).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Single(await s.AuditActionsAsync("action=accessReview.ended"));
    }

    [Fact]
    public async Task An_instance_that_reached_its_end_is_not_stopped_even_before_the_sweeper_ends_it()
    {
        var s = await Scenario.OnboardAsync(app);
        var r = await StartAsync(s, Review("roleAdministrators", duration: "P1D"));
        app.Time.Advance(TimeSpan.FromDays(1));
        await s.Alice.PostJsonAsync(ItemsPath(s, r, "/stop")).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Empty(await s.AuditActionsAsync("action=accessReview.stopped"));
        Assert.Empty(await s.AuditActionsAsync("action=accessReview.ended"));
        await app.SweepGovernanceAsync();
        Assert.Equal("pim-system", Assert.Single((await s.AuditAsync("action=accessReview.ended")).EnumerateArray()).Str("actorId"));
        await s.Alice.PostJsonAsync(ItemsPath(s, r, "/stop")).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
    }
}
