using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pim.Api.Tests.Support;
using static Pim.Api.Tests.Approvals.Workflow;

namespace Pim.Api.Tests.Settings;

[Collection(SqliteCollection.Second)]
public sealed class ApprovalSettingsTests_Sqlite(SqliteApp app) : ApprovalSettingsTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ApprovalSettingsTests_Postgres(PostgresApp app) : ApprovalSettingsTests(app);

/// <summary>The approval part of role settings: stages, the one-stage shorthand clients already use, and what is refused.</summary>
public abstract class ApprovalSettingsTests(PimApp app)
{
    private const string Role = "exchange-administrator";

    private static async Task<(JsonElement Body, string ETag)> ReadAsync(Scenario s)
    {
        using var response = await s.Alice.GetAsync(s.Path($"/roles/{Role}/settings"));
        return (await response.ExpectAsync(HttpStatusCode.OK), response.Headers.ETag!.ToString());
    }

    private static async Task<HttpResponseMessage> PutAsync(Scenario s, object document, string etag)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, s.Path($"/roles/{Role}/settings")) { Content = JsonContent.Create(document, options: HttpAssertions.Json) };
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        return await s.Alice.SendAsync(put);
    }

    [Fact]
    public async Task Today_s_approval_fields_read_as_one_stage_and_stages_read_back_as_the_shorthand()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync(Role, ScenarioSettings.Document(requireApproval: true, approvers: ["exchange-owners"], approvalTimeout: "PT4H"));
        var (legacy, _) = await ReadAsync(s);
        var stage = legacy.GetProperty("activation").GetProperty("approval").GetProperty("stages").EnumerateArray().Single();
        Assert.Equal((1, "PT4H", "exchange-owners"), (stage.GetProperty("required").GetInt32(), stage.Str("timeout"), stage.GetProperty("approvers")[0].GetString()));
        Assert.Equal(new[] { "PT1H", "P14D" }, new[] { legacy.GetProperty("notifications").GetProperty("onApprovalNeeded").Str("remindBefore"),
            legacy.GetProperty("notifications").GetProperty("beforeExpiry").Str("assignment") });

        await s.SetSettingsAsync(Role, StagedSettings([Stage(2, "PT6H", approvers: ["ann", "ben", "cid"]), Stage(1)]));
        var (staged, _) = await ReadAsync(s);
        var activation = staged.GetProperty("activation");
        Assert.True(activation.GetProperty("requireApproval").GetBoolean());
        Assert.Equal(("PT6H", 3), (activation.Str("approvalTimeout"), activation.GetProperty("approvers").GetArrayLength()));
        Assert.Equal(2, activation.GetProperty("approval").GetProperty("stages").GetArrayLength());
        Assert.Equal(JsonValueKind.False, activation.GetProperty("breakGlass").GetProperty("allowed").ValueKind);
    }

    [Fact]
    public async Task What_GET_answers_can_be_sent_back_with_one_side_changed()
    {
        var s = await OwnersAsync(app);
        await s.SetSettingsAsync(Role, StagedSettings([Stage(2, approvers: ["ann", "ben", "cid"]), Stage(1)]));

        // Unchanged: saved as it is.
        var (read, etag) = await ReadAsync(s);
        using (var same = await PutAsync(s, read, etag)) await same.ExpectAsync(HttpStatusCode.OK);

        // The stages edited, the shorthand left as read: the stages win.
        (read, etag) = await ReadAsync(s);
        var edited = JsonNode.Parse(read.GetRawText())!;
        edited["activation"]!["approval"]!["stages"]!.AsArray().RemoveAt(1);
        var saved = await (await PutAsync(s, edited, etag)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, saved.GetProperty("activation").GetProperty("approval").GetProperty("stages").GetArrayLength());

        // Two stages again; the shorthand edited with the stages as read: refused, it cannot say which stage it means.
        await s.SetSettingsAsync(Role, StagedSettings([Stage(2, approvers: ["ann", "ben", "cid"]), Stage(1)]));
        (read, etag) = await ReadAsync(s);
        edited = JsonNode.Parse(read.GetRawText())!;
        edited["activation"]!["requireApproval"] = false;
        await (await PutAsync(s, edited, etag)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "approval-settings-conflict");

        // One stage: the shorthand edits it, keeping its quorum.
        await s.SetSettingsAsync(Role, StagedSettings([Stage(2, approvers: ["ann", "ben", "cid"])]));
        (read, etag) = await ReadAsync(s);
        edited = JsonNode.Parse(read.GetRawText())!;
        edited["activation"]!["approvers"] = new JsonArray("exchange-owners");
        var renamed = (await (await PutAsync(s, edited, etag)).ExpectAsync(HttpStatusCode.OK)).GetProperty("activation").GetProperty("approval").GetProperty("stages")[0];
        Assert.Equal(("exchange-owners", 2), (renamed.GetProperty("approvers")[0].GetString(), renamed.GetProperty("required").GetInt32()));
    }

    [Fact]
    public async Task Stages_that_cannot_be_met_or_are_out_of_bounds_are_refused()
    {
        var s = await OwnersAsync(app);
        var (_, etag) = await ReadAsync(s);
        async Task Refused(object document, HttpStatusCode status, string code) => await (await PutAsync(s, document, etag)).ExpectProblemAsync(status, code);
        await Refused(StagedSettings([Stage(3, approvers: ["ann", "ben"])]), HttpStatusCode.UnprocessableEntity, "approval-stage-unsatisfiable");
        await Refused(StagedSettings([Stage(1, approvers: ["nobody"])]), HttpStatusCode.UnprocessableEntity, "unknown-approver");
        await Refused(StagedSettings([Stage(1), Stage(1), Stage(1), Stage(1)]), HttpStatusCode.BadRequest, "validation-failed");
        await Refused(StagedSettings([Stage(0)]), HttpStatusCode.BadRequest, "validation-failed");
        await Refused(StagedSettings([Stage(1, "PT4H", "PT4H", ["security-leads"])]), HttpStatusCode.BadRequest, "validation-failed"); // escalates at its timeout
        await Refused(StagedSettings([Stage(1, "PT4H", "PT1H")]), HttpStatusCode.BadRequest, "validation-failed"); // escalates to nobody
        await Refused(StagedSettings([Stage(1, "P8D")]), HttpStatusCode.BadRequest, "validation-failed");
        await Refused(StagedSettings([], breakGlass: new { allowed = true, maximumDuration = "PT73H" }), HttpStatusCode.BadRequest, "validation-failed");
        // A quorum the group may meet is accepted: groups are expanded when a decision is made.
        using var groups = await PutAsync(s, StagedSettings([Stage(5, approvers: ["exchange-owners"])]), etag);
        await groups.ExpectAsync(HttpStatusCode.OK);
    }
}
