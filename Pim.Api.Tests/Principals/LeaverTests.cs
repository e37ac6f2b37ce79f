using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Scim;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Principals;

[Collection(SqliteCollection.Name)]
public sealed class LeaverTests_Sqlite(SqliteApp app) : LeaverTests(app);

[Collection(PostgresCollection.Name)]
public sealed class LeaverTests_Postgres(PostgresApp app) : LeaverTests(app);

/// <summary>
/// Trust boundary: a leaver holds nothing, at once. Deleted (natively or by SCIM) or made inactive (accountEnabled: false,
/// SCIM active: false), its active activations are revoked and its waiting requests canceled, audited with the reason,
/// and the role administrators are emailed; deleted, its assignments go; made inactive, they are suspended and count
/// again when it is active again. A disabled principal can neither activate nor approve.
/// </summary>
public abstract class LeaverTests(PimApp app)
{
    /// <summary>Bob: a standing Exchange Administrator, an active User Administrator activation and a Helpdesk Administrator request waiting for approval.</summary>
    private static async Task<(Scenario S, string Active, string Waiting)> BobHoldsThingsAsync(PimApp app)
    {
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "bob", "user-administrator", "eligible", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "bob", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        await s.SetSettingsAsync("helpdesk-administrator", ScenarioSettings.Document(requireApproval: true));
        var active = (await s.ActivateAsync(s.Bob, roleId: "user-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        var waiting = (await s.ActivateAsync(s.Bob, roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created)).Str("id");
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.True(await s.EvaluateAsync("bob", "user-administrator"));
        return (s, active, waiting);
    }

    private static async Task<(string Action, string Reason)> EndOfAsync(Scenario s, string requestId)
    {
        var ended = (await s.AuditAsync()).EnumerateArray().Single(e => e.Str("targetId") == requestId && e.Str("action") is "activation.revoked" or "activation.canceled");
        return (ended.Str("action"), JsonSerializer.Deserialize<JsonElement>(ended.Str("details")).Str("reason"));
    }

    private static async Task<JsonElement> DetailsOfAsync(Scenario s, string action) =>
        JsonSerializer.Deserialize<JsonElement>((await s.AuditAsync($"action={action}")).EnumerateArray().Single().Str("details"));

    [Fact]
    public async Task A_leaver_deleted_loses_everything_at_once_audited_and_the_role_administrators_are_told()
    {
        var (s, active, waiting) = await BobHoldsThingsAsync(app);
        await s.Operator.DeleteAsync(s.Path("/principals/bob")).ExpectAsync(HttpStatusCode.NoContent);

        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.False(await s.EvaluateAsync("bob", "user-administrator"));
        Assert.Equal(("activation.revoked", "principal-deleted"), await EndOfAsync(s, active));
        Assert.Equal(("activation.canceled", "principal-deleted"), await EndOfAsync(s, waiting));
        Assert.Equal("canceled", (await s.Alice.GetAsync(s.Path($"/activation-requests/{waiting}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal(3, (await s.AuditAsync("action=assignment.removed")).EnumerateArray().Count(e =>
            JsonSerializer.Deserialize<JsonElement>(e.Str("details")).Str("reason") == "principal-deleted"));
        var deleted = await DetailsOfAsync(s, "principal.deleted");
        Assert.Equal(("principal-deleted", 3, 1, 1), (deleted.Str("reason"), deleted.GetProperty("assignmentsRemoved").GetInt32(),
            deleted.GetProperty("activationsRevoked").GetInt32(), deleted.GetProperty("requestsCanceled").GetInt32()));
        await app.DispatchAllAsync();
        var told = Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject == "PIM: Bob left");
        Assert.Contains("Assignments removed: 3", told.TextBody);
        Assert.Contains("Activations revoked: 1", told.TextBody);
    }

    [Fact]
    public async Task A_leaver_made_inactive_by_SCIM_is_suspended_and_restored_when_active_again()
    {
        var (s, active, waiting) = await BobHoldsThingsAsync(app);
        var scim = ScimTests.Provisioning(s);
        var patch = $$"""{"schemas":["{{ScimTests.PatchUrn}}"],"Operations":[{"op":"replace","path":"active","value":false}]}""";
        await ScimTests.ExpectAsync(ScimTests.SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/bob", patch), HttpStatusCode.OK);

        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator")); // standing access suspended
        Assert.False(await s.EvaluateAsync("bob", "user-administrator"));
        Assert.Equal(("activation.revoked", "principal-disabled"), await EndOfAsync(s, active));
        Assert.Equal(("activation.canceled", "principal-disabled"), await EndOfAsync(s, waiting));
        var suspended = await DetailsOfAsync(s, "principal.disabled");
        Assert.Equal((3, 1, 1), (suspended.GetProperty("assignmentsSuspended").GetInt32(), suspended.GetProperty("activationsRevoked").GetInt32(),
            suspended.GetProperty("requestsCanceled").GetInt32()));
        // Suspended, not removed: the assignments are still there, and grant nothing; Bob can neither activate nor approve.
        Assert.Equal(3, (await s.Alice.GetAsync(s.Path("/role-assignments?principalId=bob")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        await s.ActivateAsync(s.Bob, roleId: "user-administrator").ExpectProblemAsync(HttpStatusCode.Forbidden, "principal-disabled");
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject == "PIM: Bob was suspended");

        await ScimTests.ExpectAsync(ScimTests.SendAsync(scim, HttpMethod.Patch, "/scim/v2/Users/bob", patch.Replace("false", "true")), HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator")); // restored
        Assert.False(await s.EvaluateAsync("bob", "user-administrator")); // a revoked activation stays revoked …
        await s.ActivateAsync(s.Bob, roleId: "user-administrator").ExpectAsync(HttpStatusCode.Created); // … and the eligibility serves again
        Assert.True(await s.EvaluateAsync("bob", "user-administrator"));
        Assert.Equal(3, (await DetailsOfAsync(s, "principal.enabled")).GetProperty("assignmentsRestored").GetInt32());
    }

    [Fact]
    public async Task A_leaver_deprovisioned_by_SCIM_is_deleted_with_everything_it_held()
    {
        var (s, active, waiting) = await BobHoldsThingsAsync(app);
        await ScimTests.ExpectAsync(ScimTests.SendAsync(ScimTests.Provisioning(s), HttpMethod.Delete, "/scim/v2/Users/bob"), HttpStatusCode.NoContent);
        Assert.Equal(("activation.revoked", "principal-deleted"), await EndOfAsync(s, active));
        Assert.Equal(("activation.canceled", "principal-deleted"), await EndOfAsync(s, waiting));
        Assert.Empty((await s.Alice.GetAsync(s.Path("/role-assignments?principalId=bob")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task A_principal_that_held_nothing_leaves_without_mail()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave", accountEnabled = false }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.DeleteAsync(s.Path("/principals/carol")).ExpectAsync(HttpStatusCode.NoContent);
        await app.DispatchAllAsync();
        Assert.DoesNotContain(app.MailTo(s.Address("alice")), m => m.Subject?.Contains("Carol") == true || m.Subject?.Contains("Dave") == true);
        Assert.Empty(await s.AuditActionsAsync("action=principal.disabled")); // created disabled: it never held anything
    }
}
