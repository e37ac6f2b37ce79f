using System.Net;
using Dapper;
using Pim.Api.Tests.Support;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class LimitTests_Sqlite(SqliteApp app) : LimitTests(app);

[Collection(PostgresCollection.Name)]
public sealed class LimitTests_Postgres(PostgresApp app) : LimitTests(app);

/// <summary>
/// The bounds the contract declares for lists are true because what fills them is capped: webhooks and scopes per
/// tenant, assignments per principal. A write past a cap is a 409 limit-reached that changes nothing, and the count is
/// taken under the tenant's row, so two racing writes cannot both take the last place.
/// </summary>
public abstract class LimitTests(PimApp app)
{
    private const string Recurse = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count) ";

    /// <summary>Fills the store directly: thousands of rows through the API would only make the test slow.</summary>
    private async Task SeedAsync(string sql, object parameters)
    {
        var store = app.Services.GetRequiredService<Store>();
        await using var connection = await store.OpenAsync(default);
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Registers subscriptions seed1 … seed{count} under the root, as PUT …/subscriptions/{id} would.</summary>
    private async Task SeedSubscriptionsAsync(string tenantId, int count)
    {
        await SeedAsync(Recurse + """
            INSERT INTO scope_nodes (tenant_id, scope, kind, node_id, display_name, parent_scope)
            SELECT @tenantId, '/subscriptions/seed' || i, 'subscription', 'seed' || i, 'Seeded', '/' FROM n
            """, new { tenantId, count });
        await SeedAsync("""
            INSERT INTO scope_ancestors (tenant_id, scope, ancestor_scope, depth)
            SELECT tenant_id, scope, scope, 0 FROM scope_nodes WHERE tenant_id = @tenantId
            UNION ALL
            SELECT tenant_id, scope, '/', 1 FROM scope_nodes WHERE tenant_id = @tenantId
            """, new { tenantId });
    }

    private static Task<HttpResponseMessage> CreateWebhook(Scenario s, int i) =>
        s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = $"http://127.0.0.1:9/hooks/{i}", eventTypes = new[] { "pim.activation.approved" } });

    [Fact]
    public async Task Two_racing_webhooks_cannot_both_take_the_last_place()
    {
        var s = await Scenario.OnboardAsync(app);
        for (var i = 0; i < WebhookService.MaximumPerTenant - 1; i++)
            await CreateWebhook(s, i).ExpectAsync(HttpStatusCode.Created);

        var race = await Task.WhenAll(Enumerable.Range(100, 4).Select(i => CreateWebhook(s, i)));
        Assert.Equal(1, race.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in race.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.ExpectProblemAsync(HttpStatusCode.Conflict, "limit-reached");

        await CreateWebhook(s, 200).ExpectProblemAsync(HttpStatusCode.Conflict, "limit-reached");
        var listed = await s.Alice.GetAsync(s.Path("/webhooks")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(WebhookService.MaximumPerTenant, listed.GetProperty("items").GetArrayLength());
        Assert.Equal(WebhookService.MaximumPerTenant, (await s.AuditActionsAsync()).Count(a => a == "webhook.created"));

        // A removed webhook frees its place.
        await s.Alice.DeleteAsync(s.Path($"/webhooks/{listed.GetProperty("items")[0].Str("id")}")).ExpectAsync(HttpStatusCode.NoContent);
        await CreateWebhook(s, 300).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_tenant_registers_at_most_its_share_of_scopes_and_may_still_rename_them()
    {
        var s = await Scenario.OnboardAsync(app);
        await SeedSubscriptionsAsync(s.Id, ScopeNode.MaximumPerTenant - 1);

        var race = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            s.Operator.PutJsonAsync(s.Path($"/subscriptions/last{i}"), new { displayName = "Last" })));
        Assert.Equal(1, race.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in race.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.ExpectProblemAsync(HttpStatusCode.Conflict, "limit-reached");
        await s.Operator.PutJsonAsync(s.Path("/management-groups/one-more"), new { displayName = "One more" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "limit-reached");
        await s.Operator.GetAsync(s.Path("/management-groups/one-more")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");

        await s.Operator.PutJsonAsync(s.Path("/subscriptions/seed1"), new { displayName = "Renamed" }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_principal_holds_at_most_its_share_of_assignments()
    {
        var s = await Scenario.OnboardAsync(app);
        var first = await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.Created);
        await SeedSubscriptionsAsync(s.Id, RoleAssignment.MaximumPerPrincipal - 1);
        await SeedAsync(Recurse + """
            INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at, justification,
                                          created_at, created_by, version)
            SELECT tenant_id, assignment_id || '-' || i, principal_id, 'reader', '/subscriptions/seed' || i, type, starts_at, ends_at,
                   justification, created_at, created_by, version
            FROM role_assignments, n
            WHERE tenant_id = @tenantId AND assignment_id = @assignmentId
            """, new { tenantId = s.Id, assignmentId = first.Str("id"), count = RoleAssignment.MaximumPerPrincipal - 1 });

        await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Conflict);
        await s.AssignAsync(s.Operator, "carol", "helpdesk-administrator", "active", HttpStatusCode.Conflict); // directory sync too
        var problem = await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "carol", roleId = "security-reader", type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "limit-reached");
        Assert.Contains("carol", problem.Str("detail"));
        // Others are not affected, and carol's roles still answer in full.
        await s.AssignAsync(s.Alice, "bob", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        var mine = await s.Carol.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(RoleAssignment.MaximumPerPrincipal, mine.GetProperty("items").GetArrayLength());
    }
}
