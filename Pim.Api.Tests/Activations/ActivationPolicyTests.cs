using Microsoft.Extensions.Time.Testing;
using Pim.Domain;

namespace Pim.Api.Tests.Activations;

/// <summary>Role settings applied to an activation: a pure function, tested without a database.</summary>
[Trait("Store", "none")]
public sealed class ActivationPolicyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private DateTimeOffset Now => _time.GetUtcNow();

    private static readonly TokenFacts WithMfa = new("bob", "contoso", new HashSet<string>(), Mfa: true, AuthTime: null);
    private static readonly TokenFacts WithoutMfa = WithMfa with { Mfa = false };

    private RoleAssignment Eligibility(DateTimeOffset? endsAt = null, DateTimeOffset? startsAt = null) =>
        RoleAssignment.Create("contoso", "bob", "exchange-administrator", "/", AssignmentType.Eligible, startsAt ?? Now.AddDays(-1), endsAt, null, Now, "alice", null);

    private static RoleSettings Settings(Func<ActivationRules, ActivationRules>? change = null)
    {
        var settings = RoleSettings.Default("exchange-administrator");
        return change is null ? settings : settings with { Activation = change(settings.Activation) };
    }

    private static ActivationAsk Ask(TimeSpan? duration = null, string? justification = "Mailbox migration", Ticket? ticket = null, DateTimeOffset? startsAt = null) =>
        new("exchange-administrator", "/", duration, justification, ticket, startsAt);

    private static string Refusal(Action evaluate) => Assert.Throws<PimException>(evaluate).Code;

    [Fact]
    public void Default_settings_activate_at_once_for_the_maximum_duration()
    {
        var verdict = ActivationPolicy.Evaluate(Settings(), Eligibility(), Ask(), WithMfa, Now);
        Assert.Equal(ActivationOutcome.Active, verdict.Outcome);
        Assert.Equal(TimeSpan.FromHours(1), verdict.Duration);
        Assert.Equal(Now, verdict.StartsAt);
    }

    [Fact]
    public void Mfa_is_required_by_default() =>
        Assert.Equal(ErrorCodes.MfaRequired, Refusal(() => ActivationPolicy.Evaluate(Settings(), Eligibility(), Ask(), WithoutMfa, Now)));

    [Fact]
    public void Mfa_is_not_asked_when_the_settings_do_not_require_it() =>
        Assert.Equal(ActivationOutcome.Active,
            ActivationPolicy.Evaluate(Settings(a => a with { RequireMfa = false }), Eligibility(), Ask(), WithoutMfa, Now).Outcome);

    [Fact]
    public void Mfa_older_than_the_maximum_age_is_refused()
    {
        var settings = Settings(a => a with { MfaMaxAge = TimeSpan.FromMinutes(15) });
        var stale = WithMfa with { AuthTime = Now.AddMinutes(-16) };
        var fresh = WithMfa with { AuthTime = Now.AddMinutes(-14) };
        Assert.Equal(ErrorCodes.MfaRequired, Refusal(() => ActivationPolicy.Evaluate(settings, Eligibility(), Ask(), stale, Now)));
        Assert.Equal(ErrorCodes.MfaRequired, Refusal(() => ActivationPolicy.Evaluate(settings, Eligibility(), Ask(), WithMfa, Now)));
        Assert.Equal(ActivationOutcome.Active, ActivationPolicy.Evaluate(settings, Eligibility(), Ask(), fresh, Now).Outcome);
    }

    [Fact]
    public void A_duration_above_the_maximum_is_refused()
    {
        Assert.Equal(ErrorCodes.DurationExceedsMaximum,
            Refusal(() => ActivationPolicy.Evaluate(Settings(), Eligibility(), Ask(TimeSpan.FromMinutes(61)), WithMfa, Now)));
        Assert.Equal(TimeSpan.FromMinutes(30), ActivationPolicy.Evaluate(Settings(), Eligibility(), Ask(TimeSpan.FromMinutes(30)), WithMfa, Now).Duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_justification_is_required_by_default(string? justification) =>
        Assert.Equal(ErrorCodes.JustificationRequired,
            Refusal(() => ActivationPolicy.Evaluate(Settings(), Eligibility(), Ask(justification: justification), WithMfa, Now)));

    [Fact]
    public void A_justification_is_optional_when_the_settings_say_so() =>
        Assert.Equal(ActivationOutcome.Active, ActivationPolicy.Evaluate(Settings(a => a with { RequireJustification = false }), Eligibility(),
            Ask(justification: null), WithMfa, Now).Outcome);

    [Fact]
    public void A_ticket_is_required_when_the_settings_demand_it()
    {
        var settings = Settings(a => a with { RequireTicket = true });
        Assert.Equal(ErrorCodes.TicketRequired, Refusal(() => ActivationPolicy.Evaluate(settings, Eligibility(), Ask(), WithMfa, Now)));
        Assert.Equal(ErrorCodes.TicketRequired, Refusal(() => ActivationPolicy.Evaluate(settings, Eligibility(), Ask(ticket: new Ticket(" ", "SN")), WithMfa, Now)));
        Assert.Equal(ActivationOutcome.Active, ActivationPolicy.Evaluate(settings, Eligibility(), Ask(ticket: new Ticket("CHG-1", null)), WithMfa, Now).Outcome);
    }

    [Fact]
    public void Approval_makes_the_request_wait()
    {
        var verdict = ActivationPolicy.Evaluate(Settings(a => a with { RequireApproval = true }), Eligibility(), Ask(), WithMfa, Now);
        Assert.Equal(ActivationOutcome.PendingApproval, verdict.Outcome);
    }

    [Fact]
    public void A_future_start_is_scheduled_and_a_past_one_starts_now()
    {
        var later = ActivationPolicy.Evaluate(Settings(), Eligibility(), Ask(startsAt: Now.AddHours(3)), WithMfa, Now);
        Assert.Equal((ActivationOutcome.Scheduled, Now.AddHours(3)), (later.Outcome, later.StartsAt));
        var earlier = ActivationPolicy.Evaluate(Settings(), Eligibility(), Ask(startsAt: Now.AddHours(-3)), WithMfa, Now);
        Assert.Equal((ActivationOutcome.Active, Now), (earlier.Outcome, earlier.StartsAt));
    }

    [Fact]
    public void A_start_outside_the_eligibility_window_is_refused()
    {
        var eligibility = Eligibility(endsAt: Now.AddHours(2));
        Assert.Equal(ErrorCodes.NotEligible,
            Refusal(() => ActivationPolicy.Evaluate(Settings(), eligibility, Ask(startsAt: Now.AddHours(3)), WithMfa, Now)));
        Assert.Equal(ErrorCodes.ValidationFailed,
            Refusal(() => ActivationPolicy.Evaluate(Settings(), Eligibility(), Ask(startsAt: Now.AddDays(31)), WithMfa, Now)));
    }

    [Fact]
    public void Assignment_windows_follow_the_assignment_rules()
    {
        var settings = RoleSettings.Default("exchange-administrator") with
        {
            Assignment = new AssignmentRules(false, TimeSpan.FromDays(90), true, TimeSpan.FromDays(30)),
        };
        Assert.Equal(ErrorCodes.PermanentAssignmentForbidden,
            Assert.Throws<PimException>(() => settings.EnsureAssignmentWindowAllowed(AssignmentType.Eligible, Now, null)).Code);
        Assert.Equal(ErrorCodes.AssignmentDurationExceedsMaximum,
            Assert.Throws<PimException>(() => settings.EnsureAssignmentWindowAllowed(AssignmentType.Eligible, Now, Now.AddDays(91))).Code);
        settings.EnsureAssignmentWindowAllowed(AssignmentType.Eligible, Now, Now.AddDays(90));
        settings.EnsureAssignmentWindowAllowed(AssignmentType.Active, Now, null);
        Assert.Equal(ErrorCodes.AssignmentDurationExceedsMaximum,
            Assert.Throws<PimException>(() => settings.EnsureAssignmentWindowAllowed(AssignmentType.Active, Now, Now.AddDays(31))).Code);
    }

    [Theory]
    [InlineData("PT1H", 60)]
    [InlineData("PT30M", 30)]
    [InlineData("P1D", 1440)]
    [InlineData("PT72H", 4320)]
    public void Iso_durations_round_trip(string text, int minutes)
    {
        Assert.True(IsoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMinutes(minutes), value);
        Assert.Equal(value, IsoDuration.Parse(IsoDuration.Format(value)));
    }

    [Theory]
    [InlineData("1h")]
    [InlineData("PT0S")]
    [InlineData("-PT1H")]
    [InlineData("")]
    [InlineData("P")]
    public void Malformed_durations_are_not_durations(string text) => Assert.False(IsoDuration.TryParse(text, out _));
}
