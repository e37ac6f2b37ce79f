using System.Net;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;
using static Pim.Api.Tests.Approvals.Workflow;

namespace Pim.Api.Tests.Notifications;

[Collection(SqliteCollection.Name)]
public sealed class ExpiryWarningTests_Sqlite(SqliteApp app) : ExpiryWarningTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ExpiryWarningTests_Postgres(PostgresApp app) : ExpiryWarningTests(app);

/// <summary>Warnings before access runs out: once per end, even with several sweepers, for activations and assignments.</summary>
public abstract class ExpiryWarningTests(PimApp app)
{
    private Task SweepConcurrentlyAsync(int sweepers = 3)
    {
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        return Task.WhenAll(Enumerable.Range(0, sweepers).Select(_ => SweeperService.SweepOnceAsync(scopes, CancellationToken.None)));
    }

    private static bool IsWarning(string subject) => subject.StartsWith("PIM: your activation of Exchange Administrator ends at", StringComparison.Ordinal);

    [Fact]
    public async Task The_holder_is_warned_once_before_an_activation_ends_and_again_after_an_extension()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([], maximumDuration: "PT2H"));
        await s.MakeBobEligibleAsync();
        var id = (await s.ActivateAsync(s.Bob, duration: "PT1H").ExpectAsync(HttpStatusCode.Created)).Str("id");

        app.Time.Advance(TimeSpan.FromMinutes(44));
        await SweepConcurrentlyAsync();
        Assert.DoesNotContain(await s.MailSubjectsAsync("bob"), IsWarning);

        app.Time.Advance(TimeSpan.FromMinutes(1)); // 15 minutes before the end: the default warning
        await SweepConcurrentlyAsync();
        await SweepConcurrentlyAsync();
        Assert.Single(await s.MailSubjectsAsync("bob"), IsWarning);
        var warning = app.MailTo(s.Address("bob")).Single(m => IsWarning(m.Subject ?? "")).TextBody ?? "";
        Assert.Contains($"/activation-requests/{id}/extend", warning);
        Assert.Single(await s.ActionsOfAsync(id), a => a == "activation.expiringSoon");

        // Extended: the new end is warned of in its turn.
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/extend"), new { duration = "PT30M" }).ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromMinutes(29));
        await app.SweepAsync();
        Assert.Single(await s.MailSubjectsAsync("bob"), IsWarning);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await SweepConcurrentlyAsync();
        Assert.Equal(2, (await s.MailSubjectsAsync("bob")).Count(IsWarning));
    }

    [Fact]
    public async Task An_activation_that_ended_early_is_not_warned_of_and_warnings_can_be_turned_off()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var id = (await s.ActivateAsync(s.Bob, duration: "PT1H").ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/deactivate")).ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromMinutes(50));
        await app.SweepAsync();
        Assert.DoesNotContain(await s.MailSubjectsAsync("bob"), IsWarning);

        await s.SetSettingsAsync("exchange-administrator", StagedSettings([], notifications: new
        {
            onActivation = new { notifyRoleAdministrators = true, additionalRecipients = Array.Empty<string>() },
            beforeExpiry = new { activation = (string?)null, assignment = "P14D" },
        }));
        await s.ActivateAsync(s.Bob, duration: "PT1H").ExpectAsync(HttpStatusCode.Created);
        app.Time.Advance(TimeSpan.FromMinutes(59));
        await app.SweepAsync();
        Assert.DoesNotContain(await s.MailSubjectsAsync("bob"), IsWarning);
    }

    [Fact]
    public async Task The_holder_and_the_role_administrators_are_warned_once_before_an_assignment_ends()
    {
        var s = await Scenario.OnboardAsync(app);
        var endsAt = app.Time.GetUtcNow().AddDays(30);
        await s.AssignAsync(s.Alice, "carol", "helpdesk-administrator", "eligible", HttpStatusCode.Created, endsAt);
        app.Time.Advance(TimeSpan.FromDays(15));
        await SweepConcurrentlyAsync();
        static bool Warning(string m) => m.Contains("eligible assignment of Helpdesk Administrator ends at");
        Assert.DoesNotContain(await s.MailSubjectsAsync("carol"), Warning);

        app.Time.Advance(TimeSpan.FromDays(1)); // 14 days before the end
        await SweepConcurrentlyAsync();
        await SweepConcurrentlyAsync();
        Assert.Single(await s.MailSubjectsAsync("carol"), Warning);
        Assert.Single(await s.MailSubjectsAsync("alice"), Warning); // Alice: Privileged Role and Security Administrator
        Assert.Single(await s.AuditActionsAsync("action=assignment.expiringSoon"));
    }

    [Fact]
    public async Task A_new_warning_window_applies_to_the_assignments_not_warned_yet()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created, app.Time.GetUtcNow().AddDays(30));
        await s.SetSettingsAsync("exchange-administrator", StagedSettings([], notifications: new
        {
            onActivation = new { notifyRoleAdministrators = true, additionalRecipients = Array.Empty<string>() },
            beforeExpiry = new { activation = "PT15M", assignment = "P25D" },
        }));
        app.Time.Advance(TimeSpan.FromDays(5));
        await app.SweepAsync();
        Assert.Single(await s.MailSubjectsAsync("carol"), m => m.Contains("eligible assignment of Exchange Administrator ends at"));
    }
}
