using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Pim.Api.Tests.Approvals;
using Pim.Api.Tests.Support;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Integrations;

[Collection(SqliteCollection.Second)]
public sealed class SlackApprovalTests_Sqlite(SqliteApp app) : SlackApprovalTests(app);

[Collection(PostgresCollection.Name)]
public sealed class SlackApprovalTests_Postgres(PostgresApp app) : SlackApprovalTests(app);

/// <summary>
/// Approving in Slack, against the fake Slack Web API (Support/FakeSlack.cs): the approval message posted through the
/// outbox, the signed click deciding through the approval use case as the matched principal, every copy updated, the
/// requester told, the audit naming the channel; refusals change nothing and say why.
/// </summary>
public abstract class SlackApprovalTests(PimApp app)
{
    private sealed record Connected(Scenario S, FakeSlack.Workspace Slack, string Team);

    private async Task<Connected> ConnectedAsync(object? settings = null)
    {
        var s = await Scenario.OnboardAsync(app);
        var token = "xoxb-" + Guid.NewGuid().ToString("N");
        var team = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var slack = FakeSlack.Shared.Connect(token, team);
        foreach (var name in new[] { "alice", "bob", "carol" }) slack.Emails["U" + name.ToUpperInvariant()] = s.Address(name);
        await s.Alice.PutJsonAsync(s.Path("/integrations/slack"), new { teamId = team, botToken = token, channel = "CAPPROVALS" }).ExpectAsync(HttpStatusCode.Created);
        await s.SetSettingsAsync("exchange-administrator", settings ?? ScenarioSettings.Document(requireApproval: true));
        await s.MakeBobEligibleAsync();
        return new(s, slack, team);
    }

    private async Task<string> RequestAsync(Connected c)
    {
        var id = (await c.S.ActivateAsync(c.S.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await app.DispatchAllAsync();
        return id;
    }

    private Task<HttpResponseMessage> InteractAsync(JsonObject payload, long? timestamp = null, string? signature = null, string? body = null)
    {
        body ??= "payload=" + Uri.EscapeDataString(payload.ToJsonString());
        var ts = (timestamp ?? app.Time.GetUtcNow().ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/integrations/slack/interactions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add(SlackSignature.TimestampHeader, ts);
        request.Headers.Add(SlackSignature.SignatureHeader, signature ?? SlackSignature.Sign(FakeSlack.SigningSecret, ts, body));
        return app.Anonymous().SendAsync(request);
    }

    /// <summary>A button click as Slack sends it (block_actions); its ephemeral answer lands under /respond/{key}.</summary>
    private static JsonObject Click(Connected c, string user, string action, string requestId, string key) => new()
    {
        ["type"] = "block_actions",
        ["team"] = new JsonObject { ["id"] = c.Team, ["domain"] = "contoso" },
        ["user"] = new JsonObject { ["id"] = user, ["team_id"] = c.Team },
        ["trigger_id"] = "13345224609.738474920.8088930838d88f008e0",
        ["response_url"] = $"{FakeSlack.Shared.Root}/respond/{key}",
        ["actions"] = new JsonArray
        {
            new JsonObject { ["type"] = "button", ["action_id"] = action, ["block_id"] = "pim_decision", ["value"] = $"{c.S.Id}/{requestId}", ["action_ts"] = "1700000000.000001" },
        },
    };

    private static JsonObject DenySubmission(Connected c, string user, string requestId, string reason) => new()
    {
        ["type"] = "view_submission",
        ["team"] = new JsonObject { ["id"] = c.Team },
        ["user"] = new JsonObject { ["id"] = user, ["team_id"] = c.Team },
        ["view"] = new JsonObject
        {
            ["id"] = "V0PIM", ["callback_id"] = SlackMessages.DenyModal, ["private_metadata"] = $"{c.S.Id}/{requestId}",
            ["state"] = new JsonObject { ["values"] = new JsonObject { [SlackMessages.ReasonBlock] = new JsonObject { [SlackMessages.ReasonInput] = new JsonObject { ["type"] = "plain_text_input", ["value"] = reason } } } },
        },
    };

    private static string Key() => Guid.NewGuid().ToString("N");

    private static JsonArray Elements(JsonObject message, string type) =>
        message["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == type).Select(b => b!).FirstOrDefault()?["elements"]?.AsArray() ?? [];

    [Fact]
    public async Task A_pending_request_is_posted_with_its_facts_and_Approve_and_Deny_buttons()
    {
        var c = await ConnectedAsync();
        var id = await RequestAsync(c);
        var posted = Assert.Single(c.Slack.Of("chat.postMessage"));
        Assert.Equal("CAPPROVALS", posted["channel"]!.GetValue<string>());
        var text = posted["blocks"]!.ToJsonString();
        foreach (var fact in new[] { "Bob", "Exchange Administrator", "Mailbox migration", "PT1H", "Stage", "1 of 1", "0 of 1 needed" }) Assert.Contains(fact, text);
        var buttons = Elements(posted, "actions");
        Assert.Equal([SlackMessages.ApproveAction, SlackMessages.DenyAction], buttons.Select(b => b!["action_id"]!.GetValue<string>()));
        Assert.All(buttons, b => Assert.Equal($"{c.S.Id}/{id}", b!["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Approve_in_Slack_approves_updates_every_copy_tells_the_requester_and_audits_the_channel()
    {
        var c = await ConnectedAsync();
        var id = await RequestAsync(c);
        var key = Key();
        await InteractAsync(Click(c, "UALICE", SlackMessages.ApproveAction, id, key)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("active", (await c.S.RequestAsync(id)).Str("status"));
        Assert.Contains("You approved", Assert.Single(FakeSlack.Shared.ResponsesTo(key))["text"]!.GetValue<string>());
        var approved = (await c.S.AuditAsync("action=activation.approved")).EnumerateArray().Single();
        Assert.Equal("alice", approved.Str("actorId"));
        var details = JsonNode.Parse(approved.Str("details"))!;
        Assert.Equal("slack", details["channel"]!.GetValue<string>());
        Assert.Equal(c.Team, details["team"]!.GetValue<string>());
        Assert.Equal("UALICE", details["user"]!.GetValue<string>());

        await app.DispatchAllAsync();
        var copy = Assert.Single(c.Slack.Of("chat.postMessage"), m => m["channel"]!.GetValue<string>() == "CAPPROVALS");
        var update = Assert.Single(c.Slack.Of("chat.update"));
        Assert.Equal("CAPPROVALS", update["channel"]!.GetValue<string>());
        Assert.Empty(Elements(update, "actions"));
        Assert.Contains("Approved* by Alice", Elements(update, "context").ToJsonString());
        var dm = Assert.Single(c.Slack.Of("chat.postMessage"), m => m["channel"]!.GetValue<string>() == "DUBOB");
        Assert.Contains("was approved by Alice", dm["text"]!.GetValue<string>());
        Assert.NotNull(copy);
    }

    [Fact]
    public async Task Deny_opens_a_modal_and_its_reason_denies_the_request()
    {
        var c = await ConnectedAsync();
        var id = await RequestAsync(c);
        await InteractAsync(Click(c, "UALICE", SlackMessages.DenyAction, id, Key())).ExpectAsync(HttpStatusCode.OK);
        var view = Assert.Single(c.Slack.Of("views.open"));
        Assert.Equal(SlackMessages.DenyModal, view["view"]!["callback_id"]!.GetValue<string>());
        Assert.Equal("pendingApproval", (await c.S.RequestAsync(id)).Str("status"));

        var answer = await InteractAsync(DenySubmission(c, "UALICE", id, "Not during the freeze")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("clear", answer.GetProperty("response_action").GetString());
        var request = await c.S.RequestAsync(id);
        Assert.Equal("denied", request.Str("status"));
        var denied = (await c.S.AuditAsync("action=activation.denied")).EnumerateArray().Single();
        Assert.Equal("Not during the freeze", denied.Str("justification"));
        Assert.Contains("\"channel\":\"slack\"", denied.Str("details"));
        await app.DispatchAllAsync();
        Assert.Contains("Denied* by Alice", Elements(Assert.Single(c.Slack.Of("chat.update")), "context").ToJsonString());
    }

    [Fact]
    public async Task Forged_stale_and_replayed_interactions_are_refused()
    {
        var c = await ConnectedAsync();
        var id = await RequestAsync(c);
        var click = Click(c, "UALICE", SlackMessages.ApproveAction, id, Key());
        await InteractAsync(click, signature: "v0=" + new string('0', 64)).ExpectProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.SlackSignatureInvalid);
        var body = "payload=" + Uri.EscapeDataString(click.ToJsonString());
        var ts = app.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await InteractAsync(click, signature: SlackSignature.Sign("another-apps-signing-secret-0000", ts, body))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.SlackSignatureInvalid);
        var stale = app.Time.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds();
        await InteractAsync(click, timestamp: stale).ExpectProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.SlackSignatureInvalid);
        Assert.Equal("pendingApproval", (await c.S.RequestAsync(id)).Str("status"));

        await InteractAsync(click).ExpectAsync(HttpStatusCode.OK);
        await InteractAsync(click).ExpectProblemAsync(HttpStatusCode.Conflict, ErrorCodes.SlackInteractionReplayed);
        Assert.Single(await c.S.AuditAsync("action=activation.approved").ContinueWith(t => t.Result.EnumerateArray().ToList()));
    }

    [Fact]
    public async Task An_unknown_Slack_user_a_non_approver_or_the_requester_changes_nothing_and_is_told_why()
    {
        var c = await ConnectedAsync();
        var id = await RequestAsync(c);
        c.Slack.Emails["USTRANGER"] = "stranger@elsewhere.example";
        var (stranger, carol, bob) = (Key(), Key(), Key());
        await InteractAsync(Click(c, "USTRANGER", SlackMessages.ApproveAction, id, stranger)).ExpectAsync(HttpStatusCode.OK);
        await InteractAsync(Click(c, "UCAROL", SlackMessages.ApproveAction, id, carol)).ExpectAsync(HttpStatusCode.OK);
        await InteractAsync(Click(c, "UBOB", SlackMessages.ApproveAction, id, bob)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("pendingApproval", (await c.S.RequestAsync(id)).Str("status"));
        Assert.Equal(0, (await c.S.AuditAsync("action=activation.approved")).GetArrayLength());
        Assert.Contains("No one person of this PIM tenant has your Slack email", Assert.Single(FakeSlack.Shared.ResponsesTo(stranger))["text"]!.GetValue<string>());
        Assert.Contains("not an approver", Assert.Single(FakeSlack.Shared.ResponsesTo(carol))["text"]!.GetValue<string>());
        var self = Assert.Single(FakeSlack.Shared.ResponsesTo(bob));
        Assert.Equal("ephemeral", self["response_type"]!.GetValue<string>());
        Assert.Contains("Nothing was decided", self["text"]!.GetValue<string>());

        // A workspace that is not the tenant's connection decides nothing either.
        var other = c with { Team = "TOTHERTEAM1" };
        var foreign = Key();
        await InteractAsync(Click(other, "UALICE", SlackMessages.ApproveAction, id, foreign)).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("not connected", Assert.Single(FakeSlack.Shared.ResponsesTo(foreign))["text"]!.GetValue<string>());
        Assert.Equal("pendingApproval", (await c.S.RequestAsync(id)).Str("status"));
    }

    private static object Approval(bool? chatButtons = null, bool? requireApproverMfa = null) => new
    {
        activation = new
        {
            maximumDuration = "PT1H", requireMfa = true, mfaMaxAge = (string?)null, requireJustification = true, requireTicket = false,
            approval = new { stages = new[] { new { approvers = Array.Empty<string>(), required = 1, timeout = "P1D" } }, chatButtons, requireApproverMfa },
        },
        assignment = new { allowPermanentEligible = true, maximumEligibleDuration = "P365D", allowPermanentActive = true, maximumActiveDuration = "P180D" },
        notifications = new { onActivation = new { notifyRoleAdministrators = true, additionalRecipients = Array.Empty<string>() } },
    };

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Where_chat_cannot_enforce_the_role_the_message_links_to_the_console_instead_of_buttons(bool chatButtons, bool approverMfa)
    {
        var c = await ConnectedAsync(Approval(chatButtons, approverMfa));
        var id = await RequestAsync(c);
        var posted = Assert.Single(c.Slack.Of("chat.postMessage"));
        Assert.Empty(Elements(posted, "actions"));
        Assert.Contains($"{PimApp.ConsolePublicUrl}/console/t/{c.S.Id}/approvals/{id}", posted["blocks"]!.ToJsonString());
        if (!approverMfa) return;
        // A click that reaches Pim anyway (an old message, a forged payload signed by the app) is refused by the use case.
        var key = Key();
        await InteractAsync(Click(c, "UALICE", SlackMessages.ApproveAction, id, key)).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("multifactor", Assert.Single(FakeSlack.Shared.ResponsesTo(key))["text"]!.GetValue<string>());
        Assert.Equal("pendingApproval", (await c.S.RequestAsync(id)).Str("status"));
    }

    [Fact]
    public async Task Global_Administrator_gets_no_chat_buttons_by_default()
    {
        var s = await Scenario.OnboardAsync(app);
        var settings = await s.Alice.GetAsync(s.Path("/roles/global-administrator/settings")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(settings.GetProperty("activation").GetProperty("approval").GetProperty("chatButtons").GetBoolean());
        var exchange = await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(exchange.GetProperty("activation").GetProperty("approval").GetProperty("chatButtons").GetBoolean());
    }

    [Fact]
    public async Task Slacks_429_is_honoured_with_Retry_After()
    {
        var c = await ConnectedAsync();
        c.Slack.RateLimitNext = 1;
        c.Slack.RetryAfterSeconds = 40;
        var id = (await c.S.ActivateAsync(c.S.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await app.DispatchAllAsync();
        Assert.Empty(c.Slack.Of("chat.postMessage"));
        var pending = (await c.S.Alice.GetAsync(c.S.Path("/notifications?status=pending")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().Single(n => n.Str("kind") == "slack");
        Assert.Equal(app.Time.GetUtcNow().AddSeconds(40), pending.GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.Contains("429", pending.Str("lastError").Replace("rate-limited", "429"));

        app.Time.Advance(TimeSpan.FromSeconds(39));
        await app.DispatchAllAsync();
        Assert.Empty(c.Slack.Of("chat.postMessage"));
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await app.DispatchAllAsync();
        Assert.Contains(id, Assert.Single(c.Slack.Of("chat.postMessage"))["blocks"]!.ToJsonString());
    }
}
