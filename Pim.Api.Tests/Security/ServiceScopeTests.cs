using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class ServiceScopeTests_Sqlite(SqliteApp app) : ServiceScopeTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ServiceScopeTests_Postgres(PostgresApp app) : ServiceScopeTests(app);

/// <summary>
/// Trust boundary: service scopes are bound to their token's tenant (DESIGN §7). A token of tenant A with pim.operator or
/// pim.evaluate acts as nobody in tenant B; tokens without a tenant act everywhere only when the deployment names them.
/// </summary>
public abstract class ServiceScopeTests(PimApp app)
{
    [Fact]
    public async Task An_evaluate_scoped_token_of_one_tenant_cannot_ask_about_another()
    {
        var ta = await Scenario.OnboardAsync(app);
        var tb = await Scenario.OnboardAsync(app);
        var gateway = app.Client("gateway", ta.Id, false, "pim.evaluate");

        await gateway.PostJsonAsync(tb.Path("/access/evaluation"), new { principalId = "alice", roleId = "global-administrator" })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await gateway.GetAsync(tb.Path("/principals/alice/active-roles")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");

        // In its own tenant it is an evaluator.
        var answer = await gateway.PostJsonAsync(ta.Path("/access/evaluation"), new { principalId = "alice", roleId = "global-administrator" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("allow", answer.Str("decision"));
    }

    [Fact]
    public async Task An_operator_token_of_one_tenant_cannot_sync_another_or_read_its_audit()
    {
        var ta = await Scenario.OnboardAsync(app);
        var tb = await Scenario.OnboardAsync(app);
        var sync = app.Client("sync", ta.Id, false, "pim.operator");

        await sync.PutJsonAsync(tb.Path("/principals/mallory"), new { kind = "user", displayName = "Mallory" })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await sync.PostJsonAsync(tb.Path("/role-assignments"), new { principalId = "carol", roleId = "global-administrator", type = "active" })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await sync.GetAsync(tb.Path("/audit-events")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await sync.PutJsonAsync(tb.Path("/management-groups/evil"), new { displayName = "Evil" }).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await sync.PutJsonAsync(tb.Path(), new { displayName = "Owned" }).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await sync.DeleteAsync(tb.Path($"/role-assignments/{tb.BobExchangeAssignment}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");

        Assert.False(await tb.EvaluateAsync("carol", "global-administrator"));
        Assert.DoesNotContain("mallory", (await tb.AuditAsync()).EnumerateArray().Select(e => e.GetProperty("targetId").GetString()));

        // In its own tenant it is the operator, and the audit names it a service of that tenant.
        await sync.PutJsonAsync(ta.Path("/principals/dave"), new { kind = "user", displayName = "Dave" }).ExpectAsync(HttpStatusCode.Created);
        var upserted = (await ta.AuditAsync("action=principal.upserted")).EnumerateArray().Last();
        Assert.Equal(("sync", "service", ta.Id), (upserted.Str("actorId"), upserted.Str("actorKind"), upserted.Str("actorTenantId")));
    }

    [Fact]
    public async Task A_token_without_a_tenant_acts_everywhere_only_when_the_deployment_names_it()
    {
        var s = await Scenario.OnboardAsync(app);
        // "directory-sync" is a platform identity of the test deployment; "rogue-app" carries the same scopes but is not.
        var rogue = app.Client("rogue-app", null, false, "pim.operator", "pim.evaluate");
        await rogue.PutJsonAsync(s.Path("/principals/mallory"), new { kind = "user", displayName = "Mallory" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await rogue.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "alice", roleId = "global-administrator" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await rogue.GetAsync(s.Path("/audit-events")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave" }).ExpectAsync(HttpStatusCode.Created);
        var upserted = (await s.AuditAsync("action=principal.upserted")).EnumerateArray().Last();
        Assert.Equal("directory-sync", upserted.Str("actorId"));
        Assert.Equal("service", upserted.Str("actorKind"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, upserted.GetProperty("actorTenantId").ValueKind);
    }

    [Fact]
    public async Task Audit_actors_say_whether_a_principal_a_service_or_Pim_acted()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob, duration: "PT1H").ExpectAsync(HttpStatusCode.Created);
        app.Time.Advance(TimeSpan.FromHours(2));
        await app.SweepAsync();

        var events = (await s.AuditAsync()).EnumerateArray().ToList();
        var consent = events.Single(e => e.Str("action") == "consent.granted");
        Assert.Equal(("alice", "principal", s.Id), (consent.Str("actorId"), consent.Str("actorKind"), consent.Str("actorTenantId")));
        var expired = events.Single(e => e.Str("action") == "activation.expired");
        Assert.Equal(("pim-system", "system"), (expired.Str("actorId"), expired.Str("actorKind")));
    }
}
