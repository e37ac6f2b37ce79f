using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using static Pim.Api.Tests.Approvals.Workflow;

namespace Pim.Api.Tests.Activations;

[Collection(SqliteCollection.Name)]
public sealed class RevokeTests_Sqlite(SqliteApp app) : RevokeTests(app);

[Collection(PostgresCollection.Name)]
public sealed class RevokeTests_Postgres(PostgresApp app) : RevokeTests(app);

/// <summary>A PIM administrator ends someone else's activation, saying why: audited, notified, and access gone at once.</summary>
public abstract class RevokeTests(PimApp app)
{
    private static Task<HttpResponseMessage> Revoke(Scenario s, HttpClient who, string id, string reason = "Suspicious sign-in reported by SOC") =>
        who.PostJsonAsync(s.Path($"/activation-requests/{id}/revoke"), new { reason });

    [Fact]
    public async Task An_administrator_revokes_an_activation_with_a_reason()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncAsync("sam");
        await s.AssignAsync(s.Operator, "sam", "security-administrator", "active", HttpStatusCode.Created);
        await s.MakeBobEligibleAsync();
        var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));

        await Revoke(s, s.Carol, id).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await Revoke(s, s.User("sam"), id).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden"); // approves, but does not administer PIM
        await Revoke(s, s.Alice, id, "").ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var revoked = await Revoke(s, s.Alice, id).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("revoked", revoked.Str("status"));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        await Revoke(s, s.Alice, id).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");

        var audit = (await s.AuditAsync("action=activation.revoked")).EnumerateArray().Single();
        Assert.Equal(("alice", "Suspicious sign-in reported by SOC"), (audit.Str("actorId"), audit.Str("justification")));
        Assert.Equal("revoked-by-administrator", JsonDocument.Parse(audit.Str("details")).RootElement.Str("reason"));
        await app.DispatchAllAsync();
        var email = app.MailTo(s.Address("bob")).Single(m => m.Subject?.EndsWith("was revoked", StringComparison.Ordinal) == true);
        Assert.Contains("Suspicious sign-in reported by SOC", email.TextBody ?? "");
    }

    [Fact]
    public async Task A_waiting_request_can_be_revoked_and_so_leaves_the_approvers_lists()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        await s.MakeBobEligibleAsync();
        var id = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        Assert.Equal([id], await s.ApprovalsOfAsync(s.Alice));
        Assert.Equal("revoked", (await Revoke(s, s.Alice, id).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Empty(await s.ApprovalsOfAsync(s.Alice));
    }
}
