using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Roles;

[Collection(SqliteCollection.Second)]
public sealed class CustomRoleTests_Sqlite(SqliteApp app) : CustomRoleTests(app);

[Collection(PostgresCollection.Name)]
public sealed class CustomRoleTests_Postgres(PostgresApp app) : CustomRoleTests(app);

/// <summary>A tenant's own roles: defined by PIM administrators, working as built-in ones do, never another tenant's.</summary>
public abstract class CustomRoleTests(PimApp app)
{
    private const string Auditor = "custom-mailbox-auditor";

    private static object Definition(string displayName = "Mailbox auditor", string kind = "directory") =>
        new { displayName, description = "Reads mailbox audit logs.", kind, privileged = true };

    private static Task<HttpResponseMessage> Define(Scenario s, string roleId = Auditor, object? definition = null) =>
        s.Alice.PutJsonAsync(s.Path($"/roles/{roleId}"), definition ?? Definition());

    [Fact]
    public async Task A_tenant_role_works_as_a_built_in_one()
    {
        var s = await Scenario.OnboardAsync(app);
        using (var created = await Define(s))
        {
            var role = await created.ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(s.Path($"/roles/{Auditor}"), created.Headers.Location?.ToString());
            Assert.Equal(("Mailbox auditor", true, "directory"), (role.Str("displayName"), role.GetProperty("custom").GetBoolean(), role.Str("kind")));
        }
        var listed = (await s.Carol.GetAsync(s.Path("/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(listed, r => r.Str("id") == Auditor && r.GetProperty("custom").GetBoolean());
        Assert.Contains(listed, r => r.Str("id") == "global-administrator" && !r.GetProperty("custom").GetBoolean());

        // Settings, eligibility, activation with approval, evaluation (native and AuthZEN), "my roles", the audit.
        await s.SetSettingsAsync(Auditor, ScenarioSettings.Document(requireApproval: true));
        await s.AssignAsync(s.Alice, "bob", Auditor, "eligible", HttpStatusCode.Created);
        var mine = (await s.Bob.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(r => r.Str("roleId") == Auditor);
        Assert.Equal(("Mailbox auditor", "eligible"), (mine.Str("roleDisplayName"), mine.Str("status")));
        var request = await s.ActivateAsync(s.Bob, roleId: Auditor).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pendingApproval", request.Str("status"));
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/approve"), new { justification = "Audit week" }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("bob", Auditor));
        var authZen = await app.Evaluator().PostJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "user", id = "bob", properties = new { tenantId = s.Id } },
            action = new { name = "hold" },
            resource = new { type = "role", id = Auditor },
        }).ExpectAsync(HttpStatusCode.OK);
        Assert.True(authZen.GetProperty("decision").GetBoolean());
        await app.DispatchAllAsync();
        Assert.Contains(app.MailTo(s.Address("alice")), m => m.Subject?.Contains("approval needed for Bob to activate Mailbox auditor") == true);
        Assert.Single(await s.AuditActionsAsync("action=role.upserted"));
    }

    [Fact]
    public async Task Built_in_roles_are_read_only_and_tenant_role_ids_begin_with_custom()
    {
        var s = await Scenario.OnboardAsync(app);
        await Define(s, "global-administrator").ExpectProblemAsync(HttpStatusCode.Conflict, "built-in-role");
        await s.Alice.DeleteAsync(s.Path("/roles/exchange-administrator")).ExpectProblemAsync(HttpStatusCode.Conflict, "built-in-role");
        await Define(s, "mailbox-auditor").ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await Define(s, "custom-Mailbox").ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await Define(s, definition: new { displayName = "", description = "", kind = "directory", privileged = false })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await s.Bob.PutJsonAsync(s.Path($"/roles/{Auditor}"), Definition()).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var unconsented = await Scenario.OnboardAsync(app, consent: false);
        await Define(unconsented).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
    }

    [Fact]
    public async Task A_role_in_use_is_not_removed_nor_its_kind_changed()
    {
        var s = await Scenario.OnboardAsync(app);
        await Define(s).ExpectAsync(HttpStatusCode.Created);
        await s.SetSettingsAsync(Auditor, ScenarioSettings.Document(maximumDuration: "PT2H"));
        var assignment = (await s.AssignAsync(s.Alice, "carol", Auditor, "eligible", HttpStatusCode.Created)).Str("id");
        await s.Alice.DeleteAsync(s.Path($"/roles/{Auditor}")).ExpectProblemAsync(HttpStatusCode.Conflict, "role-in-use");
        await Define(s, definition: Definition(kind: "resource")).ExpectProblemAsync(HttpStatusCode.Conflict, "role-in-use");
        Assert.Equal("Renamed", (await Define(s, definition: Definition("Renamed")).ExpectAsync(HttpStatusCode.OK)).Str("displayName"));

        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{assignment}")).ExpectAsync(HttpStatusCode.NoContent);
        await s.Alice.DeleteAsync(s.Path($"/roles/{Auditor}")).ExpectAsync(HttpStatusCode.NoContent);
        await s.Carol.GetAsync(s.Path($"/roles/{Auditor}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await s.Alice.DeleteAsync(s.Path($"/roles/{Auditor}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Single(await s.AuditActionsAsync("action=role.deleted"));
        // Defined again, it starts from the defaults: its settings went with it.
        await Define(s).ExpectAsync(HttpStatusCode.Created);
        var settings = await s.Alice.GetAsync(s.Path($"/roles/{Auditor}/settings")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("PT1H", settings.GetProperty("activation").Str("maximumDuration"));
    }

    [Fact]
    public async Task What_GET_answers_can_be_sent_back()
    {
        var s = await Scenario.OnboardAsync(app);
        await Define(s).ExpectAsync(HttpStatusCode.Created);
        var read = await s.Alice.GetAsync(s.Path($"/roles/{Auditor}")).ExpectAsync(HttpStatusCode.OK);
        await s.Alice.PutJsonAsync(s.Path($"/roles/{Auditor}"), read).ExpectAsync(HttpStatusCode.OK);
        var moved = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(read.GetRawText())!;
        moved["id"] = JsonSerializer.SerializeToElement("custom-other");
        var refused = await s.Alice.PutJsonAsync(s.Path($"/roles/{Auditor}"), moved).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "read-only-field");
        Assert.True(refused.GetProperty("errors").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task A_tenant_s_roles_are_not_another_tenant_s()
    {
        var s = await Scenario.OnboardAsync(app);
        await Define(s).ExpectAsync(HttpStatusCode.Created);
        var other = await Scenario.OnboardAsync(app);
        await other.Carol.GetAsync(other.Path($"/roles/{Auditor}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.DoesNotContain((await other.Carol.GetAsync(other.Path("/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            r => r.Str("id") == Auditor);
        var assign = await other.Alice.PostJsonAsync(other.Path("/role-assignments"), new { principalId = "carol", roleId = Auditor, type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(assign.GetProperty("errors").TryGetProperty("roleId", out _));
        await app.Evaluator().PostJsonAsync(other.Path("/access/evaluation"), new { principalId = "carol", roleId = Auditor })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var authZen = await app.Evaluator().PostJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "user", id = "carol", properties = new { tenantId = other.Id } },
            action = new { name = "hold" },
            resource = new { type = "role", id = Auditor },
        }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("unknown-role", authZen.GetProperty("context").Str("reason"));
        // The other tenant defines a role of the same id: its own, not the first one's.
        await Define(other, definition: Definition("Their auditor")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Mailbox auditor", (await s.Carol.GetAsync(s.Path($"/roles/{Auditor}")).ExpectAsync(HttpStatusCode.OK)).Str("displayName"));
    }
}
