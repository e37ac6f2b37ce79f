using Pim.Domain;

namespace Pim.Api.Tests.Alerts;

/// <summary>The rules of alerts as pure functions: what an evaluation raises and resolves, what settings are kept, what an incident may become.</summary>
[Trait("Store", "none")]
public sealed class AlertRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static AlertFinding Finding(string type, string role = "exchange-administrator", string scope = "/") => new(type, role, scope, 1);

    [Fact]
    public void A_finding_raises_an_incident_unless_one_about_it_is_open_or_dismissed_and_an_incident_nothing_is_found_about_resolves()
    {
        var open = AlertIncident.Raise("t", Finding(AlertTypes.RolesWithoutMfa), Now);
        var dismissed = AlertIncident.Raise("t", Finding(AlertTypes.UnusedPrivilegedRoles), Now);
        dismissed.Dismiss("alice", "by design", Now);
        var gone = AlertIncident.Raise("t", Finding(AlertTypes.RolesWithoutMfa, "helpdesk-administrator"), Now);
        var findings = new[]
        {
            Finding(AlertTypes.RolesWithoutMfa), Finding(AlertTypes.UnusedPrivilegedRoles), Finding(AlertTypes.RolesWithoutMfa, scope: "/subscriptions/s1"),
            Finding(AlertTypes.StaleAccountsInPrivilegedRoles),
        };
        var (raise, resolve) = AlertRules.Reconcile([open, dismissed, gone], findings);
        Assert.Equal([findings[2], findings[3]], raise);
        Assert.Equal([gone], resolve);
    }

    [Fact]
    public void An_incident_is_dismissed_only_while_open_and_resolves_once()
    {
        var incident = AlertIncident.Raise("t", Finding(AlertTypes.TooManyOwners, "owner", "/subscriptions/s1"), Now);
        Assert.Equal(AlertStatus.Open, incident.Status);
        incident.Dismiss("alice", "accepted", Now);
        Assert.Equal((AlertStatus.Dismissed, "alice", 2), (incident.Status, incident.DismissedBy, incident.Version));
        Assert.Equal(ErrorCodes.InvalidStateTransition, Assert.Throws<PimException>(() => incident.Dismiss("bob", "again", Now)).Code);
        incident.Resolve(Now.AddHours(1));
        incident.Resolve(Now.AddHours(2));
        Assert.Equal((AlertStatus.Resolved, Now.AddHours(1), 3), (incident.Status, incident.ResolvedAt, incident.Version));
    }

    [Fact]
    public void Settings_keep_defaults_for_thresholds_left_out_and_refuse_those_the_alert_does_not_read()
    {
        var frequently = AlertCatalog.Get(AlertTypes.RolesActivatedTooFrequently);
        Assert.Equal(new AlertSettings(frequently.Type, false, 10, TimeSpan.FromDays(1)), AlertSettings.Of(frequently, false, null, null));
        Assert.Equal(new AlertSettings(frequently.Type, true, 3, TimeSpan.FromHours(4)), AlertSettings.Of(frequently, true, 3, TimeSpan.FromHours(4)));
        var mfa = AlertCatalog.Get(AlertTypes.RolesWithoutMfa);
        Assert.Equal("maximumCount", Assert.Single(Assert.Throws<PimException>(() => AlertSettings.Of(mfa, true, 3, null)).Errors!).Key);
        Assert.Equal("period", Assert.Single(Assert.Throws<PimException>(() => AlertSettings.Of(mfa, true, null, TimeSpan.FromDays(1))).Errors!).Key);
        Assert.Throws<PimException>(() => AlertSettings.Of(frequently, true, null, TimeSpan.FromMinutes(30)));
        Assert.Throws<PimException>(() => AlertSettings.Of(frequently, true, 0, null));
    }

    [Fact]
    public void Every_alert_has_a_kebab_case_id_a_display_name_a_recommended_action_and_a_description()
    {
        Assert.Equal(8, AlertCatalog.All.Count);
        foreach (var definition in AlertCatalog.All)
        {
            Assert.Matches("^[a-z]+(-[a-z]+)*$", definition.Type);
            Assert.False(string.IsNullOrWhiteSpace(definition.DisplayName));
            Assert.False(string.IsNullOrWhiteSpace(definition.RecommendedAction));
            Assert.Contains("3", AlertCatalog.Describe(definition.Defaults, "owner", "/subscriptions/s1", 3));
        }
    }
}
