using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class AuthorizationMatrixTests_Sqlite(SqliteApp app) : AuthorizationMatrixTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AuthorizationMatrixTests_Postgres(PostgresApp app) : AuthorizationMatrixTests(app);

/// <summary>
/// Every endpoint × every kind of caller → the expected status. Personas, in the order they call:
/// anonymous · a Global Administrator, an operator and an evaluate-scoped service of another tenant (all three: "other
/// tenant", told not found, because service scopes are bound to their token's tenant) · a plain user (Carol) · an eligible-but-inactive Privileged Role
/// Administrator (Dave) · a service with pim.evaluate · the operator · an active administrator (Alice).
/// Each row runs in a prepared tenant where Bob is eligible for Exchange Administrator and has a request pending approval,
/// and Carol holds Helpdesk Administrator actively: rows that only read share one, rows that write get their own.
/// </summary>
public abstract class AuthorizationMatrixTests(PimApp app)
{
    /// <param name="OtherOperator">When the other tenant's operator is expected otherwise than the other strangers: on SCIM's
    /// paths without a tenant, which act in the token's own tenant (a write row then gets an other tenant of its own).</param>
    public sealed record Row(string Method, string Path, object? Body, int Anonymous, int OtherTenant, int User, int EligibleAdmin,
        int Evaluator, int Operator, int Admin, int? OtherOperator = null)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    // {r}: Bob's pending request; {bob}: Bob's eligible assignment; {carol}: Carol's active Helpdesk Administrator assignment;
    // {webhook}: Alice's webhook. Management group mg1, subscription sub1 and its resource group rg1 are registered.
    // A path starting with ~ is not under the tenant (AuthZEN, SCIM): the tenant is in the body or the path ({tenant}).
    // Group "team" (empty) is in every tenant.
    public static TheoryData<Row> Rows => WithScim(new()
    {
        new("PUT", "", new { displayName = "Renamed" }, 401, 404, 403, 403, 403, 200, 403),
        new("PUT", "/principals/zed", new { kind = "user", displayName = "Zed" }, 401, 404, 403, 403, 403, 201, 403),
        new("GET", "/principals", null, 401, 404, 403, 403, 403, 200, 200),
        new("GET", "/principals/bob", null, 401, 404, 403, 403, 403, 200, 200),
        new("GET", "/principals/bob/memberships", null, 401, 404, 403, 403, 403, 200, 200),
        new("DELETE", "/principals/carol", null, 401, 404, 403, 403, 403, 204, 403),
        new("GET", "/consent", null, 401, 404, 200, 200, 403, 200, 200),
        new("POST", "/consent", null, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/sign-ups", null, 401, 404, 200, 200, 403, 200, 200),
        new("POST", "/sign-ups", new { area = "directoryRoles" }, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/roles", null, 401, 404, 200, 200, 403, 200, 200),
        new("GET", "/roles/exchange-administrator", null, 401, 404, 200, 200, 403, 200, 200),
        new("GET", "/roles/exchange-administrator/members", null, 401, 404, 403, 403, 403, 200, 200),
        new("PUT", "/roles/custom-mailbox-auditor", new { displayName = "Mailbox auditor", description = "Reads mailbox audit logs.", kind = "directory", privileged = true },
            401, 404, 403, 403, 403, 403, 201),
        new("DELETE", "/roles/global-administrator", null, 401, 404, 403, 403, 403, 403, 409),
        new("GET", "/roles/exchange-administrator/settings", null, 401, 404, 200, 200, 403, 200, 200),
        new("PUT", "/roles/exchange-administrator/settings", ScenarioSettings.Document(requireApproval: true), 401, 404, 403, 403, 403, 403, 428),
        new("GET", "/role-assignments", null, 401, 404, 403, 403, 403, 200, 200),
        new("POST", "/role-assignments", new { principalId = "carol", roleId = "user-administrator", type = "eligible" }, 401, 404, 403, 403, 403, 403, 201),
        new("POST", "/role-assignments", new { principalId = "carol", roleId = "user-administrator", type = "active" }, 401, 404, 403, 403, 403, 201, 409),
        new("GET", "/role-assignments/{bob}", null, 401, 404, 403, 403, 403, 200, 200),
        new("DELETE", "/role-assignments/{carol}", null, 401, 404, 403, 403, 403, 204, 404),
        new("POST", "/role-assignments/{carol}/make-eligible", null, 401, 404, 403, 403, 403, 403, 200),
        new("POST", "/role-assignments/{bob}/make-active", null, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/me/roles", null, 401, 404, 200, 200, 403, 403, 200),
        new("POST", "/activation-requests", new { roleId = "exchange-administrator", justification = "x" }, 401, 404, 422, 422, 403, 403, 422),
        new("GET", "/activation-requests", null, 401, 404, 200, 200, 403, 403, 200),
        new("GET", "/activation-requests/{r}", null, 401, 404, 403, 403, 403, 403, 200),
        new("POST", "/activation-requests/{r}/approve", new { justification = "ok" }, 401, 404, 403, 403, 403, 403, 200),
        new("POST", "/activation-requests/{r}/deny", new { justification = "no" }, 401, 404, 403, 403, 403, 403, 200),
        new("POST", "/activation-requests/{r}/cancel", null, 401, 404, 403, 403, 403, 403, 403),
        new("POST", "/activation-requests/{r}/deactivate", null, 401, 404, 403, 403, 403, 403, 409),
        new("GET", "/approvals", null, 401, 404, 200, 200, 403, 403, 200),
        new("POST", "/access/evaluation", new { principalId = "bob", roleId = "exchange-administrator" }, 401, 404, 403, 403, 200, 200, 403),
        new("GET", "/principals/bob/active-roles", null, 401, 404, 403, 403, 200, 200, 403),
        new("GET", "/audit-events", null, 401, 404, 403, 403, 403, 200, 200),
        new("POST", "/activation-requests/batch", new { roleIds = new[] { "exchange-administrator" }, justification = "x" }, 401, 404, 200, 200, 403, 403, 200),
        new("POST", "/activation-requests/{r}/extend", new { duration = "PT10M" }, 401, 404, 403, 403, 403, 403, 403),
        new("POST", "/activation-requests/{r}/revoke", new { reason = "Left the project" }, 401, 404, 403, 403, 403, 403, 200),
        // Bob's request is no break-glass activation: an administrator may acknowledge, but there is nothing to acknowledge.
        new("POST", "/activation-requests/{r}/acknowledge", new { justification = "Reviewed" }, 401, 404, 403, 403, 403, 403, 409),
        new("GET", "/role-assignments/{bob}/usage", null, 401, 404, 403, 403, 403, 200, 200),
        new("GET", "/scopes", null, 401, 404, 200, 200, 403, 200, 200),
        new("PUT", "/management-groups/mgx", new { displayName = "MG" }, 401, 404, 403, 403, 403, 201, 403),
        new("PUT", "/subscriptions/subx", new { displayName = "Sub" }, 401, 404, 403, 403, 403, 201, 403),
        new("PUT", "/subscriptions/sub1/resource-groups/rgx", new { displayName = "RG" }, 401, 404, 403, 403, 403, 201, 403),
        new("GET", "/management-groups/mg1", null, 401, 404, 200, 200, 403, 200, 200),
        new("GET", "/subscriptions/sub1", null, 401, 404, 200, 200, 403, 200, 200),
        new("GET", "/subscriptions/sub1/resource-groups/rg1", null, 401, 404, 200, 200, 403, 200, 200),
        new("GET", "/sign-ups/directoryRoles", null, 401, 404, 200, 200, 403, 200, 200),
        new("GET", "/webhooks/{webhook}", null, 401, 404, 403, 403, 403, 403, 200),
        new("DELETE", "/webhooks/{webhook}", null, 401, 404, 403, 403, 403, 403, 204),
        new("GET", "/webhooks", null, 401, 404, 403, 403, 403, 403, 200),
        new("POST", "/webhooks", new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "pim.activation.approved" } }, 401, 404, 403, 403, 403, 403, 201),
        // Slack: the shared tenant has no connection (an administrator reading or removing it is told so).
        new("PUT", "/integrations/slack", new { teamId = "T0MATRIX1", botToken = "xoxb-matrix-0123456789", channel = "CMATRIX01" }, 401, 404, 403, 403, 403, 403, 201),
        new("GET", "/integrations/slack", null, 401, 404, 403, 403, 403, 403, 404),
        new("DELETE", "/integrations/slack", null, 401, 404, 403, 403, 403, 403, 404),
        // Slack's interactions: a bearer token counts for nothing there, only Slack's signature (none here).
        new("POST", "~/integrations/slack/interactions", null, 401, 401, 401, 401, 401, 401, 401),
        new("GET", "/notifications", null, 401, 404, 403, 403, 403, 200, 200),
        new("POST", "/notifications/00000000-0000-0000-0000-000000000000/retry", null, 401, 404, 403, 403, 403, 403, 409),
        new("POST", "/access/evaluations", new { evaluations = new[] { new { principalId = "bob", roleId = "exchange-administrator" } } }, 401, 404, 403, 403, 200, 200, 403),
        // AuthZEN: the other tenant's callers name this tenant, and are strangers to it; the platform identities name it.
        new("POST", "~/access/v1/evaluation", AuthZenBody, 401, 404, 403, 403, 200, 200, 403),
        new("POST", "~/access/v1/evaluations", """{"subject":{"type":"user","id":"bob","properties":{"tenantId":"{tenant}"}},"action":{"name":"hold"},"evaluations":[{"resource":{"type":"role","id":"exchange-administrator"}}]}""",
            401, 404, 403, 403, 200, 200, 403),
        new("GET", "~/.well-known/authzen-configuration", null, 200, 200, 200, 200, 200, 200, 200),
        // Governance: PIM administrators manage alerts and reviews; Security Administrators and Readers read them (Alice is
        // all of these); the role administrators review Carol's Helpdesk Administrator ({review}, {instance}); {alert}: the
        // open incident about Helpdesk Administrator's settings, which do not require MFA.
        new("GET", "/alerts", null, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/alerts/{alert}", null, 401, 404, 403, 403, 403, 403, 200),
        new("POST", "/alerts/{alert}/dismiss", new { justification = "Accepted risk" }, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/alert-settings/too-many-global-administrators", null, 401, 404, 403, 403, 403, 403, 200),
        new("PUT", "/alert-settings/too-many-global-administrators", new { enabled = true, maximumCount = 3 }, 401, 404, 403, 403, 403, 403, 428),
        new("POST", "/access-reviews", new { displayName = "Admins", reviewers = "roleAdministrators" }, 401, 404, 403, 403, 403, 403, 201),
        new("GET", "/access-reviews", null, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/access-reviews/{review}", null, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/access-reviews/{review}/instances", null, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/access-reviews/{review}/instances/{instance}", null, 401, 404, 403, 403, 403, 403, 200),
        new("GET", "/access-reviews/{review}/instances/{instance}/items", null, 401, 404, 403, 403, 403, 403, 200),
        new("POST", "/access-reviews/{review}/instances/{instance}/items/{carol}/decision", new { decision = "remove", justification = "Left" },
            401, 404, 403, 403, 403, 403, 200),
        new("GET", "/access-reviews/{review}/instances/{instance}/results", null, 401, 404, 403, 403, 403, 403, 200),
        new("POST", "/access-reviews/{review}/instances/{instance}/apply", null, 401, 404, 403, 403, 403, 403, 409),
        new("POST", "/access-reviews/{review}/instances/{instance}/stop", null, 401, 404, 403, 403, 403, 403, 200),
    });

    private static TheoryData<Row> WithScim(TheoryData<Row> rows)
    {
        // SCIM in the token's tenant: another tenant's operator acts in its own tenant; a platform identity must name one (400).
        foreach (var row in ScimRows("~/scim/v2", new(401, 403, 403, 403, 400, 400, 403, 0))) rows.Add(row);
        // SCIM in the tenant the path names: only its operator (here the platform identity); strangers are told it does not exist.
        foreach (var row in ScimRows("~/scim/v2/tenants/{tenant}", new(401, 404, 403, 403, 403, 0, 403, null))) rows.Add(row);
        return rows;
    }

    /// <summary>Who gets what on SCIM's protected operations; 0 is the operation's success.</summary>
    private sealed record ScimExpectations(int Anonymous, int OtherTenant, int User, int EligibleAdmin, int Evaluator, int Operator, int Admin, int? OtherOperator);

    private const string ScimUser = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"zed","displayName":"Zed"}""";
    private const string ScimGroup = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Zed team"}""";
    private const string ScimPatch = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Renamed"}]}""";

    private static IEnumerable<Row> ScimRows(string root, ScimExpectations e)
    {
        Row Protected(string method, string path, object? body, int success) => new(method, root + path, body, e.Anonymous, e.OtherTenant, e.User,
            e.EligibleAdmin, e.Evaluator, e.Operator == 0 ? success : e.Operator, e.Admin, e.OtherOperator == 0 ? success : e.OtherOperator);
        Row Open(string path) => new("GET", root + path, null, 200, 200, 200, 200, 200, 200, 200);
        return
        [
            Open("/ServiceProviderConfig"), Open("/ResourceTypes"), Open("/ResourceTypes/User"), Open("/Schemas"),
            Open("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group"),
            Protected("GET", "/Users", null, 200),
            Protected("POST", "/Users", ScimUser, 201),
            Protected("GET", "/Users/carol", null, 200),
            Protected("PUT", "/Users/carol", ScimUser.Replace("zed", "carol"), 200),
            Protected("PATCH", "/Users/carol", ScimPatch, 200),
            Protected("DELETE", "/Users/carol", null, 204),
            Protected("GET", "/Groups", null, 200),
            Protected("POST", "/Groups", ScimGroup, 201),
            Protected("GET", "/Groups/team", null, 200),
            Protected("PUT", "/Groups/team", ScimGroup, 200),
            Protected("PATCH", "/Groups/team", ScimPatch, 200),
            Protected("DELETE", "/Groups/team", null, 204),
        ];
    }

    private const string AuthZenBody =
        """{"subject":{"type":"user","id":"bob","properties":{"tenantId":"{tenant}"}},"action":{"name":"hold"},"resource":{"type":"role","id":"exchange-administrator"}}""";

    /// <summary>A tenant as every row finds it: Bob's request pending approval, Dave an eligible Privileged Role Administrator,
    /// Carol an active Helpdesk Administrator.</summary>
    private sealed record Prepared(Scenario S, string Request, string CarolsAssignment, string Webhook, Governed? Governance);

    /// <summary>What the governance rows need: an access review with its instance started, and an open alert.</summary>
    private sealed record Governed(string Review, string Instance, string Alert);

    private static async Task<Prepared> PrepareAsync(PimApp app, bool governance = false)
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        await s.MakeBobEligibleAsync();
        var request = (await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "dave", "privileged-role-administrator", "eligible", HttpStatusCode.Created);
        var carols = (await s.AssignAsync(s.Operator, "carol", "helpdesk-administrator", "active", HttpStatusCode.Created)).Str("id");
        await s.Operator.PutJsonAsync(s.Path("/management-groups/mg1"), new { displayName = "MG" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/sub1"), new { displayName = "Sub", managementGroupId = "mg1" }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/sub1/resource-groups/rg1"), new { displayName = "RG" }).ExpectAsync(HttpStatusCode.Created);
        var webhook = (await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "pim.activation.approved" } })
            .ExpectAsync(HttpStatusCode.Created)).Str("id");
        return new Prepared(await WithTeamAsync(s), request, carols, webhook, governance ? await GovernAsync(app, s) : null);
    }

    /// <summary>A tenant with the group "team", which SCIM's group rows read, change and delete.</summary>
    private static async Task<Scenario> WithTeamAsync(Scenario s)
    {
        await s.Operator.PutJsonAsync(s.Path("/principals/team"), new { kind = "group", displayName = "Team" }).ExpectAsync(HttpStatusCode.Created);
        return s;
    }

    private static async Task<Governed> GovernAsync(PimApp app, Scenario s)
    {
        await s.SetSettingsAsync("helpdesk-administrator", ScenarioSettings.Document(requireMfa: false));
        var review = (await s.Alice.PostJsonAsync(s.Path("/access-reviews"),
            new { displayName = "Helpdesk", roleIds = new[] { "helpdesk-administrator" }, reviewers = "roleAdministrators" }).ExpectAsync(HttpStatusCode.Created)).Str("id");
        // Driven here, for this tenant only: the shared app holds many tenants, which a full governance sweep would evaluate.
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Pim.Domain.AlertService>().EvaluateNowAsync(s.Id, CancellationToken.None);
        for (var i = 0; i < 100 && await scope.ServiceProvider.GetRequiredService<Pim.Domain.AccessReviewService>().SweepAsync(50, CancellationToken.None) > 0; i++) { }
        var instance = (await s.Alice.GetAsync(s.Path($"/access-reviews/{review}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0].Str("id");
        var alert = (await s.Alice.GetAsync(s.Path("/alerts")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(a => a.Str("alertType") == "roles-without-mfa").Str("id");
        return new Governed(review, instance, alert);
    }

    /// <summary>
    /// Built once per store for the whole matrix: the other tenant the strangers come from, and one prepared tenant that
    /// every reading row shares (a GET changes nothing). A row that writes gets a prepared tenant of its own.
    /// </summary>
    private sealed record Shared(Scenario Other, Prepared ForReads);

    private static readonly ConditionalWeakTable<PimApp, Lazy<Task<Shared>>> SharedByApp = new();

    private static Task<Shared> SharedAsync(PimApp app) => SharedByApp.GetValue(app, a => new Lazy<Task<Shared>>(async () =>
        new Shared(await WithTeamAsync(await Scenario.OnboardAsync(a, consent: false)), await PrepareAsync(a, governance: true)))).Value;

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_caller_gets_the_expected_status(Row row)
    {
        var shared = await SharedAsync(app);
        var (s, request, carols, webhook, governed) = row.Method == "GET" ? shared.ForReads
            : await PrepareAsync(app, governance: row.Path.Contains("{review}") || row.Path.Contains("{alert}"));
        // A write in the other tenant's own directory would change it for the rows after: that row gets one of its own.
        var other = row.OtherOperator is not null && row.Method != "GET" ? await WithTeamAsync(await Scenario.OnboardAsync(app, consent: false)) : shared.Other;

        var path = row.Path.StartsWith('~') ? row.Path[1..].Replace("{tenant}", s.Id) : s.Path(row.Path.Replace("{r}", request).Replace("{bob}", s.BobExchangeAssignment)
            .Replace("{carol}", carols).Replace("{webhook}", webhook)
            .Replace("{review}", governed?.Review).Replace("{instance}", governed?.Instance).Replace("{alert}", governed?.Alert));
        var callers = new (string Who, HttpClient Client, int Expected)[]
        {
            ("anonymous", app.Anonymous(), row.Anonymous),
            ("other tenant's Global Administrator", other.Alice, row.OtherTenant),
            ("other tenant's operator", app.Client("sync", other.Id, false, "pim.operator"), row.OtherOperator ?? row.OtherTenant),
            ("other tenant's evaluate-scoped service", app.Client("gateway", other.Id, false, "pim.evaluate"), row.OtherTenant),
            ("plain user", s.Carol, row.User),
            ("eligible-but-inactive administrator", s.User("dave"), row.EligibleAdmin),
            ("evaluate-scoped service", app.Evaluator(), row.Evaluator),
            ("operator", s.Operator, row.Operator),
            ("active administrator", s.Alice, row.Admin),
        };
        foreach (var (who, client, expected) in callers)
        {
            using var message = new HttpRequestMessage(new HttpMethod(row.Method), path);
            if (row.Body is string json) message.Content = new StringContent(json.Replace("{tenant}", s.Id), System.Text.Encoding.UTF8, "application/json");
            else if (row.Body is not null) message.Content = JsonContent.Create(row.Body, options: HttpAssertions.Json);
            using var response = await client.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == expected, $"{row} as {who}: expected {expected}, got {(int)response.StatusCode} {body}");
            if (expected >= 400)
                Assert.Equal(path.StartsWith("/scim/", StringComparison.Ordinal) ? "application/scim+json" : "application/problem+json",
                    response.Content.Headers.ContentType?.MediaType);
        }
    }

    /// <summary>
    /// Owners of groups (issue 24), calling in this order: <c>OwnerOfHarmless</c> is Finn, active owner of "team", which
    /// confers nothing; <c>OwnerOfPrivileged</c> is Carol, active owner of "admins", which holds Global Administrator;
    /// <c>Admin</c> is Alice. Erin is eligible for membership of "admins" ({eligibility}) and holds it, activated ({membership}).
    /// </summary>
    public sealed record GroupOwnerRow(string Method, string Path, object? Body, int OwnerOfPrivileged, int OwnerOfHarmless, int Admin)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    public static TheoryData<GroupOwnerRow> GroupOwnerRows => new()
    {
        new("POST", "/role-assignments", new { principalId = "gil", roleId = "member", scope = "/groups/admins", type = "active" }, 403, 403, 201),
        new("POST", "/role-assignments", new { principalId = "gil", roleId = "member", scope = "/groups/admins", type = "eligible" }, 403, 403, 201),
        new("POST", "/role-assignments", new { principalId = "gil", roleId = "owner", scope = "/groups/admins", type = "active" }, 403, 403, 201),
        new("POST", "/role-assignments", new { principalId = "carol", roleId = "member", scope = "/groups/admins", type = "active" }, 403, 403, 201),
        new("POST", "/role-assignments", new { principalId = "gil", roleId = "member", scope = "/groups/team", type = "active" }, 403, 201, 409),
        new("POST", "/role-assignments", new { principalId = "finn", roleId = "member", scope = "/groups/team", type = "active" }, 403, 403, 201),
        new("POST", "/role-assignments/{eligibility}/make-active", null, 403, 403, 200),
        new("GET", "/roles/member/settings?scope=/groups/admins", null, 200, 200, 200),
        new("PUT", "/roles/member/settings?scope=/groups/admins", ScenarioSettings.Document(requireMfa: false), 428, 403, 428),
        new("POST", "/activation-requests/{membership}/revoke", new { reason = "Not on call" }, 200, 403, 409),
        new("DELETE", "/role-assignments/{eligibility}", null, 204, 403, 404),
    };

    [Theory]
    [MemberData(nameof(GroupOwnerRows))]
    public async Task Each_owner_of_a_group_gets_the_expected_status(GroupOwnerRow row)
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var (id, kind) in new[] { ("admins", "group"), ("team", "group"), ("erin", "user"), ("finn", "user"), ("gil", "user") })
            await s.SyncAsync(id, kind, HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "admins", "global-administrator", "active", HttpStatusCode.Created);
        async Task<string> GrantAsync(string principalId, string roleId, string scope, string type) =>
            (await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId, roleId, scope, type }).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await GrantAsync("carol", "owner", "/groups/admins", "active");
        await GrantAsync("finn", "owner", "/groups/team", "active");
        var eligibility = await GrantAsync("erin", "member", "/groups/admins", "eligible");
        var membership = (await s.User("erin").PostJsonAsync(s.Path("/activation-requests"),
            new { roleId = "member", scope = "/groups/admins", justification = "Incident" }).ExpectAsync(HttpStatusCode.Created)).Str("id");

        var path = s.Path(row.Path.Replace("{eligibility}", eligibility).Replace("{membership}", membership));
        foreach (var (who, client, expected) in new[] { ("owner of a harmless group", s.User("finn"), row.OwnerOfHarmless),
                     ("owner of a privileged group", s.Carol, row.OwnerOfPrivileged), ("active administrator", s.Alice, row.Admin) })
        {
            using var message = new HttpRequestMessage(new HttpMethod(row.Method), path);
            if (row.Body is not null) message.Content = JsonContent.Create(row.Body, options: HttpAssertions.Json);
            using var response = await client.SendAsync(message);
            Assert.True((int)response.StatusCode == expected, $"{row} as {who}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public void Every_operation_of_the_contract_has_a_row()
    {
        var rows = Rows.Cast<object[]>().Select(r => (Row)r[0]).ToList();
        var missing = ContractValidation.Document.Value.Operations
            .Where(o => !rows.Any(r => r.Method == o.Method.ToUpperInvariant() && System.Text.RegularExpressions.Regex.IsMatch(
                r.Path.StartsWith('~') ? r.Path[1..].Replace("{tenant}", "t") : "/v1/tenants/t" + r.Path,
                "^" + System.Text.RegularExpressions.Regex.Replace(o.Path, "\\{[^}]+\\}", "[^/]+") + "$")))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToList();
        Assert.True(missing.Count == 0, "Operations without a row in the authorization matrix:\n" + string.Join("\n", missing));
    }
}
