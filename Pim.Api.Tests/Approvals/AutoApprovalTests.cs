using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using static Pim.Api.Tests.Approvals.Workflow;

namespace Pim.Api.Tests.Approvals;

[Collection(SqliteCollection.Name)]
public sealed class AutoApprovalTests_Sqlite(SqliteApp app) : AutoApprovalTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AutoApprovalTests_Postgres(PostgresApp app) : AutoApprovalTests(app);

/// <summary>Auto-approval: a request that meets a named rule skips the stages, and the request and the audit name the rule.</summary>
public abstract class AutoApprovalTests(PimApp app)
{
    private static readonly object[] Rules =
    [
        new { name = "standard-change", ticketSystems = new[] { "ServiceNow" }, ticketNumberPattern = "CHG[0-9]{4,8}", maximumDuration = "PT1H" },
        new { name = "on-call", memberOf = new[] { "security-leads" } },
    ];

    [Fact]
    public async Task A_request_that_meets_a_rule_skips_the_stages_and_names_the_rule()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(2, approvers: "exchange-owners")], autoApprove: Rules, requireTicket: true));

        var auto = await s.ActivateAsync(s.Bob, duration: "PT1H", ticket: new { number = "CHG12345", system = "ServiceNow" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("active", "standard-change"), (auto.Str("status"), auto.GetProperty("approval").Str("autoApprovedBy")));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        var audit = (await s.AuditAsync("action=activation.autoApproved")).EnumerateArray().Single();
        Assert.Equal("standard-change", JsonDocument.Parse(audit.Str("details")).RootElement.Str("rule"));
        Assert.Equal(["activation.requested", "activation.autoApproved", "activation.activated"], await s.ActionsOfAsync(auto.Str("id")));
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{auto.Str("id")}/deactivate")).ExpectAsync(HttpStatusCode.OK);

        // Outside the rule (a longer activation, another ticket): the stages.
        var longer = await s.ActivateAsync(s.Bob, duration: "PT2H", ticket: new { number = "CHG12345", system = "ServiceNow" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pendingApproval", longer.Str("status"));
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{longer.Str("id")}/cancel")).ExpectAsync(HttpStatusCode.OK);
        var incident = await s.ActivateAsync(s.Bob, duration: "PT1H", ticket: new { number = "INC12345", system = "ServiceNow" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pendingApproval", incident.Str("status"));
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("approval").GetProperty("autoApprovedBy").ValueKind);
    }

    [Fact]
    public async Task A_rule_on_group_membership_follows_the_requester_s_groups()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1)], autoApprove: Rules));
        var pending = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pendingApproval", pending.Str("status"));
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{pending.Str("id")}/cancel")).ExpectAsync(HttpStatusCode.OK);
        await s.SyncAsync("bob", memberOf: "security-leads");
        var auto = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("active", "on-call"), (auto.Str("status"), auto.GetProperty("approval").Str("autoApprovedBy")));
    }

    [Fact]
    public async Task Rules_are_bounded_and_checked_when_they_are_saved()
    {
        var s = await OwnersAsync(app);
        async Task Refused(object[] rules, HttpStatusCode status, string code)
        {
            using var current = await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings"));
            var put = new HttpRequestMessage(HttpMethod.Put, s.Path("/roles/exchange-administrator/settings"))
            {
                Content = System.Net.Http.Json.JsonContent.Create(StagedSettings([Stage(1)], autoApprove: rules), options: HttpAssertions.Json),
            };
            put.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
            await (await s.Alice.SendAsync(put)).ExpectProblemAsync(status, code);
        }
        await Refused([new { name = "nothing" }], HttpStatusCode.BadRequest, "validation-failed");
        await Refused([new { name = "bad-pattern", ticketNumberPattern = "CHG(" }], HttpStatusCode.BadRequest, "validation-failed");
        await Refused([new { name = "zone", window = new { timeZone = "Mars/Olympus", days = new[] { "monday" }, from = "08:00", to = "18:00" } }],
            HttpStatusCode.BadRequest, "validation-failed");
        await Refused([new { name = "backwards", window = new { timeZone = "Europe/Berlin", days = new[] { "monday" }, from = "18:00", to = "08:00" } }],
            HttpStatusCode.BadRequest, "validation-failed");
        await Refused([new { name = "twice", memberOf = new[] { "security-leads" } }, new { name = "twice", maximumDuration = "PT1H" }],
            HttpStatusCode.BadRequest, "validation-failed");
        await Refused([new { name = "not-a-group", memberOf = new[] { "ann" } }], HttpStatusCode.UnprocessableEntity, "unknown-principal");
        // A window in a named zone is kept as sent.
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([Stage(1)], autoApprove:
            [new { name = "office-hours", window = new { timeZone = "Europe/Berlin", days = new[] { "monday", "friday" }, from = "08:00", to = "18:00" } }]));
        var rule = (await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("activation").GetProperty("approval").GetProperty("autoApprove")[0];
        Assert.Equal(("Europe/Berlin", "08:00", "18:00"), (rule.GetProperty("window").Str("timeZone"), rule.GetProperty("window").Str("from"), rule.GetProperty("window").Str("to")));
        Assert.Equal(["monday", "friday"], rule.GetProperty("window").GetProperty("days").EnumerateArray().Select(d => d.GetString()));
    }
}
