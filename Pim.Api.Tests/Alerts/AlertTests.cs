using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Domain;

namespace Pim.Api.Tests.Alerts;

[Collection(GovernanceSqliteCollection.Name)]
public sealed class AlertTests_Sqlite(GovernanceSqliteApp app) : AlertTests(app);

[Collection(GovernancePostgresCollection.Name)]
public sealed class AlertTests_Postgres(GovernancePostgresApp app) : AlertTests(app);

/// <summary>
/// Security alerts: each condition raises an incident about its subject (a role at a scope) with what it affects and the
/// recommended action, once, on the background schedule; a new incident is audited, emailed to the Privileged Role and
/// Security Administrators and sent as pim.alert.raised; it resolves itself when the condition clears.
/// </summary>
public abstract class AlertTests(PimApp app)
{
    private static JsonElement Single(JsonElement[] alerts, string alertType, string? roleId = null) =>
        Assert.Single(alerts, a => a.Str("alertType") == alertType && (roleId is null || a.Str("roleId") == roleId));

    private static string[] Principals(JsonElement alert) =>
        [.. alert.GetProperty("affectedItems").EnumerateArray().Select(i => i.Str("principalId")).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_new_incident_is_raised_once_emailed_sent_as_a_webhook_and_resolved_when_its_condition_clears()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var s = await Scenario.OnboardAsync(app);
        await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = receiver.Url, eventTypes = new[] { "pim.alert.raised" } }).ExpectAsync(HttpStatusCode.Created);
        await s.SyncUserAsync("gina");
        var ginas = await s.AssignAsync(s.Alice, "gina", "global-administrator", "eligible", HttpStatusCode.Created);
        await s.SetAlertAsync(AlertTypes.TooManyGlobalAdministrators, new { enabled = true, maximumCount = 1 });
        Assert.Empty(await s.AlertsAsync()); // evaluated in the background, not on the request
        await app.SweepGovernanceAsync();

        var alert = Single(await s.AlertsAsync(), AlertTypes.TooManyGlobalAdministrators);
        Assert.Equal(("open", "global-administrator", "/", 2), (alert.Str("status"), alert.Str("roleId"), alert.Str("scope"), alert.GetProperty("affectedCount").GetInt32()));
        Assert.Equal(["alice", "gina"], Principals(alert));
        Assert.Equal("Too many Global Administrators", alert.Str("displayName"));
        Assert.Contains("at most 1", alert.Str("description"));
        Assert.False(string.IsNullOrEmpty(alert.Str("recommendedAction")));
        Assert.Equal(alert.Str("id"), (await s.Alice.GetAsync(s.Path($"/alerts/{alert.Str("id")}")).ExpectAsync(HttpStatusCode.OK)).Str("id"));

        // Evaluated again an hour later, and by another sweep: the incident is already open, nothing new is raised.
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        await app.SweepGovernanceAsync();
        Assert.Single(await s.AlertsAsync());
        var raised = Assert.Single((await s.AuditAsync("action=alert.raised")).EnumerateArray());
        Assert.Equal(("system", "alert", alert.Str("id")), (raised.Str("actorKind"), raised.Str("targetType"), raised.Str("targetId")));

        await app.DispatchAllAsync();
        var mail = Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject == "PIM alert: Too many Global Administrators");
        Assert.Contains(alert.Str("id"), mail.TextBody);
        Assert.Contains("Recommended action:", mail.TextBody);
        Assert.DoesNotContain(app.MailTo(s.Address("gina")), m => m.Subject!.StartsWith("PIM alert"));
        var delivery = Assert.Single(receiver.Deliveries);
        var cloudEvent = JsonSerializer.Deserialize<JsonElement>(delivery.Body);
        Assert.Equal(("pim.alert.raised", $"alert/{alert.Str("id")}"), (cloudEvent.Str("type"), cloudEvent.Str("subject")));

        // The condition clears: the incident resolves itself, audited; it is no longer open but can be read.
        await s.Alice.DeleteAsync(s.Path($"/role-assignments/{ginas.Str("id")}")).ExpectAsync(HttpStatusCode.NoContent);
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.Empty(await s.AlertsAsync());
        var resolved = Single(await s.AlertsAsync("status=resolved"), AlertTypes.TooManyGlobalAdministrators);
        Assert.Equal((alert.Str("id"), 0), (resolved.Str("id"), resolved.GetProperty("affectedCount").GetInt32()));
        Assert.Single(await s.AuditActionsAsync("action=alert.resolved"));
    }

    [Fact]
    public async Task Roles_whose_settings_do_not_require_mfa_are_alerted_until_mfa_is_required_again()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireMfa: false));
        await app.SweepGovernanceAsync();
        var alert = Single(await s.AlertsAsync(), AlertTypes.RolesWithoutMfa);
        Assert.Equal(("exchange-administrator", "/"), (alert.Str("roleId"), alert.Str("scope")));
        var item = Assert.Single(alert.GetProperty("affectedItems").EnumerateArray());
        Assert.Equal(("bob", "Bob", s.BobExchangeAssignment, "eligible"), (item.Str("principalId"), item.Str("principalDisplayName"), item.Str("assignmentId"), item.Str("assignmentType")));

        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireMfa: true));
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.RolesWithoutMfa);
    }

    [Fact]
    public async Task Standing_access_directory_sync_creates_after_sign_up_is_alerted_as_assigned_outside_pim()
    {
        var s = await Scenario.OnboardAsync(app); // Alice's and Bob's standing roles were synced before the tenant signed up
        app.Time.Advance(TimeSpan.FromMinutes(5));
        var carols = await s.AssignAsync(s.Operator, "carol", "helpdesk-administrator", "active", HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "active", HttpStatusCode.Created); // through Pim
        await app.SweepGovernanceAsync();
        var alert = Single(await s.AlertsAsync(), AlertTypes.RolesAssignedOutsidePim);
        Assert.Equal("helpdesk-administrator", alert.Str("roleId"));
        Assert.Equal(carols.Str("id"), Assert.Single(alert.GetProperty("affectedItems").EnumerateArray()).Str("assignmentId"));

        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{carols.Str("id")}/make-eligible")).ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.RolesAssignedOutsidePim);
    }

    [Fact]
    public async Task A_principal_activating_a_role_too_often_within_the_window_is_alerted()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetAlertAsync(AlertTypes.RolesActivatedTooFrequently, new { enabled = true, maximumCount = 2, period = "PT12H" });
        for (var i = 0; i < 3; i++)
        {
            var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
            await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/deactivate")).ExpectAsync(HttpStatusCode.OK);
            app.Time.Advance(TimeSpan.FromMinutes(10));
        }
        await app.SweepGovernanceAsync();
        var alert = Single(await s.AlertsAsync(), AlertTypes.RolesActivatedTooFrequently);
        var item = Assert.Single(alert.GetProperty("affectedItems").EnumerateArray());
        Assert.Equal(("bob", 3), (item.Str("principalId"), item.GetProperty("count").GetInt32()));
        Assert.Contains("more than 2 time(s) within PT12H", alert.Str("description"));

        app.Time.Advance(TimeSpan.FromHours(12)); // the activations leave the window
        await app.SweepGovernanceAsync();
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.RolesActivatedTooFrequently);
    }

    [Fact]
    public async Task Privileged_assignments_neither_activated_nor_used_within_the_period_are_alerted()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("helpdesk-administrator", ScenarioSettings.Document(requireMfa: false, requireJustification: false));
        var carols = await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created);
        app.Time.Advance(TimeSpan.FromDays(31));
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);   // Bob activates his eligibility
        await s.AlertsAsync();                                               // Alice's standing roles authorize her: a use
        await app.SweepGovernanceAsync();

        var unused = (await s.AlertsAsync()).Where(a => a.Str("alertType") == AlertTypes.UnusedPrivilegedRoles).ToList();
        var alert = Assert.Single(unused);
        Assert.Equal("helpdesk-administrator", alert.Str("roleId"));
        var item = Assert.Single(alert.GetProperty("affectedItems").EnumerateArray());
        Assert.Equal((carols.Str("id"), JsonValueKind.Null), (item.Str("assignmentId"), item.GetProperty("lastActivityAt").ValueKind));

        await s.ActivateAsync(s.Carol, roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created);
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.UnusedPrivilegedRoles);
    }

    [Fact]
    public async Task Privileged_principals_pim_has_not_seen_within_the_period_are_potential_stale_accounts()
    {
        var s = await Scenario.OnboardAsync(app);
        app.Time.Advance(TimeSpan.FromDays(91));
        await s.AlertsAsync(); // Alice's token calls Pim: she is seen
        await app.SweepGovernanceAsync();
        var alert = Single(await s.AlertsAsync(), AlertTypes.StaleAccountsInPrivilegedRoles);
        Assert.Equal("exchange-administrator", alert.Str("roleId"));
        var item = Assert.Single(alert.GetProperty("affectedItems").EnumerateArray());
        Assert.Equal(("bob", JsonValueKind.Null), (item.Str("principalId"), item.GetProperty("lastActivityAt").ValueKind));
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.StaleAccountsInPrivilegedRoles && a.Str("roleId") == "global-administrator");

        // A service asking about Bob does not make him seen; Bob's own token does.
        await s.EvaluateAsync("bob", "exchange-administrator");
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.Single(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.StaleAccountsInPrivilegedRoles);
        await s.Bob.GetAsync(s.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.StaleAccountsInPrivilegedRoles);
    }

    [Fact]
    public async Task A_resource_scope_with_too_many_owners_and_permanent_owners_is_alerted()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/subscriptions/prod"), new { displayName = "Production" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var name in new[] { "o1", "o2", "o3", "o4" })
        {
            await s.SyncUserAsync(name);
            await s.Operator.PostJsonAsync(s.Path("/role-assignments"), new { principalId = name, roleId = "owner", scope = "/subscriptions/prod", type = "active" })
                .ExpectAsync(HttpStatusCode.Created);
        }
        await app.SweepGovernanceAsync();
        var alerts = await s.AlertsAsync();
        var owners = Single(alerts, AlertTypes.TooManyOwners);
        Assert.Equal(("owner", "/subscriptions/prod", 4), (owners.Str("roleId"), owners.Str("scope"), owners.GetProperty("affectedCount").GetInt32()));
        Assert.Equal(["o1", "o2", "o3", "o4"], Principals(owners));
        Assert.Equal(4, Single(alerts, AlertTypes.TooManyPermanentOwners).GetProperty("affectedCount").GetInt32());
    }

    [Fact]
    public async Task A_dismissed_incident_is_not_raised_again_until_its_condition_clears_and_only_pim_administrators_dismiss()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncUserAsync("sara");
        await s.AssignAsync(s.Alice, "sara", "security-reader", "active", HttpStatusCode.Created);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireMfa: false));
        await app.SweepGovernanceAsync();
        var id = Single(await s.AlertsAsync(), AlertTypes.RolesWithoutMfa).Str("id");

        // Security Readers read alerts; neither they nor plain users dismiss; a dismissal needs a justification.
        Assert.Single((await s.User("sara").GetAsync(s.Path("/alerts")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await s.Carol.GetAsync(s.Path("/alerts")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.User("sara").PostJsonAsync(s.Path($"/alerts/{id}/dismiss"), new { justification = "fine" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Carol.PostJsonAsync(s.Path($"/alerts/{id}/dismiss"), new { justification = "fine" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Alice.PostJsonAsync(s.Path($"/alerts/{id}/dismiss"), new { justification = "" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var dismissed = await s.Alice.PostJsonAsync(s.Path($"/alerts/{id}/dismiss"), new { justification = "Break-glass role, by design" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("dismissed", "alice", "Break-glass role, by design"), (dismissed.Str("status"), dismissed.Str("dismissedBy"), dismissed.Str("justification")));
        await s.Alice.PostJsonAsync(s.Path($"/alerts/{id}/dismiss"), new { justification = "again" }).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        var audited = Assert.Single((await s.AuditAsync("action=alert.dismissed")).EnumerateArray());
        Assert.Equal(("alice", "Break-glass role, by design"), (audited.Str("actorId"), audited.Str("justification")));

        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.DoesNotContain(await s.AlertsAsync(), a => a.Str("alertType") == AlertTypes.RolesWithoutMfa);
        Assert.Equal(id, Single(await s.AlertsAsync("status=dismissed"), AlertTypes.RolesWithoutMfa).Str("id"));

        // Cleared, then back: a new incident.
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireMfa: true));
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.Empty(await s.AlertsAsync("status=dismissed"));
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireMfa: false));
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepGovernanceAsync();
        Assert.NotEqual(id, Single(await s.AlertsAsync(), AlertTypes.RolesWithoutMfa).Str("id"));
        Assert.Equal(2, (await s.AuditActionsAsync("action=alert.raised")).Length);
    }

    [Fact]
    public async Task Alert_settings_have_defaults_an_etag_and_turning_an_alert_off_resolves_its_incidents()
    {
        var s = await Scenario.OnboardAsync(app);
        using (var read = await s.Alice.GetAsync(s.Path($"/alert-settings/{AlertTypes.TooManyGlobalAdministrators}")))
        {
            var defaults = await read.ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("\"0\"", read.Headers.ETag!.ToString());
            Assert.Equal((true, 5, JsonValueKind.Null), (defaults.GetProperty("enabled").GetBoolean(), defaults.GetProperty("maximumCount").GetInt32(),
                defaults.GetProperty("period").ValueKind));
        }
        var stale = (await s.Alice.GetAsync(s.Path($"/alert-settings/{AlertTypes.UnusedPrivilegedRoles}")).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal("P30D", stale.Str("period"));
        var path = s.Path($"/alert-settings/{AlertTypes.TooManyGlobalAdministrators}");
        await s.Alice.PutJsonAsync(path, new { enabled = true, maximumCount = 1 }).ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "precondition-required");
        await Put(path, "\"7\"", new { enabled = true, maximumCount = 1 }).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        await Put(path, "\"0\"", new { enabled = true, period = "P1D" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await Put(path, "\"0\"", new { enabled = true, maximumCount = 0 }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await Put(path, "\"0\"", new { enabled = true, maximumCount = 1, alertType = "roles-without-mfa" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "read-only-field");
        await s.Carol.GetAsync(path).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var changed = await Put(path, "\"0\"", new { enabled = true, maximumCount = 1 }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, changed.GetProperty("maximumCount").GetInt32());
        var audit = Assert.Single((await s.AuditAsync("action=alertSettings.updated")).EnumerateArray());
        Assert.Contains("\"maximumCount\":5", audit.Str("details"));
        Assert.Contains("\"maximumCount\":1", audit.Str("details"));

        await s.SyncUserAsync("gina");
        await s.AssignAsync(s.Alice, "gina", "global-administrator", "eligible", HttpStatusCode.Created);
        await app.SweepGovernanceAsync();
        Single(await s.AlertsAsync(), AlertTypes.TooManyGlobalAdministrators);
        // Turned off (maximumCount left out keeps its default): the open incident resolves at the next sweep, which the change makes due.
        var off = await Put(path, "\"1\"", new { enabled = false }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((false, 5), (off.GetProperty("enabled").GetBoolean(), off.GetProperty("maximumCount").GetInt32()));
        await app.SweepGovernanceAsync();
        Assert.Empty(await s.AlertsAsync());

        Task<HttpResponseMessage> Put(string at, string etag, object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, at) { Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpAssertions.Json) };
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            return s.Alice.SendAsync(request);
        }
    }

    [Fact]
    public async Task Two_replicas_sweeping_at_once_raise_an_incident_once()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireMfa: false));
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        async Task Sweep() { while (await Pim.Infrastructure.SweeperService.SweepGovernanceOnceAsync(scopes, CancellationToken.None) > 0) { } }
        await Task.WhenAll(Sweep(), Sweep(), Sweep());
        Single(await s.AlertsAsync(), AlertTypes.RolesWithoutMfa);
        Assert.Single(await s.AuditActionsAsync("action=alert.raised"));
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject!.StartsWith("PIM alert"));
    }

    [Fact]
    public async Task Another_tenants_callers_learn_nothing_of_a_tenants_alerts()
    {
        var s = await Scenario.OnboardAsync(app);
        var other = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireMfa: false));
        await app.SweepGovernanceAsync();
        var id = Single(await s.AlertsAsync(), AlertTypes.RolesWithoutMfa).Str("id");
        // The other tenant's Global Administrator, in this tenant's path, and with this tenant's incident in its own.
        await other.Alice.GetAsync(s.Path("/alerts")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await other.Alice.PostJsonAsync(s.Path($"/alerts/{id}/dismiss"), new { justification = "mine now" }).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await other.Alice.GetAsync(other.Path($"/alerts/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await other.Alice.PostJsonAsync(other.Path($"/alerts/{id}/dismiss"), new { justification = "x" }).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal("open", (await s.Alice.GetAsync(s.Path($"/alerts/{id}")).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        // Before consent there are no alerts to read.
        var fresh = await Scenario.OnboardAsync(app, consent: false);
        await fresh.Alice.GetAsync(fresh.Path("/alerts")).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
    }
}
