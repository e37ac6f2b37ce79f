using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Console;

[Collection(SqliteCollection.Second)]
public sealed class ConsoleAdministrationTests_Sqlite(SqliteApp app) : ConsoleAdministrationTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ConsoleAdministrationTests_Postgres(PostgresApp app) : ConsoleAdministrationTests(app);

/// <summary>Administration in the console: consent and sign-up in the brief's order, make eligible with its preview, role settings whose conflicts are shown.</summary>
public abstract class ConsoleAdministrationTests(PimApp app)
{
    [Fact]
    public async Task Alice_consents_then_signs_up_then_makes_Bob_eligible_after_a_preview_that_changes_nothing()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);
        var admin = $"/console/t/{s.Id}/admin";
        var (_, before) = await alice.GetAsync(admin, HttpStatusCode.OK);
        Assert.Contains("<fieldset disabled=\"disabled\"", before);
        Assert.Contains("Available once the tenant has consented.", ConsoleClient.Text(before));
        // My roles answers that the tenant is not set up, and leads an administrator here.
        var (_, notYet) = await alice.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.Conflict);
        Assert.Contains($"href=\"{admin}\"", notYet);

        var (consented, _) = await alice.SubmitAsync(admin, admin + "?handler=Consent");
        Assert.Equal(HttpStatusCode.Redirect, consented.StatusCode);
        var (_, after) = await alice.GetAsync(admin, HttpStatusCode.OK);
        Assert.DoesNotContain("<fieldset disabled", after);
        Assert.Contains("consent by alice", ConsoleClient.Text(after));
        var (signedUp, _) = await alice.SubmitAsync(admin, admin + "?handler=SignUp", ("Area", "directoryRoles"));
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        var audit = await s.AuditActionsAsync();
        Assert.Single(audit, a => a == "consent.granted");
        Assert.Single(audit, a => a == "signUp.created");

        var role = $"/console/t/{s.Id}/admin/roles/exchange-administrator";
        var (preview, previewPage) = await alice.SubmitAsync(role, role + "?handler=MakeEligible", ("AssignmentId", s.BobExchangeAssignment));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("Make Bob eligible?", ConsoleClient.Text(previewPage));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        var (confirmed, _) = await alice.SubmitAsync(role, role + "?handler=MakeEligible", ("AssignmentId", s.BobExchangeAssignment), ("Confirm", "true"));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        var (_, members) = await alice.GetAsync(role, HttpStatusCode.OK);
        Assert.Contains("Bob (bob) Eligible", ConsoleClient.Text(members));
        Assert.Single(await s.AuditActionsAsync("action=assignment.madeEligible"));
    }

    [Fact]
    public async Task A_settings_change_made_meanwhile_is_shown_with_what_the_administrator_chose_and_not_overwritten_unseen()
    {
        var s = await Scenario.OnboardAsync(app);
        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);
        var settings = $"/console/t/{s.Id}/admin/roles/exchange-administrator/settings";
        var (_, form) = await alice.GetAsync(settings, HttpStatusCode.OK);
        Assert.Contains("name=\"Version\" value=\"0\"", form);
        // Meanwhile, through the API: at most two hours.
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(maximumDuration: "PT2H"));

        var fields = new[] { ("Scope", "/"), ("Version", "0"), ("MaximumDuration", "PT1H"), ("RequireMfa", "true"), ("RequireJustification", "true"),
            ("RequireTicket", "true"), ("RequireApproval", "true"), ("Approvers", "") };
        using var stale = await alice.PostAsync(settings, ConsoleClient.TokenOf(form), fields);
        var page = await stale.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Contains("Someone else changed these settings", ConsoleClient.Text(page));
        Assert.Contains("Require approval: yes", ConsoleClient.Text(page));
        Assert.Contains("name=\"Version\" value=\"1\"", page);
        Assert.Contains("<option value=\"PT2H\" selected=\"selected\">", page);
        var read = await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(read.GetProperty("activation").GetProperty("requireTicket").GetBoolean());

        using var saved = await alice.PostAsync(settings, ConsoleClient.TokenOf(page), fields.Select(f => f.Item1 == "Version" ? ("Version", "1") : f).ToArray());
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        read = await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(read.GetProperty("activation").GetProperty("requireTicket").GetBoolean());
        Assert.True(read.GetProperty("activation").GetProperty("requireApproval").GetBoolean());
        Assert.Equal("PT1H", read.GetProperty("activation").GetProperty("maximumDuration").GetString());
    }

    [Fact]
    public async Task Alice_reads_and_dismisses_an_alert_and_reads_the_audit_filtered_and_as_csv_that_runs_no_formula()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SyncUserAsync("gina");
        await s.AssignAsync(s.Alice, "gina", "global-administrator", "eligible", HttpStatusCode.Created);
        await s.SetAlertAsync(Pim.Domain.AlertTypes.TooManyGlobalAdministrators, new { enabled = true, maximumCount = 1 });
        await app.SweepGovernanceAsync();
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob, justification: "=HYPERLINK(\"https://evil.example\")").ExpectAsync(HttpStatusCode.Created);
        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);

        var alerts = $"/console/t/{s.Id}/admin/alerts";
        var (_, page) = await alice.GetAsync(alerts, HttpStatusCode.OK);
        Assert.Contains("Too many Global Administrators", ConsoleClient.Text(page));
        Assert.Contains("gina", ConsoleClient.Text(page));
        var incident = System.Text.RegularExpressions.Regex.Match(page, "name=\"IncidentId\" value=\"([^\"]+)\"").Groups[1].Value;
        var (dismissed, _) = await alice.SubmitAsync(alerts, alerts + "?handler=Dismiss", ("IncidentId", incident), ("Justification", "Gina covers the holidays"));
        Assert.Equal(HttpStatusCode.Redirect, dismissed.StatusCode);
        var (_, after) = await alice.GetAsync(alerts, HttpStatusCode.OK);
        Assert.Contains("No open alert.", ConsoleClient.Text(after));
        Assert.Single(await s.AuditActionsAsync("action=alert.dismissed"));

        var audit = $"/console/t/{s.Id}/admin/audit";
        var (_, all) = await alice.GetAsync(audit + "?PrincipalId=bob&Action=activation.activated", HttpStatusCode.OK);
        var text = ConsoleClient.Text(all);
        Assert.Contains("activation.activated", text);
        Assert.DoesNotContain("alert.dismissed", text);
        Assert.Contains("=HYPERLINK", text);
        var (csv, body) = await alice.GetAsync(audit + "?handler=csv&PrincipalId=bob", HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"'=HYPERLINK(\"\"https://evil.example\"\")\"", body);
        Assert.DoesNotContain("alert.dismissed", body);
        // Carol reads neither.
        var carol = await ConsoleClient.SignInAsync(app, "carol", s.Id);
        await carol.GetAsync(audit, HttpStatusCode.Forbidden);
        await carol.GetAsync(audit + "?handler=csv", HttpStatusCode.Forbidden);
        await carol.GetAsync(alerts, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Alice_decides_review_items_from_her_emails_link_then_stops_the_instance_early_and_Carol_can_do_neither()
    {
        var s = await Scenario.OnboardAsync(app);
        var carols = (await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created)).Str("id");
        var review = (await s.Alice.PostJsonAsync(s.Path("/access-reviews"), new
        {
            displayName = "Quarterly <b>admin</b> review", roleIds = new[] { "exchange-administrator", "helpdesk-administrator" }, reviewers = "roleAdministrators",
            justificationRequired = true, defaultDecision = "remove",
        }).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await app.SweepGovernanceAsync();
        var instance = (await s.Alice.GetAsync(s.Path($"/access-reviews/{review}/instances")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0].Str("id");

        // The email links to the page where Alice decides.
        await app.DispatchAllAsync();
        var started = Assert.Single(app.MailTo(s.Address("alice")), m => (m.Subject ?? "").EndsWith("started"));
        var page = $"/console/t/{s.Id}/reviews/{review}/{instance}";
        Assert.Contains($"Decide in Pim Console: {PimApp.ConsolePublicUrl}{page}\n", started.TextBody);
        var alice = await ConsoleClient.SignInAsync(app, "alice", s.Id);
        var (_, items) = await alice.GetAsync(page, HttpStatusCode.OK);
        Assert.Contains("Quarterly &lt;b&gt;admin&lt;/b&gt; review", items);
        Assert.Contains("Carol (carol): helpdesk-administrator", ConsoleClient.Text(items));
        Assert.Contains("Pim recommends", ConsoleClient.Text(items));

        // Carol, no reviewer, neither reads nor decides; a decision without the justification the review requires is refused on its field.
        var carol = await ConsoleClient.SignInAsync(app, "carol", s.Id);
        var (_, refused) = await carol.GetAsync(page, HttpStatusCode.Forbidden);
        using (var forged = await carol.PostAsync(page + "?handler=Decide", ConsoleClient.TokenOf(refused), ("AssignmentId", s.BobExchangeAssignment), ("Decision", "remove")))
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var (unjustified, body) = await alice.SubmitAsync(page, page + "?handler=Decide", ("AssignmentId", carols), ("Decision", "remove"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unjustified.StatusCode);
        Assert.Contains("requires a justification", ConsoleClient.Text(body));
        var (kept, _) = await alice.SubmitAsync(page, page + "?handler=Decide", ("AssignmentId", s.BobExchangeAssignment), ("Decision", "keep"),
            ("Justification", "Bob runs Exchange"));
        Assert.Equal(HttpStatusCode.Redirect, kept.StatusCode);
        var (_, after) = await alice.GetAsync(page, HttpStatusCode.OK);
        Assert.Contains("Decided: keep by alice — Bob runs Exchange", ConsoleClient.Text(after));
        Assert.Equal("alice", Assert.Single((await s.AuditAsync("action=accessReview.decided")).EnumerateArray()).Str("actorId"));

        // Administration lists the review; Carol cannot stop it, Alice stops it early and the undecided item takes the default.
        var reviews = $"/console/t/{s.Id}/admin/reviews";
        var (_, list) = await alice.GetAsync(reviews, HttpStatusCode.OK);
        Assert.Contains("1 of 2 (1 keep, 0 remove, 0 removed)", ConsoleClient.Text(list));
        await carol.GetAsync(reviews, HttpStatusCode.Forbidden);
        using (var forged = await carol.PostAsync(reviews + "?handler=Stop", ConsoleClient.TokenOf(refused), ("ReviewId", review), ("InstanceId", instance)))
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(await s.AuditActionsAsync("action=accessReview.stopped"));
        var (stopped, _) = await alice.SubmitAsync(reviews, reviews + "?handler=Stop", ("ReviewId", review), ("InstanceId", instance));
        Assert.Equal(HttpStatusCode.Redirect, stopped.StatusCode);
        var (_, ended) = await alice.GetAsync(reviews, HttpStatusCode.OK);
        Assert.Contains("Instance 1 stopped: undecided items took the default (1 kept, 1 to remove, 0 removed).", ConsoleClient.Text(ended));
        Assert.Contains("Apply results", ConsoleClient.Text(ended));
        Assert.Equal("alice", Assert.Single((await s.AuditAsync("action=accessReview.stopped")).EnumerateArray()).Str("actorId"));
        var (again, message) = await alice.SubmitAsync(reviews, reviews + "?handler=Stop", ("ReviewId", review), ("InstanceId", instance));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("there is nothing to stop", ConsoleClient.Text(message));
        var (applied, _) = await alice.SubmitAsync(reviews, reviews + "?handler=Apply", ("ReviewId", review), ("InstanceId", instance));
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        await s.Alice.GetAsync(s.Path($"/role-assignments/{carols}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Dana_an_Owner_of_a_subscription_assigns_roles_there_from_her_roles_page_and_nowhere_else_and_Carol_nowhere()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var sub in new[] { "sub1", "sub2" })
        {
            await s.Operator.PutJsonAsync(s.Path($"/subscriptions/{sub}"), new { displayName = sub }).ExpectAsync(HttpStatusCode.Created);
            await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "resources", scope = $"/subscriptions/{sub}" }).ExpectAsync(HttpStatusCode.Created);
        }
        await s.SyncUserAsync("dana");
        await s.SyncUserAsync("eve");
        await s.Operator.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "dana", roleId = "owner", scope = "/subscriptions/sub1", type = "active" })
            .ExpectAsync(HttpStatusCode.Created);

        var dana = await ConsoleClient.SignInAsync(app, "dana", s.Id);
        var (_, mine) = await dana.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        var scope = $"/console/t/{s.Id}/scope?scope=%2Fsubscriptions%2Fsub1";
        Assert.Contains($"href=\"{scope}\"", mine);
        var (_, page) = await dana.GetAsync(scope, HttpStatusCode.OK);
        Assert.Contains("<code>contributor</code>", page);
        Assert.DoesNotContain("exchange-administrator", page); // directory roles are administered at '/', in Administration
        var action = $"/console/t/{s.Id}/scope?handler=Assign";
        var (assigned, _) = await dana.SubmitAsync(scope, action, ("Scope", "/subscriptions/sub1"), ("PrincipalId", "eve"), ("RoleId", "contributor"), ("Type", "eligible"));
        Assert.Equal(HttpStatusCode.Redirect, assigned.StatusCode);
        var created = Assert.Single((await s.AuditAsync("action=assignment.created&principalId=eve")).EnumerateArray());
        Assert.Equal(("dana", "contributor", "/subscriptions/sub1"), (created.Str("actorId"), created.Str("roleId"), created.Str("scope")));

        // Not at a scope she does not own, nor a directory role; Carol nowhere: refused as the API refuses their tokens, nothing assigned.
        var (elsewhere, _) = await dana.SubmitAsync(scope, action, ("Scope", "/subscriptions/sub2"), ("PrincipalId", "eve"), ("RoleId", "contributor"), ("Type", "eligible"));
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        var carol = await ConsoleClient.SignInAsync(app, "carol", s.Id);
        var (carols, _) = await carol.SubmitAsync(scope, action, ("Scope", "/subscriptions/sub1"), ("PrincipalId", "carol"), ("RoleId", "owner"), ("Type", "active"));
        Assert.Equal(HttpStatusCode.Forbidden, carols.StatusCode);
        var (_, hers) = await carol.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.OK);
        Assert.DoesNotContain("Manage roles at this scope", hers);
        Assert.Single((await s.AuditAsync("action=assignment.created&principalId=eve")).EnumerateArray());
        Assert.Empty((await s.AuditAsync("action=assignment.created&principalId=carol")).EnumerateArray());
    }

    [Fact]
    public async Task Carol_cannot_reach_administration_nor_act_in_it()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        var carol = await ConsoleClient.SignInAsync(app, "carol", s.Id);
        var (_, refused) = await carol.GetAsync($"/console/t/{s.Id}/admin", HttpStatusCode.Forbidden);
        Assert.Contains("Administration requires an active Global Administrator", ConsoleClient.Text(refused));
        var (_, roles) = await carol.GetAsync($"/console/t/{s.Id}/my-roles", HttpStatusCode.Conflict);
        using var consent = await carol.PostAsync($"/console/t/{s.Id}/admin?handler=Consent", ConsoleClient.TokenOf(roles));
        Assert.Equal(HttpStatusCode.Forbidden, consent.StatusCode);
        using var settings = await carol.PostAsync($"/console/t/{s.Id}/admin/roles/exchange-administrator/settings", ConsoleClient.TokenOf(roles),
            ("Scope", "/"), ("Version", "0"), ("MaximumDuration", "PT8H"));
        Assert.NotEqual(HttpStatusCode.Redirect, settings.StatusCode);
        var consentNow = await s.Alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(consentNow.GetProperty("consented").GetBoolean());
    }
}
