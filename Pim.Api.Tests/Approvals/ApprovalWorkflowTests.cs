using System.Net;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;
using static Pim.Api.Tests.Approvals.Workflow;

namespace Pim.Api.Tests.Approvals;

[Collection(SqliteCollection.Name)]
public sealed class ApprovalWorkflowTests_Sqlite(SqliteApp app) : ApprovalWorkflowTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ApprovalWorkflowTests_Postgres(PostgresApp app) : ApprovalWorkflowTests(app);

/// <summary>Approval in stages with a quorum, reminders and escalation: a request goes through each stage in turn.</summary>
public abstract class ApprovalWorkflowTests(PimApp app)
{
    private static readonly object[] TwoStages =
        [Stage(2, approvers: "exchange-owners"), Stage(1, timeout: "PT8H")]; // 2 of the owners, then a Privileged Role or Security Administrator

    [Fact]
    public async Task A_two_stage_approval_with_a_quorum_goes_stage_by_stage()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings(TwoStages));
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        var id = request.Str("id");
        var approval = request.GetProperty("approval");
        Assert.Equal(("pendingApproval", 0), (request.Str("status"), approval.GetProperty("currentStage").GetInt32()));
        Assert.Equal(["pending", "notStarted"], approval.GetProperty("stages").EnumerateArray().Select(st => st.Str("status")));
        Assert.Equal(2, approval.GetProperty("stages")[0].GetProperty("required").GetInt32());

        // Stage 1 is the owners': they are told and see it; Alice (a default approver) is neither, and may not decide it.
        Assert.Contains(await s.MailSubjectsAsync("ann"), m => m.Contains("approval needed") && m.Contains("(stage 1 of 2)"));
        Assert.DoesNotContain(await s.MailSubjectsAsync("alice"), m => m.Contains("approval needed"));
        Assert.Equal([id], await s.ApprovalsOfAsync(s.User("ann")));
        Assert.Empty(await s.ApprovalsOfAsync(s.Alice));
        await s.Approve(s.Alice, id).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var counted = await s.Approve(s.User("ann"), id, "Ann agrees").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("pendingApproval", 0), (counted.Str("status"), counted.GetProperty("approval").GetProperty("currentStage").GetInt32()));
        await s.Approve(s.User("ann"), id).ExpectProblemAsync(HttpStatusCode.Conflict, "already-decided");
        Assert.Empty(await s.ApprovalsOfAsync(s.User("ann"))); // decided: nothing more waits for her
        Assert.Equal([id], await s.ApprovalsOfAsync(s.User("ben")));

        var passed = await s.Approve(s.User("ben"), id, "Ben agrees").ExpectAsync(HttpStatusCode.OK);
        var stages = passed.GetProperty("approval");
        Assert.Equal(1, stages.GetProperty("currentStage").GetInt32());
        Assert.Equal(["approved", "pending"], stages.GetProperty("stages").EnumerateArray().Select(st => st.Str("status")));
        Assert.Equal(["ann", "ben"], stages.GetProperty("stages")[0].GetProperty("decisions").EnumerateArray().Select(d => d.Str("approverId")));
        Assert.Equal(app.Time.GetUtcNow().AddHours(8), passed.GetProperty("approvalDeadline").GetDateTimeOffset());

        // Stage 2 is the default approvers'.
        Assert.Empty(await s.ApprovalsOfAsync(s.User("cid")));
        Assert.Equal([id], await s.ApprovalsOfAsync(s.Alice));
        Assert.Contains(await s.MailSubjectsAsync("alice"), m => m.Contains("approval needed") && m.Contains("(stage 2 of 2)"));
        await s.Approve(s.User("cid"), id).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));

        var approved = await s.Approve(s.Alice, id, "Change approved").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("active", "alice"), (approved.Str("status"), approved.GetProperty("decision").Str("decidedBy")));
        Assert.True(approved.GetProperty("approval").GetProperty("currentStage").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal(["activation.requested", "activation.approvalRecorded", "activation.stageApproved", "activation.approved", "activation.activated"],
            await s.ActionsOfAsync(id));
    }

    [Fact]
    public async Task A_deny_in_any_stage_ends_the_request()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings(TwoStages));
        var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Approve(s.User("ann"), id).ExpectAsync(HttpStatusCode.OK);
        var denied = await s.Deny(s.User("ben"), id, "Not during the freeze").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("denied", "ben"), (denied.Str("status"), denied.GetProperty("decision").Str("decidedBy")));
        Assert.Equal(["denied", "notStarted"], denied.GetProperty("approval").GetProperty("stages").EnumerateArray().Select(st => st.Str("status")));
        await s.Approve(s.User("cid"), id).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Contains(await s.MailSubjectsAsync("bob"), m => m.Contains("was denied"));
    }

    [Fact]
    public async Task A_waiting_request_keeps_the_stages_it_was_made_under()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1, approvers: "exchange-owners")]));
        var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1)])); // now the default approvers', for new requests
        await s.Approve(s.Alice, id).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("active", (await s.Approve(s.User("cid"), id).ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task A_disabled_approver_decides_nothing_even_through_a_named_group()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1, approvers: "exchange-owners")]));
        var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Operator.PutJsonAsync(s.Path("/principals/ann"), new { kind = "user", displayName = "Ann", memberOf = new[] { "exchange-owners" }, accountEnabled = false })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await s.ApprovalsOfAsync(s.User("ann")));
        await s.Approve(s.User("ann"), id).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("pendingApproval", (await s.RequestAsync(id)).Str("status"));
    }

    [Fact]
    public async Task Approvers_are_reminded_and_a_stalled_stage_escalates()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1, "PT4H", "PT2H", ["security-leads"], "ann")],
            notifications: new
            {
                onActivation = new { notifyRoleAdministrators = true, additionalRecipients = Array.Empty<string>() },
                onApprovalNeeded = new { notifyApprovers = true, remindBefore = "PT1H" },
            }));
        var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        Assert.Empty(await s.ApprovalsOfAsync(s.User("lee")));
        await s.Approve(s.User("lee"), id).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        app.Time.Advance(TimeSpan.FromHours(2));
        await app.SweepAsync();
        await app.SweepAsync();
        Assert.Single(await s.MailSubjectsAsync("lee"), m => m.Contains("escalated"));
        var escalated = (await s.RequestAsync(id)).GetProperty("approval").GetProperty("stages")[0];
        Assert.True(escalated.GetProperty("escalated").GetBoolean());
        Assert.Equal([id], await s.ApprovalsOfAsync(s.User("lee")));
        Assert.DoesNotContain(await s.MailSubjectsAsync("ann"), m => m.Contains("reminder"));

        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepAsync();
        await app.SweepAsync();
        Assert.Single(await s.MailSubjectsAsync("ann"), m => m.Contains("reminder: approval needed"));
        Assert.Equal(["activation.escalated", "activation.reminded"],
            (await s.ActionsOfAsync(id)).Where(a => a is "activation.escalated" or "activation.reminded"));

        Assert.Equal("active", (await s.Approve(s.User("lee"), id, "Covering for Ann").ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task A_stage_that_times_out_ends_the_request()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1, approvers: "ann"), Stage(1, "PT1H", approvers: "ben")]));
        var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        app.Time.Advance(TimeSpan.FromHours(3)); // within stage 1's four hours
        await s.Approve(s.User("ann"), id).ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromHours(1)); // stage 2's hour, counted from its start
        var timedOut = await s.RequestAsync(id);
        Assert.Equal("timedOut", timedOut.Str("status"));
        Assert.Equal(["approved", "timedOut"], timedOut.GetProperty("approval").GetProperty("stages").EnumerateArray().Select(st => st.Str("status")));
        await s.Approve(s.User("ben"), id).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        await app.SweepAsync();
        Assert.Single(await s.ActionsOfAsync(id), a => a == "activation.timedOut");
    }

    [Fact]
    public async Task An_extension_goes_through_the_stages_too()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(2, approvers: "exchange-owners")]));
        var id = (await s.ActivateAsync(s.Bob, duration: "PT1H").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Approve(s.User("ann"), id).ExpectAsync(HttpStatusCode.OK);
        var active = await s.Approve(s.User("ben"), id).ExpectAsync(HttpStatusCode.OK);
        var endsAt = active.GetProperty("endsAt").GetDateTimeOffset();

        var waiting = await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/extend"), new { duration = "PT30M", justification = "Not done" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, waiting.GetProperty("extension").GetProperty("approval").GetProperty("currentStage").GetInt32());
        Assert.Equal([id], await s.ApprovalsOfAsync(s.User("ann"))); // a new approval: Ann decides it afresh
        await s.Approve(s.User("ann"), id).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(endsAt, (await s.RequestAsync(id)).GetProperty("endsAt").GetDateTimeOffset());
        var extended = await s.Approve(s.User("cid"), id).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(endsAt.AddMinutes(30), extended.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, extended.GetProperty("extension").ValueKind);
    }

    // ---------------------------------------------------------------- races

    [Fact]
    public async Task Approvers_completing_a_quorum_at_once_make_exactly_one_transition()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(2, approvers: "exchange-owners")]));
        var approvers = new[] { "ann", "ben", "cid" }.Select(owner => s.User(owner)).ToArray(); // minted before the race, so that the requests meet
        for (var round = 0; round < 5; round++)
        {
            var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
            var answers = await Task.WhenAll(approvers.Select(approver => s.Approve(approver, id)));
            var statuses = answers.Select(a => a.StatusCode).ToList();
            Assert.Equal(2, statuses.Count(c => c == HttpStatusCode.OK));
            await answers.Single(a => a.StatusCode != HttpStatusCode.OK).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
            var final = await s.RequestAsync(id);
            Assert.Equal("active", final.Str("status"));
            Assert.Equal(2, final.GetProperty("approval").GetProperty("stages")[0].GetProperty("decisions").GetArrayLength());
            var actions = await s.ActionsOfAsync(id);
            Assert.Equal((1, 1, 1), (actions.Count(a => a == "activation.approvalRecorded"), actions.Count(a => a == "activation.approved"),
                actions.Count(a => a == "activation.activated")));
            await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task An_approve_racing_a_deny_makes_one_decision()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(2, approvers: "exchange-owners")]));
        var (ann, ben) = (s.User("ann"), s.User("ben")); // tokens minted before the race, so that the requests meet
        for (var round = 0; round < 5; round++)
        {
            var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
            var answers = await Task.WhenAll(s.Approve(ann, id), s.Deny(ben, id));
            Assert.Equal(HttpStatusCode.OK, answers[1].StatusCode); // a deny always counts: an approval before it only counted
            Assert.Contains(answers[0].StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
            Assert.Equal("denied", (await s.RequestAsync(id)).Str("status"));
            var actions = await s.ActionsOfAsync(id);
            Assert.Equal((1, 0), (actions.Count(a => a == "activation.denied"), actions.Count(a => a == "activation.approved")));
        }
    }

    [Fact]
    public async Task An_escalation_racing_a_decision_is_harmless()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1, "PT4H", "PT1H", ["security-leads"], "ann")]));
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        for (var round = 0; round < 3; round++)
        {
            var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
            app.Time.Advance(TimeSpan.FromHours(1));
            var sweep = SweeperService.SweepOnceAsync(scopes, CancellationToken.None);
            var decision = s.Approve(round % 2 == 0 ? s.User("ann") : s.User("lee"), id);
            await Task.WhenAll(sweep, decision);
            await (await decision).ExpectAsync(HttpStatusCode.OK);
            await app.SweepAsync();
            var actions = await s.ActionsOfAsync(id);
            Assert.True(actions.Count(a => a == "activation.escalated") <= 1, string.Join(", ", actions));
            Assert.Equal(1, actions.Count(a => a == "activation.approved"));
            Assert.Equal("active", (await s.RequestAsync(id)).Str("status"));
            await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        }
    }
}
