using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Domain;

namespace Pim.Api.Tests.Notifications;

[Collection(SqliteCollection.Name)]
public sealed class EmailNotificationTests_Sqlite(SqliteApp app) : EmailNotificationTests(app);

[Collection(PostgresCollection.Name)]
public sealed class EmailNotificationTests_Postgres(PostgresApp app) : EmailNotificationTests(app);

/// <summary>Who is emailed what, through the outbox.</summary>
public abstract class EmailNotificationTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    [Fact]
    public async Task An_activation_emails_the_role_administrators_and_additional_recipients()
    {
        var s = await Scenario.OnboardAsync(app);
        var settings = ScenarioSettings.Document(requireTicket: true);
        await s.SetSettingsAsync("exchange-administrator", JsonSerializer.Deserialize<JsonElement>(JsonSerializer.Serialize(settings)
            .Replace("\"additionalRecipients\":[]", $"\"additionalRecipients\":[\"soc@{s.Id}.example\"]")));
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob, ticket: new { number = "CHG-77", system = "Jira" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Empty(app.MailTo(s.Address("alice"))); // nothing is sent before the dispatcher runs
        await app.DispatchAllAsync();

        var mail = Assert.Single(app.MailTo(s.Address("alice")), m => (m.Subject ?? "").Contains("activated"));
        Assert.Equal("PIM: Bob activated Exchange Administrator", mail.Subject);
        var body = mail.TextBody;
        foreach (var expected in new[] { "Exchange Administrator", "Bob (bob)", "Scope: /", "Justification: Mailbox migration", "CHG-77 (Jira)",
                     $"Request id: {request.Str("id")}", "Start: ", "End: " })
            Assert.Contains(expected, body);
        Assert.Contains(s.Address("soc"), mail.To.Mailboxes.Select(m => m.Address));
        Assert.DoesNotContain(app.MailTo(s.Address("carol")), m => (m.Subject ?? "").Contains("activated"));
    }

    [Fact]
    public async Task Approvers_hear_of_a_waiting_request_and_the_requester_of_the_decision()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true));
        await s.MakeBobEligibleAsync();
        var request = await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await app.DispatchAllAsync();
        var waiting = Assert.Single(app.MailTo(s.Address("alice")), m => (m.Subject ?? "").StartsWith("PIM: approval needed"));
        Assert.Equal("PIM: approval needed for Bob to activate Exchange Administrator", waiting.Subject);
        Assert.Contains(request.Str("id"), waiting.TextBody);
        Assert.DoesNotContain(app.MailTo(s.Address("bob")), m => (m.Subject ?? "").StartsWith("PIM: approval needed"));

        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{request.Str("id")}/deny"), new { justification = "No ticket" }).ExpectAsync(HttpStatusCode.OK);
        await app.DispatchAllAsync();
        var decision = app.MailTo(s.Address("bob")).Single(m => m.Subject?.Contains("denied") == true);
        Assert.Contains("No ticket", decision.TextBody);
    }

    [Fact]
    public async Task A_request_that_times_out_is_recorded_once_by_the_sweeper_and_the_requester_told()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireApproval: true, approvalTimeout: "PT1H"));
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepAsync();
        await app.SweepAsync();
        Assert.Single(await s.AuditActionsAsync("action=activation.timedOut"));
        Assert.Equal(AuditEvent.SystemActor, (await s.AuditAsync("action=activation.timedOut"))[0].Str("actorId"));
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("bob")), m => m.Subject == "PIM: your activation of Exchange Administrator was timed out without a decision");
    }

    [Fact]
    public async Task A_scheduled_activation_is_recorded_as_started_and_then_expired()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob, startsAt: Now.AddHours(1)).ExpectAsync(HttpStatusCode.Created);
        await app.DispatchAllAsync();
        Assert.DoesNotContain(app.MailTo(s.Address("alice")), m => m.Subject?.Contains("activated") == true);
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepAsync();
        Assert.Single(await s.AuditActionsAsync("action=activation.activated"));
        await app.DispatchAllAsync();
        Assert.Single(app.MailTo(s.Address("alice")), m => m.Subject == "PIM: Bob activated Exchange Administrator");
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepAsync();
        Assert.Single(await s.AuditActionsAsync("action=activation.expired"));
    }

    [Fact]
    public async Task A_new_assignment_emails_the_assignee_and_recipients_without_email_are_skipped()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.Created, endsAt: Now.AddDays(30));
        await s.Operator.PutJsonAsync(s.Path("/principals/noemail"), new { kind = "user", displayName = "No Mail" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "noemail", "user-administrator", "eligible", HttpStatusCode.Created);
        await app.DispatchAllAsync();
        var mail = Assert.Single(app.MailTo(s.Address("carol")));
        Assert.Equal("PIM: you are eligible for User Administrator", mail.Subject);
        Assert.Contains("Type: eligible", mail.TextBody);
        var failed = await s.Alice.GetAsync(s.Path("/notifications?status=failed")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, failed.GetProperty("items").GetArrayLength());
    }
}
