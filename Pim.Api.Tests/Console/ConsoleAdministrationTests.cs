using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Console;

[Collection(SqliteCollection.Name)]
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
