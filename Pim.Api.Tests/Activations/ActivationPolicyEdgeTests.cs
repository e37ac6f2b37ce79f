using Pim.Domain;

namespace Pim.Api.Tests.Activations;

/// <summary>
/// Every rule of the activation and extension policy at its edge — at, just below and just above each limit — and what
/// each refusal tells the caller: pure, no database, so that the mutation run (scripts/mutation.sh) can hold them to it.
/// </summary>
[Trait("Store", "none")]
public sealed class ActivationPolicyEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private const string Role = "exchange-administrator";

    private static readonly TokenFacts WithMfa = new("bob", "contoso", new HashSet<string>(), Mfa: true, AuthTime: null);
    private static readonly TokenFacts WithoutMfa = WithMfa with { Mfa = false };

    private static RoleAssignment Eligibility(DateTimeOffset? endsAt = null, DateTimeOffset? startsAt = null) =>
        RoleAssignment.Create("contoso", "bob", Role, "/", AssignmentType.Eligible, startsAt ?? Now.AddDays(-1), endsAt, null, Now.AddDays(-1), "alice", null);

    private static RoleSettings Settings(Func<ActivationRules, ActivationRules>? change = null)
    {
        var settings = RoleSettings.Default(Role);
        return change is null ? settings : settings with { Activation = change(settings.Activation) };
    }

    private static RoleSettings BreakGlass(TimeSpan maximum, Func<ActivationRules, ActivationRules>? change = null) =>
        Settings(a => (change ?? (x => x))(a with { BreakGlass = new BreakGlassRules(true, maximum) }));

    private static ActivationAsk Ask(TimeSpan? duration = null, string? justification = "Mailbox migration", Ticket? ticket = null,
        DateTimeOffset? startsAt = null, bool breakGlass = false) =>
        new(Role, "/", duration, justification, ticket, startsAt, breakGlass);

    private static ActivationVerdict Evaluate(RoleSettings settings, ActivationAsk ask, TokenFacts? token = null, Requester? requester = null,
        RoleAssignment? eligibility = null) =>
        ActivationPolicy.Evaluate(settings, eligibility ?? Eligibility(), ask, token ?? WithMfa, Now, requester);

    private static PimException Refused(string code, Action decide)
    {
        var refusal = Assert.Throws<PimException>(decide);
        Assert.Equal(code, refusal.Code);
        return refusal;
    }

    // ---------------------------------------------------------------- duration, justification, ticket

    [Fact]
    public void The_maximum_duration_is_allowed_and_one_tick_more_is_refused_naming_both()
    {
        Assert.Equal(TimeSpan.FromHours(1), Evaluate(Settings(), Ask(TimeSpan.FromHours(1))).Duration);
        Assert.Equal(TimeSpan.FromHours(1) - Tick, Evaluate(Settings(), Ask(TimeSpan.FromHours(1) - Tick)).Duration);
        var refusal = Refused(ErrorCodes.DurationExceedsMaximum, () => Evaluate(Settings(), Ask(TimeSpan.FromHours(2))));
        Assert.Equal($"The settings of '{Role}' allow activations of at most PT1H; PT2H was asked.", refusal.Message);
        Refused(ErrorCodes.DurationExceedsMaximum, () => Evaluate(Settings(), Ask(TimeSpan.FromHours(1) + Tick)));
    }

    [Fact]
    public void Refusals_for_a_missing_justification_or_ticket_name_the_role()
    {
        Assert.Equal($"The settings of '{Role}' require a justification to activate it.",
            Refused(ErrorCodes.JustificationRequired, () => Evaluate(Settings(), Ask(justification: " "))).Message);
        Assert.Equal($"The settings of '{Role}' require a ticket number to activate it.",
            Refused(ErrorCodes.TicketRequired, () => Evaluate(Settings(a => a with { RequireTicket = true }), Ask(ticket: null))).Message);
    }

    // ---------------------------------------------------------------- start

    [Fact]
    public void A_start_exactly_thirty_days_ahead_is_scheduled_and_one_tick_later_is_refused_on_the_startsAt_field()
    {
        var thirty = Evaluate(Settings(), Ask(startsAt: Now.AddDays(30)));
        Assert.Equal((ActivationOutcome.Scheduled, Now.AddDays(30)), (thirty.Outcome, thirty.StartsAt));
        Assert.Equal(ActivationOutcome.Scheduled, Evaluate(Settings(), Ask(startsAt: Now.AddDays(30) - Tick)).Outcome);

        var refusal = Refused(ErrorCodes.ValidationFailed, () => Evaluate(Settings(), Ask(startsAt: Now.AddDays(30) + Tick)));
        Assert.Equal("startsAt may be at most 30 days ahead.", refusal.Message);
        Assert.Equal(["startsAt may be at most 30 days ahead."], refusal.Errors!["startsAt"]);
    }

    [Fact]
    public void A_start_of_exactly_now_is_active_now_and_one_tick_ahead_is_scheduled()
    {
        var exactly = Evaluate(Settings(), Ask(startsAt: Now));
        Assert.Equal((ActivationOutcome.Active, Now), (exactly.Outcome, exactly.StartsAt));
        var ahead = Evaluate(Settings(), Ask(startsAt: Now + Tick));
        Assert.Equal((ActivationOutcome.Scheduled, Now + Tick), (ahead.Outcome, ahead.StartsAt));
        Assert.Equal(Now, ActivationPolicy.StartOf(Ask(startsAt: Now - Tick), Now));
        Assert.Equal(Now, ActivationPolicy.StartOf(Ask(startsAt: null), Now));
        Assert.Equal(Now + Tick, ActivationPolicy.StartOf(Ask(startsAt: Now + Tick), Now));
    }

    [Fact]
    public void The_eligibility_must_be_in_force_at_the_start_it_ends_before_its_end_and_starts_at_its_start()
    {
        var eligibility = Eligibility(endsAt: Now.AddHours(2));
        Assert.Equal(ActivationOutcome.Scheduled, Evaluate(Settings(), Ask(startsAt: Now.AddHours(2) - Tick), eligibility: eligibility).Outcome);
        var refusal = Refused(ErrorCodes.NotEligible, () => Evaluate(Settings(), Ask(startsAt: Now.AddHours(2)), eligibility: eligibility));
        Assert.Equal($"The eligibility for '{Role}' is not in force at {Now.AddHours(2):O}.", refusal.Message);

        var later = Eligibility(startsAt: Now.AddHours(3));
        Refused(ErrorCodes.NotEligible, () => Evaluate(Settings(), Ask(), eligibility: later));
        Assert.Equal(ActivationOutcome.Scheduled, Evaluate(Settings(), Ask(startsAt: Now.AddHours(3)), eligibility: later).Outcome);
    }

    // ---------------------------------------------------------------- approval and auto-approval

    private static readonly AutoApprovalRule OnCall = new("on-call", MemberOf: ["oncall"]);

    private static RoleSettings Approving(params AutoApprovalRule[] rules) =>
        Settings(a => a.WithApproval([ApprovalStage.Single(["owners"], TimeSpan.FromHours(4))], rules));

    [Fact]
    public void A_request_meeting_an_auto_approval_rule_skips_the_stages_and_names_the_rule()
    {
        var verdict = Evaluate(Approving(OnCall), Ask(), requester: new Requester(Groups: ["oncall"]));
        Assert.Equal((ActivationOutcome.Active, "on-call"), (verdict.Outcome, verdict.AutoApprovedBy));
        var scheduled = Evaluate(Approving(OnCall), Ask(startsAt: Now.AddHours(1)), requester: new Requester(Groups: ["oncall"]));
        Assert.Equal((ActivationOutcome.Scheduled, "on-call"), (scheduled.Outcome, scheduled.AutoApprovedBy));
        Assert.False(verdict.BreakGlass);
    }

    [Fact]
    public void A_request_meeting_no_rule_waits_and_a_requester_without_groups_meets_no_membership_rule()
    {
        var others = Evaluate(Approving(OnCall), Ask(), requester: new Requester(Groups: ["others"]));
        Assert.Equal((ActivationOutcome.PendingApproval, (string?)null), (others.Outcome, others.AutoApprovedBy));
        var unknown = Evaluate(Approving(OnCall), Ask(), requester: new Requester(Groups: null));
        Assert.Equal((ActivationOutcome.PendingApproval, (string?)null), (unknown.Outcome, unknown.AutoApprovedBy));
        Assert.Equal(ActivationOutcome.PendingApproval, Evaluate(Approving(OnCall), Ask()).Outcome);
    }

    [Fact]
    public void Auto_approval_rules_of_a_role_that_needs_no_approval_approve_nothing()
    {
        var settings = Settings(a => a.WithApproval([], [OnCall]));
        Assert.False(settings.Activation.NeedsApproval);
        var verdict = Evaluate(settings, Ask(), requester: new Requester(Groups: ["oncall"]));
        Assert.Equal((ActivationOutcome.Active, (string?)null), (verdict.Outcome, verdict.AutoApprovedBy));
    }

    [Fact]
    public void Auto_approval_reads_the_asked_duration_the_ticket_and_the_time_of_the_request()
    {
        var rule = new AutoApprovalRule("short-change", MaximumDuration: TimeSpan.FromMinutes(30), TicketSystems: ["ServiceNow"],
            Window: new WeeklyWindow("UTC", [DayOfWeek.Wednesday], new TimeOnly(9, 0), new TimeOnly(10, 0)));
        var ticket = new Ticket("CHG1", "ServiceNow");
        Assert.Equal("short-change", Evaluate(Approving(rule), Ask(TimeSpan.FromMinutes(30), ticket: ticket)).AutoApprovedBy);
        Assert.Null(Evaluate(Approving(rule), Ask(TimeSpan.FromMinutes(31), ticket: ticket)).AutoApprovedBy);
        Assert.Null(Evaluate(Approving(rule), Ask(TimeSpan.FromMinutes(30), ticket: null)).AutoApprovedBy);
        Assert.Null(ActivationPolicy.Evaluate(Approving(rule), Eligibility(), Ask(TimeSpan.FromMinutes(30), ticket: ticket), WithMfa, Now.AddHours(1))
            .AutoApprovedBy);
    }

    // ---------------------------------------------------------------- guests, workloads, MFA

    [Fact]
    public void Guests_activate_only_where_the_settings_allow_them_and_members_wherever()
    {
        var closed = Settings(a => a with { AllowGuests = false });
        var refusal = Refused(ErrorCodes.GuestNotAllowed, () => Evaluate(closed, Ask(), requester: new Requester(Guest: true)));
        Assert.Equal($"The settings of '{Role}' do not let guests from other tenants activate it.", refusal.Message);
        Assert.Equal(ActivationOutcome.Active, Evaluate(closed, Ask(), requester: Requester.Member).Outcome);
        Assert.Equal(ActivationOutcome.Active, Evaluate(closed, Ask()).Outcome);
        Assert.Equal(ActivationOutcome.Active, Evaluate(Settings(a => a with { AllowGuests = true }), Ask(), requester: new Requester(Guest: true)).Outcome);
    }

    [Fact]
    public void Workloads_activate_only_where_the_settings_allow_them_and_are_not_asked_for_MFA()
    {
        var refusal = Refused(ErrorCodes.WorkloadNotAllowed, () => Evaluate(Settings(a => a with { AllowWorkloads = false }), Ask(), WithoutMfa,
            new Requester(Workload: true)));
        Assert.Equal($"The settings of '{Role}' do not let service principals activate it.", refusal.Message);
        var open = Settings(a => a with { AllowWorkloads = true, MfaMaxAge = TimeSpan.FromMinutes(5) });
        Assert.Equal(ActivationOutcome.Active, Evaluate(open, Ask(), WithoutMfa, new Requester(Workload: true)).Outcome);
        Refused(ErrorCodes.MfaRequired, () => Evaluate(open, Ask(), WithoutMfa, Requester.Member));
    }

    [Fact]
    public void Guests_are_refused_before_MFA_is_asked()
    {
        var closed = Settings(a => a with { AllowGuests = false });
        Refused(ErrorCodes.GuestNotAllowed, () => Evaluate(closed, Ask(), WithoutMfa, new Requester(Guest: true)));
        Refused(ErrorCodes.MfaRequired, () => Evaluate(closed, Ask(justification: null), WithoutMfa));
    }

    [Fact]
    public void MFA_exactly_as_old_as_the_maximum_age_is_accepted_and_one_tick_older_is_refused_naming_the_age()
    {
        var rules = Settings(a => a with { MfaMaxAge = TimeSpan.FromMinutes(15) }).Activation;
        ActivationPolicy.EnsureMfa(rules, WithMfa with { AuthTime = Now.AddMinutes(-15) }, Now);
        ActivationPolicy.EnsureMfa(rules, WithMfa with { AuthTime = Now.AddMinutes(-15) + Tick }, Now);
        ActivationPolicy.EnsureMfa(rules, WithMfa with { AuthTime = Now }, Now);
        var stale = Refused(ErrorCodes.MfaRequired, () => ActivationPolicy.EnsureMfa(rules, WithMfa with { AuthTime = Now.AddMinutes(-15) - Tick }, Now));
        Assert.Equal("This role requires a multi-factor sign-in within the last PT15M: sign in again.", stale.Message);
        Refused(ErrorCodes.MfaRequired, () => ActivationPolicy.EnsureMfa(rules, WithMfa with { AuthTime = null }, Now));
        Assert.Equal("This role requires multi-factor authentication: sign in again with MFA.",
            Refused(ErrorCodes.MfaRequired, () => ActivationPolicy.EnsureMfa(rules, WithoutMfa with { AuthTime = Now }, Now)).Message);
    }

    [Fact]
    public void Without_a_maximum_age_any_MFA_sign_in_will_do_and_without_MFA_required_none_is_asked()
    {
        var rules = Settings().Activation;
        Assert.Null(rules.MfaMaxAge);
        ActivationPolicy.EnsureMfa(rules, WithMfa with { AuthTime = null }, Now);
        ActivationPolicy.EnsureMfa(rules, WithMfa with { AuthTime = Now.AddDays(-300) }, Now);
        ActivationPolicy.EnsureMfa(rules with { RequireMfa = false, MfaMaxAge = TimeSpan.FromMinutes(1) }, WithoutMfa, Now);
    }

    // ---------------------------------------------------------------- break-glass

    [Fact]
    public void Break_glass_is_refused_where_the_settings_do_not_allow_it()
    {
        var refusal = Refused(ErrorCodes.BreakGlassNotAllowed, () => Evaluate(Settings(), Ask(breakGlass: true)));
        Assert.Equal($"The settings of '{Role}' do not allow break-glass activations.", refusal.Message);
    }

    [Fact]
    public void Break_glass_is_active_now_for_the_break_glass_maximum_skipping_approval_and_ticket()
    {
        var settings = BreakGlass(TimeSpan.FromMinutes(45), a => a.WithApproval([ApprovalStage.Single(["owners"], TimeSpan.FromHours(4))], []) with
        {
            RequireTicket = true,
        });
        var verdict = Evaluate(settings, Ask(breakGlass: true));
        Assert.Equal(new ActivationVerdict(ActivationOutcome.Active, TimeSpan.FromMinutes(45), Now, null, BreakGlass: true), verdict);
    }

    [Fact]
    public void Break_glass_may_last_its_maximum_and_not_one_tick_more()
    {
        var settings = BreakGlass(TimeSpan.FromMinutes(45));
        Assert.Equal(TimeSpan.FromMinutes(45), Evaluate(settings, Ask(TimeSpan.FromMinutes(45), breakGlass: true)).Duration);
        Assert.Equal(TimeSpan.FromMinutes(10), Evaluate(settings, Ask(TimeSpan.FromMinutes(10), breakGlass: true)).Duration);
        var refusal = Refused(ErrorCodes.DurationExceedsMaximum, () => Evaluate(settings, Ask(TimeSpan.FromMinutes(45) + Tick, breakGlass: true)));
        Assert.StartsWith($"The settings of '{Role}' allow break-glass activations of at most PT45M; ", refusal.Message);
        // Its own maximum, not the role's (PT1H).
        Refused(ErrorCodes.DurationExceedsMaximum, () => Evaluate(settings, Ask(TimeSpan.FromMinutes(50), breakGlass: true)));
    }

    [Fact]
    public void Break_glass_needs_a_justification_whatever_the_settings_say()
    {
        var settings = BreakGlass(TimeSpan.FromHours(1), a => a with { RequireJustification = false });
        var refusal = Refused(ErrorCodes.JustificationRequired, () => Evaluate(settings, Ask(justification: "  ", breakGlass: true)));
        Assert.Equal("A break-glass activation requires a justification.", refusal.Message);
        Refused(ErrorCodes.JustificationRequired, () => Evaluate(settings, Ask(justification: null, breakGlass: true)));
        Refused(ErrorCodes.JustificationRequired, () => Evaluate(settings, Ask(justification: "", breakGlass: true)));
    }

    [Fact]
    public void Break_glass_starts_now_a_start_of_now_or_before_is_now_and_one_tick_ahead_is_refused()
    {
        var settings = BreakGlass(TimeSpan.FromHours(1));
        Assert.Equal(Now, Evaluate(settings, Ask(startsAt: Now, breakGlass: true)).StartsAt);
        Assert.Equal(Now, Evaluate(settings, Ask(startsAt: Now.AddHours(-1), breakGlass: true)).StartsAt);
        var refusal = Refused(ErrorCodes.ValidationFailed, () => Evaluate(settings, Ask(startsAt: Now + Tick, breakGlass: true)));
        Assert.Equal(["A break-glass activation starts now: leave startsAt out."], refusal.Errors!["startsAt"]);
    }

    [Fact]
    public void Break_glass_needs_an_eligibility_in_force_now_MFA_and_the_guest_rule()
    {
        var settings = BreakGlass(TimeSpan.FromHours(1));
        var refusal = Refused(ErrorCodes.NotEligible, () => Evaluate(settings, Ask(breakGlass: true), eligibility: Eligibility(startsAt: Now + Tick)));
        Assert.Equal($"The eligibility for '{Role}' is not in force now.", refusal.Message);
        Assert.True(Evaluate(settings, Ask(breakGlass: true), eligibility: Eligibility(startsAt: Now)).BreakGlass);
        Refused(ErrorCodes.MfaRequired, () => Evaluate(settings, Ask(breakGlass: true), WithoutMfa));
        Refused(ErrorCodes.GuestNotAllowed, () => Evaluate(BreakGlass(TimeSpan.FromHours(1), a => a with { AllowGuests = false }), Ask(breakGlass: true),
            requester: new Requester(Guest: true)));
    }

    // ---------------------------------------------------------------- extension

    /// <summary>An activation of <see cref="Role"/> that began an hour ago (<paramref name="started"/>) and ends <paramref name="ends"/>.</summary>
    private static ActivationRequest Active(DateTimeOffset started, DateTimeOffset? ends, bool breakGlass = false, Ticket? ticket = null) =>
        ActivationRequest.Rehydrate("contoso", "r1", "bob", Role, "/", "a1", ActivationStatus.Active, (ends ?? started) - started, "why", ticket,
            started, started, ends, null, null, null, null, 1, breakGlass: breakGlass);

    private static ExtensionVerdict Extend(RoleSettings settings, ActivationRequest request, TimeSpan duration, TokenFacts? token = null,
        Requester? requester = null) =>
        ActivationPolicy.EvaluateExtension(settings, request, duration, token ?? WithMfa, Now, requester);

    [Fact]
    public void An_extension_may_bring_the_total_to_exactly_the_maximum_and_not_one_tick_past_it()
    {
        var settings = Settings(a => a with { MaximumDuration = TimeSpan.FromHours(2) });
        var request = Active(Now.AddMinutes(-30), Now.AddMinutes(30));
        Assert.Equal(new ExtensionVerdict(false, null), Extend(settings, request, TimeSpan.FromHours(1)));
        var refusal = Refused(ErrorCodes.DurationExceedsMaximum, () => Extend(settings, request, TimeSpan.FromHours(1) + Tick));
        Assert.StartsWith($"The settings of '{Role}' allow an activation of at most PT2H in all; extending by ", refusal.Message);
        Assert.Equal($"The settings of '{Role}' allow an activation of at most PT2H in all; extending by PT2H would make it PT3H.",
            Refused(ErrorCodes.DurationExceedsMaximum, () => Extend(settings, request, TimeSpan.FromHours(2))).Message);
    }

    [Fact]
    public void The_total_runs_from_the_start_to_the_new_end_not_from_now()
    {
        // Started 90 minutes ago, ends in 30: an extension of 10 minutes makes it 2h10 in all, over a maximum of 2h.
        var settings = Settings(a => a with { MaximumDuration = TimeSpan.FromHours(2) });
        var request = Active(Now.AddMinutes(-90), Now.AddMinutes(30));
        Refused(ErrorCodes.DurationExceedsMaximum, () => Extend(settings, request, TimeSpan.FromMinutes(10)));
        // A request with no end yet (waiting for approval) counts from now.
        var pending = ActivationRequest.Rehydrate("contoso", "r2", "bob", Role, "/", "a1", ActivationStatus.PendingApproval, TimeSpan.FromHours(1), "why",
            null, Now.AddMinutes(-30), Now.AddMinutes(-30), null, null, Now.AddHours(1), null, null, 1);
        Assert.False(Extend(settings, pending, TimeSpan.FromMinutes(90)).NeedsApproval);
        Refused(ErrorCodes.DurationExceedsMaximum, () => Extend(settings, pending, TimeSpan.FromMinutes(90) + Tick));
    }

    [Fact]
    public void A_break_glass_activation_is_not_extended()
    {
        var refusal = Refused(ErrorCodes.InvalidStateTransition, () => Extend(BreakGlass(TimeSpan.FromHours(1)), Active(Now, Now.AddMinutes(30), breakGlass: true),
            TimeSpan.FromMinutes(5)));
        Assert.Equal("Activation request 'r1' is a break-glass activation: it is not extended; ask again.", refusal.Message);
    }

    [Fact]
    public void An_extension_asks_for_MFA_and_keeps_guests_and_workloads_out_like_the_activation()
    {
        var request = Active(Now.AddMinutes(-10), Now.AddMinutes(20));
        Refused(ErrorCodes.MfaRequired, () => Extend(Settings(), request, TimeSpan.FromMinutes(5), WithoutMfa));
        Refused(ErrorCodes.GuestNotAllowed, () => Extend(Settings(a => a with { AllowGuests = false }), request, TimeSpan.FromMinutes(5),
            requester: new Requester(Guest: true)));
        Refused(ErrorCodes.WorkloadNotAllowed, () => Extend(Settings(a => a with { AllowWorkloads = false }), request, TimeSpan.FromMinutes(5),
            requester: new Requester(Workload: true)));
        Assert.False(Extend(Settings(a => a with { AllowGuests = false }), request, TimeSpan.FromMinutes(5)).NeedsApproval);
    }

    [Fact]
    public void An_extension_of_a_role_that_needs_approval_waits_unless_a_rule_admits_it_by_the_requesters_directory_groups()
    {
        var request = Active(Now.AddMinutes(-10), Now.AddMinutes(20));
        Assert.Equal(new ExtensionVerdict(true, null), Extend(Approving(OnCall), request, TimeSpan.FromMinutes(5)));
        Assert.Equal(new ExtensionVerdict(true, null), Extend(Approving(OnCall), request, TimeSpan.FromMinutes(5), requester: new Requester(Groups: null)));
        Assert.Equal(new ExtensionVerdict(false, "on-call"), Extend(Approving(OnCall), request, TimeSpan.FromMinutes(5),
            requester: new Requester(Groups: ["oncall"])));
        Assert.Equal(new ExtensionVerdict(false, null), Extend(Settings(a => a.WithApproval([], [OnCall])), request, TimeSpan.FromMinutes(5),
            requester: new Requester(Groups: ["oncall"])));
    }

    [Fact]
    public void Extension_auto_approval_reads_the_extensions_duration_and_the_activations_ticket()
    {
        var rule = new AutoApprovalRule("short", MaximumDuration: TimeSpan.FromMinutes(15), TicketNumberPattern: "CHG[0-9]+");
        var settings = Approving(rule);
        var ticketed = Active(Now.AddMinutes(-20), Now.AddMinutes(10), ticket: new Ticket("CHG42", null));
        Assert.Equal(new ExtensionVerdict(false, "short"), Extend(settings, ticketed, TimeSpan.FromMinutes(15)));
        Assert.Equal(new ExtensionVerdict(true, null), Extend(settings, ticketed, TimeSpan.FromMinutes(15) + Tick));
        Assert.Equal(new ExtensionVerdict(true, null), Extend(settings, Active(Now.AddMinutes(-20), Now.AddMinutes(10)), TimeSpan.FromMinutes(5)));
    }

    // ---------------------------------------------------------------- who asks

    private static Principal Principal(string id, PrincipalKind kind, IReadOnlyList<string>? directory = null, IReadOnlyList<string>? all = null) =>
        new("contoso", id, kind, id, null, null, null, directory ?? []) { DirectoryMemberOf = directory ?? [], TransitiveMemberOf = all ?? directory ?? [] };

    private static Caller Signed(string principalId, string tokenTenant) =>
        new("contoso", principalId, new TokenFacts(principalId, tokenTenant, new HashSet<string>(), true, null), RequestOrigin.None);

    [Fact]
    public void The_requester_is_a_guest_by_its_kind_or_by_a_token_of_another_tenant_and_a_workload_by_its_kind()
    {
        Assert.Equal(new Requester(Guest: false, Workload: false, Groups: null), Requester.Of(null, Signed("bob", "contoso")));
        Assert.True(Requester.Of(Principal("gus", PrincipalKind.User), Signed("gus", "fabrikam")).Guest);
        Assert.False(Requester.Of(Principal("bob", PrincipalKind.User), Signed("bob", "contoso")).Guest);
        Assert.True(Requester.Of(Principal("gus", PrincipalKind.Guest), Signed("gus", "contoso")).Guest);
        var ci = Requester.Of(Principal("ci", PrincipalKind.ServicePrincipal), Signed("ci", "contoso"));
        Assert.Equal((false, true), (ci.Guest, ci.Workload));
        Assert.False(Requester.Of(Principal("gus", PrincipalKind.Guest), Signed("gus", "contoso")).Workload);
        Assert.Equal(["a"], Requester.Of(Principal("erin", PrincipalKind.User, directory: ["a"], all: ["a", "b"]), Signed("erin", "contoso")).Groups!);
    }
}
