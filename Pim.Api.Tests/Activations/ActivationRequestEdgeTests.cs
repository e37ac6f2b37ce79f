using Pim.Domain;

namespace Pim.Api.Tests.Activations;

/// <summary>
/// The activation request's life at its edges: the instants at which time moves it on, approval through several stages
/// (of the request and of an extension), extensions that would outlive the eligibility, revocation, the break-glass
/// follow-up, the notices time makes due, and what each refusal tells. Pure, no database.
/// </summary>
[Trait("Store", "none")]
public sealed partial class ActivationRequestEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private const string Role = "exchange-administrator";

    private static ApprovalStage Stage(params string[] approvers) => new(approvers, 1, TimeSpan.FromHours(4), null, []);

    private static ApproverFacts Person(string id, params string[] groups) => new(id, groups, HoldsDefaultApproverRole: false, Enabled: true);

    private static RoleSettings Policy(IReadOnlyList<ApprovalStage>? stages = null, TimeSpan? remindBefore = null, TimeSpan? expiryWarning = null)
    {
        var settings = RoleSettings.Default(Role);
        return settings with
        {
            Activation = settings.Activation.WithApproval(stages ?? [], []),
            Notifications = settings.Notifications with
            {
                OnApprovalNeeded = settings.Notifications.OnApprovalNeeded with { RemindBefore = remindBefore },
                BeforeExpiry = new ExpiryWarningRules(expiryWarning, null),
            },
        };
    }

    private static ActivationRequest Create(ActivationOutcome outcome, RoleSettings? policy = null, DateTimeOffset? eligibilityEnds = null,
        DateTimeOffset? startsAt = null, TimeSpan? duration = null, bool breakGlass = false, string? autoApprovedBy = null,
        IReadOnlyList<GoverningRole>? governedBy = null)
    {
        var eligibility = RoleAssignment.Create("contoso", "group-or-bob", Role, "/", AssignmentType.Eligible, Now.AddDays(-1), eligibilityEnds, null,
            Now.AddDays(-1), "alice", null);
        var ask = new ActivationAsk(Role, "/", duration, "why", new Ticket("CHG-1", "SN"), startsAt, breakGlass);
        var verdict = new ActivationVerdict(outcome, duration ?? TimeSpan.FromHours(1), startsAt ?? Now, autoApprovedBy, breakGlass);
        return ActivationRequest.Create("contoso", "bob", eligibility, "/", ask, verdict, policy ?? Policy([Stage("owners")]), Now, governedBy);
    }

    private static PimException Refused(string code, Action act)
    {
        var refusal = Assert.Throws<PimException>(act);
        Assert.Equal(code, refusal.Code);
        return refusal;
    }

    // ---------------------------------------------------------------- creation

    [Fact]
    public void A_request_keeps_what_it_was_made_with()
    {
        var governedBy = new[] { new GoverningRole(RoleCatalog.GlobalAdministrator, "/", "admins") };
        var request = Create(ActivationOutcome.Active, Policy(expiryWarning: TimeSpan.FromMinutes(10)), autoApprovedBy: "on-call", governedBy: governedBy);
        Assert.Equal(("contoso", "bob", Role, "/"), (request.TenantId, request.PrincipalId, request.RoleId, request.Scope));
        Assert.False(string.IsNullOrEmpty(request.Id));
        Assert.False(string.IsNullOrEmpty(request.AssignmentId));
        Assert.Equal((ActivationStatus.Active, Now, (DateTimeOffset?)Now.AddHours(1)), (request.Status, request.StartsAt, request.EndsAt));
        Assert.Equal(("why", new Ticket("CHG-1", "SN"), Now), (request.Justification, request.Ticket, request.RequestedAt));
        Assert.Equal(("on-call", TimeSpan.FromMinutes(10)), (request.AutoApprovedBy, request.ExpiryWarning));
        Assert.Equal(governedBy, request.GovernedBy);
        Assert.Null(request.Approval);
        Assert.Null(request.ApprovalDeadline);
        Assert.Null(request.FollowUp);
        Assert.False(request.BreakGlass);
        Assert.Equal(1, request.Version);
    }

    [Fact]
    public void A_request_made_without_the_roles_it_was_composed_from_has_none()
    {
        Assert.Empty(Create(ActivationOutcome.Active).GovernedBy);
        var rehydrated = ActivationRequest.Rehydrate("contoso", "r1", "bob", Role, "/", "a1", ActivationStatus.Active, TimeSpan.FromHours(1), null, null,
            Now, Now, Now.AddHours(1), null, null, null, null, 1);
        Assert.Empty(rehydrated.GovernedBy);
        Assert.Empty(rehydrated.NoticesSent);
        var kept = ActivationRequest.Rehydrate("contoso", "r1", "bob", Role, "/", "a1", ActivationStatus.Active, TimeSpan.FromHours(1), null,
            null, Now, Now, Now.AddHours(1), null, null, null, null, 1, noticesSent: ["k"], governedBy: [new GoverningRole(RoleCatalog.GlobalAdministrator, "/", "g")]);
        Assert.Equal(["k"], kept.NoticesSent);
        Assert.Equal([new GoverningRole(RoleCatalog.GlobalAdministrator, "/", "g")], kept.GovernedBy);
    }

    [Fact]
    public void A_pending_request_starts_its_first_stage_now_and_has_no_end_yet()
    {
        var request = Create(ActivationOutcome.PendingApproval, Policy([Stage("owners"), Stage("leads")], remindBefore: TimeSpan.FromHours(1)));
        Assert.Equal(ActivationStatus.PendingApproval, request.Status);
        Assert.Null(request.EndsAt);
        Assert.Equal((0, Now, 2), (request.Approval!.CurrentStage, request.Approval.StageStartedAt, request.Approval.Stages.Count));
        Assert.Equal(TimeSpan.FromHours(1), request.Approval.RemindBefore);
        Assert.Equal(Now.AddHours(4), request.ApprovalDeadline);
        Assert.Equal(ActivationStatus.Scheduled, Create(ActivationOutcome.Scheduled, startsAt: Now.AddHours(2)).Status);
    }

    [Fact]
    public void Only_a_break_glass_activation_owes_a_follow_up_due_a_day_later()
    {
        Assert.Equal(new BreakGlassFollowUp(Now.AddHours(24)), Create(ActivationOutcome.Active, breakGlass: true).FollowUp);
        Assert.True(Create(ActivationOutcome.Active, breakGlass: true).BreakGlass);
        Assert.Null(Create(ActivationOutcome.Active).FollowUp);
    }

    [Fact]
    public void Access_ends_at_the_eligibilitys_end_when_that_comes_first_and_after_its_duration_otherwise()
    {
        Assert.Equal(Now.AddMinutes(59), Create(ActivationOutcome.Active, eligibilityEnds: Now.AddMinutes(59)).EndsAt);
        Assert.Equal(Now.AddHours(1), Create(ActivationOutcome.Active, eligibilityEnds: Now.AddHours(1)).EndsAt);
        Assert.Equal(Now.AddHours(1), Create(ActivationOutcome.Active, eligibilityEnds: Now.AddHours(1) + Tick).EndsAt);
        var scheduled = Create(ActivationOutcome.Scheduled, eligibilityEnds: Now.AddHours(3), startsAt: Now.AddHours(2));
        Assert.Equal(Now.AddHours(3), scheduled.EndsAt);
        Assert.Equal(Now.AddHours(3), scheduled.EligibilityEndsAt);
    }

    // ---------------------------------------------------------------- time

    [Fact]
    public void Time_moves_the_status_at_the_exact_instants()
    {
        var pending = Create(ActivationOutcome.PendingApproval);
        Assert.Equal(ActivationStatus.PendingApproval, pending.StatusAt(Now.AddHours(4) - Tick));
        Assert.Equal(ActivationStatus.TimedOut, pending.StatusAt(Now.AddHours(4)));

        var scheduled = Create(ActivationOutcome.Scheduled, startsAt: Now.AddHours(2));
        Assert.Equal(ActivationStatus.Scheduled, scheduled.StatusAt(Now.AddHours(2) - Tick));
        Assert.Equal(ActivationStatus.Active, scheduled.StatusAt(Now.AddHours(2)));
        Assert.Equal(ActivationStatus.Active, scheduled.StatusAt(Now.AddHours(3) - Tick));
        Assert.Equal(ActivationStatus.Expired, scheduled.StatusAt(Now.AddHours(3)));

        var active = Create(ActivationOutcome.Active);
        Assert.Equal(ActivationStatus.Active, active.StatusAt(Now.AddHours(1) - Tick));
        Assert.Equal(ActivationStatus.Expired, active.StatusAt(Now.AddHours(1)));
        Assert.True(active.IsOpenAt(Now.AddHours(1) - Tick));
        Assert.False(active.IsOpenAt(Now.AddHours(1)));
    }

    [Fact]
    public void Time_next_moves_a_request_at_its_deadline_its_start_or_its_end_and_a_closed_one_never()
    {
        Assert.Equal(Now.AddHours(4), Create(ActivationOutcome.PendingApproval).StatusChangesAt(Now));
        Assert.Equal(Now.AddHours(2), Create(ActivationOutcome.Scheduled, startsAt: Now.AddHours(2)).StatusChangesAt(Now));
        Assert.Equal(Now.AddHours(3), Create(ActivationOutcome.Scheduled, startsAt: Now.AddHours(2)).StatusChangesAt(Now.AddHours(2)));
        Assert.Equal(Now.AddHours(1), Create(ActivationOutcome.Active).StatusChangesAt(Now));
        Assert.Null(Create(ActivationOutcome.Active).StatusChangesAt(Now.AddHours(1)));
    }

    [Fact]
    public void Settling_records_what_time_did_once_closing_at_the_end_or_the_deadline()
    {
        var scheduled = Create(ActivationOutcome.Scheduled, startsAt: Now.AddHours(2));
        Assert.Equal([AuditActions.ActivationActivated, AuditActions.ActivationExpired], scheduled.Settle(Now.AddHours(5)));
        Assert.Equal((ActivationStatus.Expired, (DateTimeOffset?)Now.AddHours(3), 2), (scheduled.Status, scheduled.ClosedAt, scheduled.Version));
        Assert.Empty(scheduled.Settle(Now.AddHours(6)));
        Assert.Equal(2, scheduled.Version);

        var pending = Create(ActivationOutcome.PendingApproval);
        Assert.Equal([AuditActions.ActivationTimedOut], pending.Settle(Now.AddHours(5)));
        Assert.Equal((ActivationStatus.TimedOut, (DateTimeOffset?)Now.AddHours(4), 2), (pending.Status, pending.ClosedAt, pending.Version));

        var active = Create(ActivationOutcome.Active);
        Assert.Empty(active.Settle(Now.AddMinutes(59)));
        Assert.Equal(1, active.Version);
        Assert.Equal([AuditActions.ActivationExpired], active.Settle(Now.AddHours(1)));
        Assert.Equal(Now.AddHours(1), active.ClosedAt);
    }

    // ---------------------------------------------------------------- approval of the request

    [Fact]
    public void Each_stage_takes_its_own_approver_the_deadline_moves_with_the_stage_and_the_last_starts_the_clock()
    {
        var request = Create(ActivationOutcome.PendingApproval, Policy([Stage("owners"), Stage("leads")]));
        Assert.Equal(ApprovalStep.StagePassed, request.Decide(Person("olga", "owners"), true, "ok", Now.AddHours(1)));
        Assert.Equal((ActivationStatus.PendingApproval, (DateTimeOffset?)Now.AddHours(5), 2), (request.Status, request.ApprovalDeadline, request.Version));
        Assert.Null(request.Decision);
        Assert.Null(request.EndsAt);
        Assert.Equal(1, request.Approval!.CurrentStage);

        var refusal = Refused(ErrorCodes.Forbidden, () => request.Decide(Person("olga", "owners"), true, "again", Now.AddHours(2)));
        Assert.Equal($"You are not an approver of stage 2 of this request for '{Role}'.", refusal.Message);

        Assert.Equal(ApprovalStep.Approved, request.Decide(Person("lee", "leads"), true, "fine", Now.AddHours(2)));
        Assert.Equal(new ApprovalDecision(true, "lee", Now.AddHours(2), "fine"), request.Decision);
        Assert.Equal((ActivationStatus.Active, Now.AddHours(2), (DateTimeOffset?)Now.AddHours(3), 3),
            (request.Status, request.StartsAt, request.EndsAt, request.Version));
    }

    [Fact]
    public void An_approver_in_two_stages_is_told_the_stage_another_approver_decides()
    {
        var request = Create(ActivationOutcome.PendingApproval, Policy([Stage("owners"), Stage("owners")]));
        request.Decide(Person("olga", "owners"), true, "ok", Now);
        var refusal = Refused(ErrorCodes.AlreadyDecided, () => request.Decide(Person("olga", "owners"), true, "again", Now));
        Assert.Equal($"You already decided a stage of activation request '{request.Id}': a person's decision counts in one stage only; another approver decides stage 2.",
            refusal.Message);
    }

    [Fact]
    public void Approval_before_the_requested_start_schedules_the_request_and_its_end_stays_within_the_eligibility()
    {
        var request = Create(ActivationOutcome.PendingApproval, eligibilityEnds: Now.AddHours(5).AddMinutes(30), startsAt: Now.AddHours(5));
        request.Decide(Person("olga", "owners"), true, null, Now.AddHours(1));
        Assert.Equal((ActivationStatus.Scheduled, Now.AddHours(5), (DateTimeOffset?)Now.AddHours(5).AddMinutes(30)),
            (request.Status, request.StartsAt, request.EndsAt));
    }

    [Fact]
    public void A_deny_closes_the_request_with_the_decision()
    {
        var request = Create(ActivationOutcome.PendingApproval, Policy([Stage("owners"), Stage("leads")]));
        Assert.Equal(ApprovalStep.Denied, request.Decide(Person("olga", "owners"), false, "no ticket", Now.AddMinutes(5)));
        Assert.Equal((ActivationStatus.Denied, (DateTimeOffset?)Now.AddMinutes(5), 2), (request.Status, request.ClosedAt, request.Version));
        Assert.Equal(new ApprovalDecision(false, "olga", Now.AddMinutes(5), "no ticket"), request.Decision);
        Assert.Null(request.EndsAt);
    }

    [Fact]
    public void Nobody_decides_their_own_request_even_as_an_approver()
    {
        var request = Create(ActivationOutcome.PendingApproval, Policy([Stage()]));
        var bob = new ApproverFacts("bob", [], HoldsDefaultApproverRole: true, Enabled: true);
        Assert.Equal("Nobody approves or denies their own activation request.",
            Refused(ErrorCodes.SelfApprovalForbidden, () => request.Decide(bob, true, null, Now)).Message);
        Assert.False(request.MayBeDecidedBy(bob, Now));
        Assert.Equal(ActivationStatus.PendingApproval, request.Status);
    }

    [Fact]
    public void A_closed_request_is_neither_approved_nor_denied_and_the_refusal_says_what_it_is()
    {
        var request = Create(ActivationOutcome.Active);
        Assert.Equal($"Activation request '{request.Id}' is active; only a request that is pendingApproval can be approved.",
            Refused(ErrorCodes.InvalidStateTransition, () => request.Decide(Person("olga"), true, null, Now)).Message);
        Assert.Equal($"Activation request '{request.Id}' is active; only a request that is pendingApproval can be denied.",
            Refused(ErrorCodes.InvalidStateTransition, () => request.Decide(Person("olga"), false, null, Now)).Message);
    }

    [Fact]
    public void A_request_waiting_without_stages_cannot_be_decided()
    {
        var legacy = ActivationRequest.Rehydrate("contoso", "r1", "bob", Role, "/", "a1", ActivationStatus.PendingApproval, TimeSpan.FromHours(1), null,
            null, Now, Now, null, null, Now.AddHours(4), null, null, 1);
        var failure = Assert.Throws<InvalidOperationException>(() => legacy.Decide(Person("olga"), true, null, Now));
        Assert.Equal("Activation request 'r1' waits for a decision but keeps no approval stages.", failure.Message);
    }

    [Fact]
    public void What_waits_for_a_decision_is_the_requests_approval_or_its_extensions_and_nothing_once_decided()
    {
        var request = Create(ActivationOutcome.PendingApproval);
        Assert.Same(request.Approval, request.AwaitingApprovalAt(Now));
        Assert.Null(request.AwaitingApprovalAt(Now.AddHours(4)));
        Assert.True(request.MayBeDecidedBy(Person("olga", "owners"), Now));
        Assert.False(request.MayBeDecidedBy(Person("olga", "owners"), Now.AddHours(4)));
        Assert.False(request.MayBeDecidedBy(Person("ann", "others"), Now));

        request.Decide(Person("olga", "owners"), true, null, Now);
        Assert.Null(request.AwaitingApprovalAt(Now));
        Assert.False(request.MayBeDecidedBy(Person("oscar", "owners"), Now));

        var extension = ApprovalProgress.Start([Stage("leads")], null, Now.AddMinutes(10));
        request.RequestExtension(TimeSpan.FromMinutes(30), "more", Now.AddMinutes(10), extension);
        Assert.Same(extension, request.AwaitingApprovalAt(Now.AddMinutes(10)));
        Assert.True(request.MayBeDecidedBy(Person("lee", "leads"), Now.AddMinutes(10)));
        Assert.False(request.MayBeDecidedBy(Person("olga", "owners"), Now.AddMinutes(10)));
    }

    [Fact]
    public void A_request_made_before_approvals_were_kept_adopts_the_one_stage_it_was_made_under()
    {
        var legacy = ActivationRequest.Rehydrate("contoso", "r1", "bob", Role, "/", "a1", ActivationStatus.PendingApproval, TimeSpan.FromHours(1), null,
            null, Now, Now, null, null, Now.AddHours(6), null, null, 1);
        legacy.AdoptApproval(["owners"], TimeSpan.FromMinutes(30));
        var stage = legacy.Approval!.Stages.Single();
        Assert.Equal((1, TimeSpan.FromHours(6), (TimeSpan?)null), (stage.Required, stage.Timeout, stage.EscalateAfter));
        Assert.Equal(["owners"], stage.Approvers);
        Assert.Equal((0, Now, TimeSpan.FromMinutes(30)), (legacy.Approval.CurrentStage, legacy.Approval.StageStartedAt, legacy.Approval.RemindBefore));
        Assert.Empty(legacy.Approval.Decisions);
        Assert.Equal(Now.AddHours(6), legacy.Approval.Deadline);

        var kept = legacy.Approval;
        legacy.AdoptApproval(["others"], null);
        Assert.Same(kept, legacy.Approval);

        var undated = ActivationRequest.Rehydrate("contoso", "r2", "bob", Role, "/", "a1", ActivationStatus.PendingApproval, TimeSpan.FromHours(1), null,
            null, Now, Now, null, null, null, null, null, 1);
        undated.AdoptApproval(["owners"], null);
        Assert.Null(undated.Approval);

        var denied = ActivationRequest.Rehydrate("contoso", "r3", "bob", Role, "/", "a1", ActivationStatus.Denied, TimeSpan.FromHours(1), null,
            null, Now, Now, null, null, Now.AddHours(6), null, Now, 2);
        denied.AdoptApproval(["owners"], null);
        Assert.Null(denied.Approval);
    }

    [Fact]
    public void An_extension_made_before_approvals_were_kept_adopts_the_one_stage_it_was_made_under()
    {
        var waiting = new PendingExtension(TimeSpan.FromMinutes(30), "more", Now.AddMinutes(10), Now.AddMinutes(10).AddHours(2));
        var request = ActivationRequest.Rehydrate("contoso", "r1", "bob", Role, "/", "a1", ActivationStatus.Active, TimeSpan.FromHours(1), null,
            null, Now, Now, Now.AddHours(1), null, null, null, null, 3, extension: waiting);
        request.AdoptApproval(["owners"], TimeSpan.FromMinutes(15));
        var approval = request.Extension!.Approval!;
        Assert.Equal((TimeSpan.FromHours(2), 1), (approval.Stages.Single().Timeout, approval.Stages.Single().Required));
        Assert.Equal(["owners"], approval.Stages.Single().Approvers);
        Assert.Equal((0, Now.AddMinutes(10), TimeSpan.FromMinutes(15)), (approval.CurrentStage, approval.StageStartedAt, approval.RemindBefore));
        Assert.Equal(waiting with { Approval = approval }, request.Extension);
        Assert.Null(request.Approval);
    }
}
