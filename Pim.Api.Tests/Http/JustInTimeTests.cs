using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class JustInTimeTests_Sqlite(SqliteApp app) : JustInTimeTests(app);

[Collection(PostgresCollection.Name)]
public sealed class JustInTimeTests_Postgres(PostgresApp app) : JustInTimeTests(app);

/// <summary>The just-in-time loop: eligibility, settings, activation under policy, approval, my roles, evaluation, audit.</summary>
public abstract class JustInTimeTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    [Fact]
    public async Task The_seed_walkthrough_from_consent_to_audit_export()
    {
        var s = await Scenario.OnboardAsync(app);
        var members = (await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal("active", members.EnumerateArray().Single(m => m.Str("principalId") == "bob").Str("type"));

        await s.MakeBobEligibleAsync();
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(maximumDuration: "PT2H", requireTicket: true, requireApproval: true));

        // Without MFA: 401 with the RFC 9470 challenge.
        using (var noMfa = await s.ActivateAsync(s.User("bob", mfa: false), duration: "PT1H"))
        {
            await noMfa.ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
            Assert.Contains("insufficient_user_authentication", noMfa.Headers.WwwAuthenticate.ToString());
        }
        await s.ActivateAsync(s.Bob, duration: "PT1H").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "ticket-required");

        var pending = await s.ActivateAsync(s.Bob, duration: "PT1H", ticket: new { number = "CHG-4711", system = "ServiceNow" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pendingApproval", pending.Str("status"));
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("endsAt").ValueKind);
        var id = pending.Str("id");

        var waiting = (await s.Alice.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(id, waiting.EnumerateArray().Single().Str("id"));

        app.Time.Advance(TimeSpan.FromMinutes(10)); // the clock starts at approval, not at the request
        var approved = await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "CHG-4711 approved" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", approved.Str("status"));
        Assert.Equal(Now.AddHours(1), approved.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal("approved", approved.GetProperty("decision").Str("decision"));

        var mine = (await s.Bob.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(r => r.Str("roleId") == "exchange-administrator");
        Assert.Equal("active", mine.Str("status"));
        Assert.Equal(Now.AddHours(1), mine.GetProperty("validUntil").GetDateTimeOffset());
        Assert.Equal(id, mine.Str("activationRequestId"));

        var evaluation = await app.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("allow", evaluation.Str("decision"));
        Assert.Equal(Now.AddHours(1), evaluation.GetProperty("validUntil").GetDateTimeOffset());
        Assert.Equal(id, evaluation.Str("activationRequestId"));

        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));

        using var export = await s.Alice.SendAsync(new HttpRequestMessage(HttpMethod.Get, s.Path("/audit-events?roleId=exchange-administrator"))
        {
            Headers = { { "Accept", "text/csv" } },
        });
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
        var rows = (await export.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(',').Select(cell => cell.Trim('"')).ToArray()).ToList();
        Assert.Equal(["assignment.created", "assignment.madeEligible", "roleSettings.updated", "activation.requested", "activation.approved",
            "activation.activated", "activation.deactivated"], rows.Select(r => r[5]).ToArray());
        var requested = rows.Single(r => r[5] == "activation.requested");
        Assert.Equal(("bob", "principal", "Mailbox migration", "CHG-4711", "ServiceNow", "127.0.0.1"),
            (requested[2], requested[3], requested[11], requested[12], requested[13], requested[14]));
        var approvedRow = rows.Single(r => r[5] == "activation.approved");
        Assert.Equal(("alice", "CHG-4711 approved"), (approvedRow[2], approvedRow[11]));
    }

    [Fact]
    public async Task Make_eligible_removes_the_standing_right_at_once()
    {
        var s = await Scenario.OnboardAsync(app);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        var eligible = await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("eligible", eligible.Str("type"));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-active")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal(["assignment.madeEligible", "assignment.madeActive"],
            (await s.AuditActionsAsync("roleId=exchange-administrator")).Where(a => a.StartsWith("assignment.made")).ToArray());
    }

    [Fact]
    public async Task Activation_without_approval_is_active_at_once_and_expires_on_time()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob, duration: "PT30M").ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("active", request.Str("status"));
        Assert.Equal(Now.AddMinutes(30), request.GetProperty("endsAt").GetDateTimeOffset());
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));

        app.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        var read = await s.Bob.GetAsync(s.Path($"/activation-requests/{request.Str("id")}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("expired", read.Str("status"));
        var mine = (await s.Bob.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0];
        Assert.Equal("eligible", mine.Str("status"));

        // The slot is free again; the expiry is recorded once, when the new request settles the old one.
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Single(await s.AuditActionsAsync("action=activation.expired"));
    }

    [Fact]
    public async Task The_default_duration_is_the_maximum_and_a_longer_one_is_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob, duration: "PT2H").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "duration-exceeds-maximum");
        await s.ActivateAsync(s.Bob, justification: null).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "justification-required");
        await s.ActivateAsync(s.Bob, duration: "two hours").ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("PT1H", request.Str("duration"));
        Assert.Equal(Now.AddHours(1), request.GetProperty("endsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Access_ends_with_the_eligibility()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created, endsAt: Now.AddMinutes(20));
        var request = await s.ActivateAsync(s.Carol).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(Now.AddMinutes(20), request.GetProperty("endsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Only_eligible_principals_activate()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.ActivateAsync(s.Carol).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        await s.ActivateAsync(s.Bob).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible"); // standing, not eligible
        await s.ActivateAsync(s.Carol, roleId: "no-such-role").ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Mfa_older_than_the_role_allows_needs_a_fresh_sign_in()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(mfaMaxAge: "PT15M"));
        var issuer = app.Services.GetRequiredService<Pim.Api.Http.DevTokenIssuer>();
        var stale = app.CreateClient();
        stale.DefaultRequestHeaders.Authorization = new("Bearer", issuer.Issue("bob", s.Id, true, [], Now.AddMinutes(-20)));
        await s.ActivateAsync(stale).ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
        var fresh = app.CreateClient();
        fresh.DefaultRequestHeaders.Authorization = new("Bearer", issuer.Issue("bob", s.Id, true, [], Now.AddMinutes(-5)));
        await s.ActivateAsync(fresh).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_scheduled_activation_grants_nothing_until_it_starts()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob, startsAt: Now.AddHours(2)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("scheduled", request.Str("status"));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal("scheduled", (await s.Bob.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0].Str("status"));

        app.Time.Advance(TimeSpan.FromHours(2));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal("active", (await s.Bob.GetAsync(s.Path($"/activation-requests/{request.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        app.Time.Advance(TimeSpan.FromHours(1));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task Cancel_is_for_the_requester_while_pending_or_scheduled()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var scheduled = await s.ActivateAsync(s.Bob, startsAt: Now.AddHours(1)).ExpectAsync(HttpStatusCode.Created);
        var path = s.Path($"/activation-requests/{scheduled.Str("id")}/cancel");
        await s.Alice.PostJsonAsync(path).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("canceled", (await s.Bob.PostJsonAsync(path).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        await s.Bob.PostJsonAsync(path).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");

        var active = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{active.Str("id")}/cancel")).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        await s.Carol.PostJsonAsync(s.Path($"/activation-requests/{active.Str("id")}/deactivate")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        // A PIM administrator may end someone else's activation.
        Assert.Equal("deactivated", (await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{active.Str("id")}/deactivate")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task Approvers_never_approve_their_own_request_and_others_may_not_decide()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        // Alice (Privileged Role Administrator) is herself eligible for Exchange Administrator.
        await s.AssignAsync(s.Alice, "alice", "exchange-administrator", "eligible", HttpStatusCode.Created);
        var own = await s.ActivateAsync(s.Alice).ExpectAsync(HttpStatusCode.Created);
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{own.Str("id")}/approve"), new { justification = "me" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "self-approval-forbidden");
        Assert.Empty((await s.Alice.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        await s.MakeBobEligibleAsync();
        var bobs = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await s.Carol.PostJsonAsync(s.Path($"/activation-requests/{bobs.Str("id")}/approve"), new { justification = "sure" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{bobs.Str("id")}/approve"), new { justification = "" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var denied = await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{bobs.Str("id")}/deny"), new { justification = "No change ticket" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("denied", "denied"), (denied.Str("status"), denied.GetProperty("decision").Str("decision")));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task Explicit_approvers_decide_through_their_group()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/exchange-owners"), new { kind = "group", displayName = "Exchange owners" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "user", displayName = "Carol", memberOf = new[] { "exchange-owners" } })
            .ExpectAsync(HttpStatusCode.OK);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true, approvers: ["exchange-owners"]));
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);

        // Alice is a Privileged Role Administrator but not a named approver.
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/approve"), new { justification = "ok" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Single((await s.Carol.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await s.Carol.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task An_undecided_request_times_out()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true, approvalTimeout: "PT4H"));
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(Now.AddHours(4), request.GetProperty("approvalDeadline").GetDateTimeOffset());
        app.Time.Advance(TimeSpan.FromHours(4));
        Assert.Equal("timedOut", (await s.Bob.GetAsync(s.Path($"/activation-requests/{request.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Empty((await s.Alice.GetAsync(s.Path("/approvals")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/approve"), new { justification = "late" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        // Bob may ask again; the timeout is recorded once.
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Single(await s.AuditActionsAsync("action=activation.timedOut"));
    }

    [Fact]
    public async Task A_group_member_activates_the_groups_eligibility_for_itself()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/helpdesk"), new { kind = "group", displayName = "Helpdesk" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/carol"), new { kind = "user", displayName = "Carol", memberOf = new[] { "helpdesk" } })
            .ExpectAsync(HttpStatusCode.OK);
        var group = await s.AssignAsync(s.Alice, "helpdesk", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        var mine = (await s.Carol.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("helpdesk-administrator", "eligible", "helpdesk"), (mine.Str("roleId"), mine.Str("status"), mine.Str("viaGroupId")));

        var request = await s.ActivateAsync(s.Carol, roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("carol", group.Str("id")), (request.Str("principalId"), request.Str("assignmentId")));
        Assert.True(await s.EvaluateAsync("carol", "helpdesk-administrator"));
        Assert.False(await s.EvaluateAsync("bob", "helpdesk-administrator"));

        // An active assignment to the group is held by every member.
        await s.AssignAsync(s.Operator, "helpdesk", "user-administrator", "active", HttpStatusCode.Created);
        var held = (await s.Carol.GetAsync(s.Path("/principals/carol/active-roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Contains(held.EnumerateArray(), r => r.Str("roleId") == "user-administrator" && r.Str("viaGroupId") == "helpdesk");
    }

    [Fact]
    public async Task Removing_an_eligibility_revokes_its_open_activations()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var active = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created);
        var scheduled = await s.ActivateAsync(s.Carol, startsAt: Now.AddHours(3)).ExpectAsync(HttpStatusCode.Created);
        var carolAssignment = scheduled.Str("assignmentId");

        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}")).ExpectAsync(HttpStatusCode.NoContent);
        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{carolAssignment}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal("revoked", (await s.Bob.GetAsync(s.Path($"/activation-requests/{active.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("revoked", (await s.Carol.GetAsync(s.Path($"/activation-requests/{scheduled.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        app.Time.Advance(TimeSpan.FromHours(3));
        Assert.False(await s.EvaluateAsync("carol", "exchange-administrator"));
        Assert.Equal(2, (await s.AuditActionsAsync("action=activation.revoked")).Length);
        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{carolAssignment}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Settings_changes_need_the_current_ETag_and_are_audited_with_old_and_new_values()
    {
        var s = await Scenario.OnboardAsync(app);
        using var read = await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings"));
        var defaults = await read.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("PT1H", true, true, false, false, "P1D"), (defaults.GetProperty("activation").Str("maximumDuration"),
            defaults.GetProperty("activation").GetProperty("requireMfa").GetBoolean(), defaults.GetProperty("activation").GetProperty("requireJustification").GetBoolean(),
            defaults.GetProperty("activation").GetProperty("requireTicket").GetBoolean(), defaults.GetProperty("activation").GetProperty("requireApproval").GetBoolean(),
            defaults.GetProperty("activation").Str("approvalTimeout")));
        var etag = read.Headers.ETag!.ToString();

        async Task<HttpResponseMessage> Put(object document, string? ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, s.Path("/roles/exchange-administrator/settings")) { Content = JsonContent.Create(document) };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await s.Alice.SendAsync(request);
        }

        await (await Put(ScenarioSettings.Document(requireTicket: true), null)).ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "precondition-required");
        using var saved = await Put(ScenarioSettings.Document(requireTicket: true), etag);
        await saved.ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(etag, saved.Headers.ETag!.ToString());
        await (await Put(ScenarioSettings.Document(requireTicket: false), etag)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        await (await Put(ScenarioSettings.Document(maximumDuration: "PT10M"), saved.Headers.ETag!.ToString())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await Put(ScenarioSettings.Document(maximumDuration: "PT73H"), saved.Headers.ETag!.ToString())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await Put(ScenarioSettings.Document(approvers: ["nobody"]), saved.Headers.ETag!.ToString()))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-approver");
        await (await s.Bob.PutJsonAsync(s.Path("/roles/exchange-administrator/settings"), ScenarioSettings.Document()))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var audit = (await s.AuditAsync("action=roleSettings.updated")).EnumerateArray().Single();
        var details = JsonDocument.Parse(audit.Str("details")).RootElement;
        Assert.False(details.GetProperty("oldValue").GetProperty("activation").GetProperty("requireTicket").GetBoolean());
        Assert.True(details.GetProperty("newValue").GetProperty("activation").GetProperty("requireTicket").GetBoolean());
    }

    [Fact]
    public async Task Assignment_windows_follow_the_roles_assignment_rules()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("user-administrator", ScenarioSettings.Document(allowPermanentEligible: false, maximumEligibleDuration: "P90D"));
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.UnprocessableEntity);
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.UnprocessableEntity, endsAt: Now.AddDays(91));
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.Created, endsAt: Now.AddDays(90));
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.Conflict, endsAt: Now.AddDays(30));
        await s.AssignAsync(s.Alice, "nobody", "user-administrator", "active", HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Twenty_racing_activations_yield_one_request()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var bob = s.Bob;
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => s.ActivateAsync(bob)));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        foreach (var conflict in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
            await conflict.ExpectProblemAsync(HttpStatusCode.Conflict, "activation-already-open");
        var all = (await s.Alice.GetAsync(s.Path("/activation-requests?principalId=bob")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(1, all.GetArrayLength());
        Assert.Single(await s.AuditActionsAsync("action=activation.requested"));
    }

    [Fact]
    public async Task Two_approvers_deciding_at_once_make_one_decision()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/sam"), new { kind = "user", displayName = "Sam" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Operator, "sam", "security-administrator", "active", HttpStatusCode.Created);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        await s.MakeBobEligibleAsync();
        for (var round = 0; round < 3; round++)
        {
            var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
            var id = request.Str("id");
            var decisions = await Task.WhenAll(
                s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "alice says yes" }),
                s.User("sam").PostJsonAsync(s.Path($"/activation-requests/{id}/deny"), new { justification = "sam says no" }));
            Assert.Equal(1, decisions.Count(d => d.StatusCode == HttpStatusCode.OK));
            await decisions.Single(d => d.StatusCode != HttpStatusCode.OK).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
            var final = await s.Bob.GetAsync(s.Path($"/activation-requests/{id}")).ExpectAsync(HttpStatusCode.OK);
            if (final.Str("status") == "active")
                await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        }
        var decided = (await s.AuditActionsAsync()).Count(a => a is "activation.approved" or "activation.denied");
        Assert.Equal(3, decided);
    }

    [Fact]
    public async Task Users_list_their_own_requests_and_auditors_everyones()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created);
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        var carols = await s.ActivateAsync(s.Carol, startsAt: Now.AddHours(1)).ExpectAsync(HttpStatusCode.Created);

        var own = (await s.Carol.GetAsync(s.Path("/activation-requests")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal([carols.Str("id")], own.EnumerateArray().Select(r => r.Str("id")).ToArray());
        await s.Carol.GetAsync(s.Path("/activation-requests?principalId=bob")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Carol.GetAsync(s.Path($"/activation-requests/{carols.Str("id")}")).ExpectAsync(HttpStatusCode.OK);

        var all = (await s.Alice.GetAsync(s.Path("/activation-requests")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(2, all.GetArrayLength());
        var scheduled = (await s.Alice.GetAsync(s.Path("/activation-requests?status=scheduled")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(carols.Str("id"), scheduled.EnumerateArray().Single().Str("id"));
        var page = await s.Alice.GetAsync(s.Path("/activation-requests?pageSize=1")).ExpectAsync(HttpStatusCode.OK);
        var next = await s.Alice.GetAsync(s.Path($"/activation-requests?pageSize=1&pageToken={page.Str("nextPageToken")}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(page.GetProperty("items")[0].Str("id"), next.GetProperty("items")[0].Str("id"));
        Assert.Equal(JsonValueKind.Null, next.GetProperty("nextPageToken").ValueKind);
        await s.Alice.GetAsync(s.Path("/activation-requests?pageToken=garbage")).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-page-token");
        await s.Alice.GetAsync(s.Path("/activation-requests?status=sleeping")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Alice.GetAsync(s.Path("/activation-requests?pageSize=1000")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task The_client_ip_comes_from_X_Forwarded_For_only_through_a_trusted_proxy()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        async Task Call(string remote, string forwarded)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, s.Path("/activation-requests"))
            {
                Content = JsonContent.Create(new { roleId = "exchange-administrator", justification = "=cmd|' /C calc'!A0" }),
            };
            request.Headers.Add(PimApp.RemoteIpHeader, remote);
            request.Headers.Add("X-Forwarded-For", forwarded);
            await (await s.Bob.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);
        }
        await Call(PimApp.TrustedProxy, "203.0.113.9");
        var first = (await s.AuditAsync("action=activation.requested")).EnumerateArray().Last();
        Assert.Equal("203.0.113.9", first.Str("clientIp"));
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{first.Str("targetId")}/deactivate")).ExpectAsync(HttpStatusCode.OK);

        await Call("198.51.100.7", "203.0.113.9");
        Assert.Equal("198.51.100.7", (await s.AuditAsync("action=activation.requested")).EnumerateArray().Last().Str("clientIp"));

        // The justification reaches the CSV export neutralised against formula injection.
        using var export = await s.Alice.SendAsync(new HttpRequestMessage(HttpMethod.Get, s.Path("/audit-events?action=activation.requested"))
        {
            Headers = { { "Accept", "text/csv" } },
        });
        Assert.Contains(",\"'=cmd|' /C calc'!A0\",", await export.Content.ReadAsStringAsync());
    }
}
