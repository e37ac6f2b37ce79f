using System.Net;
using System.Net.Http.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Tenants;

[Collection(SqliteCollection.Second)]
public sealed class TenantTests_Sqlite(SqliteApp app) : TenantTests(app);

[Collection(PostgresCollection.Name)]
public sealed class TenantTests_Postgres(PostgresApp app) : TenantTests(app);

/// <summary>Bringing a tenant under PIM: directory sync of the tenant, consent and sign-up.</summary>
public abstract class TenantTests(PimApp app)
{
    [Fact]
    public async Task Operator_creates_then_renames_a_tenant()
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var created = await app.Operator().PutJsonAsync($"/v1/tenants/{id}", new { displayName = "Fabrikam" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Fabrikam", created.Str("displayName"));
        Assert.False(created.GetProperty("consented").GetBoolean());
        var renamed = await app.Operator().PutJsonAsync($"/v1/tenants/{id}", new { displayName = "Fabrikam Ltd" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Fabrikam Ltd", renamed.Str("displayName"));
    }

    [Fact]
    public async Task Directory_sync_needs_the_operator_scope()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Alice.PutJsonAsync(s.Path("/principals/mallory"), new { kind = "user", displayName = "Mallory" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Alice.PutJsonAsync(s.Path(), new { displayName = "Renamed" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Only_an_active_Global_Administrator_consents()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        await s.Bob.PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Operator.PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // A Global Administrator assignment that has ended does not count.
        await s.Operator.PutJsonAsync(s.Path("/principals/erin"), new { kind = "user", displayName = "Erin" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Operator, "erin", "global-administrator", "active", HttpStatusCode.Created, endsAt: s.App.Time.GetUtcNow().AddHours(1));
        s.App.Time.Advance(TimeSpan.FromHours(2));
        await s.User("erin").PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var status = await s.Alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(status.GetProperty("consented").GetBoolean());
    }

    [Fact]
    public async Task The_first_consenter_becomes_Privileged_Role_and_Security_Administrator()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        var consent = await s.Alice.PostJsonAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(consent.GetProperty("consented").GetBoolean());
        Assert.Equal("alice", consent.Str("consentedBy"));

        var roles = await s.App.Operator().GetAsync(s.Path("/principals/alice/active-roles")).ExpectAsync(HttpStatusCode.OK);
        var held = roles.GetProperty("items").EnumerateArray().Select(r => (r.Str("roleId"), r.GetProperty("validUntil").ValueKind)).ToList();
        Assert.Contains(("privileged-role-administrator", System.Text.Json.JsonValueKind.Null), held);
        Assert.Contains(("security-administrator", System.Text.Json.JsonValueKind.Null), held);
        Assert.Contains(("global-administrator", System.Text.Json.JsonValueKind.Null), held);
    }

    [Fact]
    public async Task Consenting_again_changes_nothing_and_grants_nothing()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        var first = await s.Alice.PostJsonAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        // A second Global Administrator consents later: nothing changes, and nothing is granted to her.
        await s.Operator.PutJsonAsync(s.Path("/principals/gina"), new { kind = "user", displayName = "Gina" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Operator, "gina", "global-administrator", "active", HttpStatusCode.Created);
        var second = await s.User("gina").PostJsonAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first.Str("consentedBy"), second.Str("consentedBy"));
        Assert.Equal(first.GetProperty("consentedAt").GetDateTimeOffset(), second.GetProperty("consentedAt").GetDateTimeOffset());

        var gina = await s.App.Operator().GetAsync(s.Path("/principals/gina/active-roles")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["global-administrator"], gina.GetProperty("items").EnumerateArray().Select(r => r.Str("roleId")).ToArray());
        Assert.Single(await s.AuditActionsAsync("action=consent.granted"));
    }

    [Fact]
    public async Task Racing_consents_grant_once()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => s.Alice.PostJsonAsync(s.Path("/consent"))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(await s.AuditActionsAsync("action=consent.granted"));
        var members = await s.Operator.GetAsync(s.Path("/role-assignments?principalId=alice")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, members.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Before_consent_PIM_operations_answer_consent_required()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" }).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Alice.GetAsync(s.Path("/audit-events")).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        // Directory sync and access evaluation mirror the directory as it is, consent or not.
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task Before_sign_up_managing_directory_roles_answers_sign_up_required()
    {
        var s = await Scenario.OnboardAsync(app, signUp: false);
        await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectProblemAsync(HttpStatusCode.Conflict, "sign-up-required");
        await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectProblemAsync(HttpStatusCode.Conflict, "sign-up-required");
        await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "carol", roleId = "user-administrator", type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "sign-up-required");
        await s.Bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "sign-up-required");
        // The operator still syncs standing assignments.
        await s.AssignAsync(s.Operator, "carol", "helpdesk-administrator", "active", HttpStatusCode.Created);
    }

    [Fact]
    public async Task Sign_up_is_for_Global_or_Privileged_Role_Administrators_and_idempotent()
    {
        var s = await Scenario.OnboardAsync(app, signUp: false);
        await s.Bob.PostJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var created = await s.Alice.PostAsJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.Location);
        var again = await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("directoryRoles", again.Str("area"));
        var list = await s.Carol.GetAsync(s.Path("/sign-ups")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
        await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "everything" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task A_new_sign_up_answers_where_to_read_it()
    {
        var s = await Scenario.OnboardAsync(app, signUp: false);
        using var created = await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" });
        await created.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(s.Path("/sign-ups/directoryRoles"), created.Headers.Location!.ToString());
        var read = await s.Carol.GetAsync(created.Headers.Location).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("directoryRoles", "/", "alice"), (read.Str("area"), read.Str("scope"), read.Str("signedUpBy")));
        await s.Carol.GetAsync(s.Path("/sign-ups/resources?scope=/managementGroups/none")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await s.Carol.GetAsync(s.Path("/sign-ups/directoryRoles?scope=nonsense")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }
}
