using Pim.Domain;

namespace Pim.Api.Tests.Activations;

/// <summary>The activation request's edges, continued: extensions, what the requester and administrators may do, notices, the wire.</summary>
[Trait("Store", "none")]
public sealed partial class ActivationRequestEdgeTests
{
    // ---------------------------------------------------------------- extensions

    [Fact]
    public void An_extension_lengthens_the_activation_and_never_past_its_eligibility()
    {
        var request = Create(ActivationOutcome.Active, eligibilityEnds: Now.AddHours(1).AddMinutes(20));
        request.Extend(TimeSpan.FromMinutes(15), Now.AddMinutes(30));
        Assert.Equal((Now.AddHours(1).AddMinutes(15), TimeSpan.FromMinutes(75), 2), (request.EndsAt!.Value, request.Duration, request.Version));
        request.Extend(TimeSpan.FromMinutes(15), Now.AddMinutes(40));
        Assert.Equal((Now.AddHours(1).AddMinutes(20), TimeSpan.FromMinutes(80)), (request.EndsAt!.Value, request.Duration));

        var permanent = Create(ActivationOutcome.Active);
        permanent.Extend(TimeSpan.FromHours(2), Now);
        Assert.Equal(Now.AddHours(3), permanent.EndsAt);
    }

    [Fact]
    public void Only_an_active_activation_is_extended()
    {
        var scheduled = Create(ActivationOutcome.Scheduled, startsAt: Now.AddHours(1));
        var refusal = Refused(ErrorCodes.InvalidStateTransition, () => scheduled.Extend(TimeSpan.FromMinutes(5), Now));
        Assert.Equal($"Activation request '{scheduled.Id}' is scheduled; only a request that is active can be extended.", refusal.Message);
        Assert.Equal($"Activation request '{scheduled.Id}' is scheduled; only a request that is active can be extended.",
            Refused(ErrorCodes.InvalidStateTransition, () => scheduled.RequestExtension(TimeSpan.FromMinutes(5), null, Now,
                ApprovalProgress.Start([Stage("leads")], null, Now))).Message);
        Assert.Equal(Now.AddHours(2), scheduled.EndsAt);
        Assert.Null(scheduled.Extension);
    }

    [Fact]
    public void An_extension_waits_for_its_own_approval_and_a_second_is_refused_until_the_first_is_decided_or_times_out()
    {
        var request = Create(ActivationOutcome.Active);
        var approval = ApprovalProgress.Start([Stage("leads")], null, Now.AddMinutes(10));
        request.RequestExtension(TimeSpan.FromMinutes(30), "more", Now.AddMinutes(10), approval);
        Assert.Equal(new PendingExtension(TimeSpan.FromMinutes(30), "more", Now.AddMinutes(10), Now.AddMinutes(10).AddHours(4), approval), request.Extension);
        Assert.Equal(2, request.Version);
        Assert.Equal(Now.AddHours(1), request.EndsAt);

        var refusal = Refused(ErrorCodes.InvalidStateTransition, () => request.RequestExtension(TimeSpan.FromMinutes(5), null, Now.AddMinutes(20),
            ApprovalProgress.Start([Stage("leads")], null, Now.AddMinutes(20))));
        Assert.Equal($"An extension of activation request '{request.Id}' already waits for approval.", refusal.Message);
        Refused(ErrorCodes.InvalidStateTransition, () => request.Extend(TimeSpan.FromMinutes(5), Now.AddMinutes(20)));
        Assert.Equal(2, request.Version);
    }

    [Fact]
    public void An_extension_waits_until_its_deadline_and_no_longer_than_the_activation()
    {
        var request = Create(ActivationOutcome.Active, duration: TimeSpan.FromHours(8));
        request.RequestExtension(TimeSpan.FromMinutes(30), null, Now, ApprovalProgress.Start([Stage("leads")], null, Now));
        Assert.True(request.HasPendingExtensionAt(Now.AddHours(4) - Tick));
        Assert.False(request.HasPendingExtensionAt(Now.AddHours(4)));
        request.Extend(TimeSpan.FromMinutes(5), Now.AddHours(4));
        Assert.Equal(Now.AddHours(8).AddMinutes(5), request.EndsAt);

        var shorter = Create(ActivationOutcome.Active);
        shorter.RequestExtension(TimeSpan.FromMinutes(30), null, Now, ApprovalProgress.Start([Stage("leads")], null, Now));
        Assert.False(shorter.HasPendingExtensionAt(Now.AddHours(1)));
        Assert.False(Create(ActivationOutcome.Active).HasPendingExtensionAt(Now));
    }

    [Fact]
    public void An_extension_passes_its_stages_like_the_request_and_lengthens_the_activation_at_the_last_within_the_eligibility()
    {
        var request = Create(ActivationOutcome.Active, eligibilityEnds: Now.AddHours(1).AddMinutes(20));
        request.RequestExtension(TimeSpan.FromMinutes(30), "more", Now.AddMinutes(10),
            ApprovalProgress.Start([Stage("leads"), Stage("owners")], null, Now.AddMinutes(10)));

        Assert.Equal(ApprovalStep.StagePassed, request.Decide(Person("lee", "leads"), true, "ok", Now.AddMinutes(20)));
        Assert.Equal((1, Now.AddMinutes(20).AddHours(4)), (request.Extension!.Approval!.CurrentStage, request.Extension.Deadline));
        Assert.Equal((Now.AddHours(1), 3, ActivationStatus.Active), (request.EndsAt!.Value, request.Version, request.Status));
        Assert.Null(request.Decision);

        Assert.Equal(ApprovalStep.Approved, request.Decide(Person("olga", "owners"), true, "ok", Now.AddMinutes(30)));
        Assert.Null(request.Extension);
        Assert.Equal((Now.AddHours(1).AddMinutes(20), TimeSpan.FromMinutes(80), 4), (request.EndsAt!.Value, request.Duration, request.Version));
        Assert.Equal(ActivationStatus.Active, request.Status);
    }

    [Fact]
    public void A_denied_extension_is_dropped_and_the_activation_goes_on_as_it_was()
    {
        var request = Create(ActivationOutcome.Active);
        request.RequestExtension(TimeSpan.FromMinutes(30), "more", Now, ApprovalProgress.Start([Stage("leads"), Stage("owners")], null, Now));
        Assert.Equal(ApprovalStep.Denied, request.Decide(Person("lee", "leads"), false, "no", Now.AddMinutes(5)));
        Assert.Null(request.Extension);
        Assert.Equal((ActivationStatus.Active, (DateTimeOffset?)Now.AddHours(1), 3), (request.Status, request.EndsAt, request.Version));
        Assert.Null(request.Decision);
        Assert.Null(request.ClosedAt);
    }

    [Fact]
    public void An_extension_that_timed_out_is_no_longer_decided()
    {
        var request = Create(ActivationOutcome.Active, duration: TimeSpan.FromHours(8));
        request.RequestExtension(TimeSpan.FromMinutes(30), "more", Now, ApprovalProgress.Start([Stage("leads")], null, Now));
        Refused(ErrorCodes.InvalidStateTransition, () => request.Decide(Person("lee", "leads"), true, "late", Now.AddHours(4)));
        Assert.Equal(Now.AddHours(8), request.EndsAt);
    }

    // ---------------------------------------------------------------- the requester, administrators

    [Fact]
    public void Cancel_and_deactivate_refuse_other_states_naming_those_they_accept()
    {
        var active = Create(ActivationOutcome.Active);
        Assert.Equal($"Activation request '{active.Id}' is active; only a request that is pendingApproval or scheduled can be canceled.",
            Refused(ErrorCodes.InvalidStateTransition, () => active.Cancel(Now)).Message);
        var pending = Create(ActivationOutcome.PendingApproval);
        Assert.Equal($"Activation request '{pending.Id}' is pendingApproval; only a request that is active can be deactivated.",
            Refused(ErrorCodes.InvalidStateTransition, () => pending.Deactivate(Now)).Message);
        pending.Cancel(Now.AddMinutes(1));
        Assert.Equal((ActivationStatus.Canceled, (DateTimeOffset?)Now.AddMinutes(1), 2), (pending.Status, pending.ClosedAt, pending.Version));
        active.Deactivate(Now.AddMinutes(2));
        Assert.Equal((ActivationStatus.Deactivated, (DateTimeOffset?)Now.AddMinutes(2), (DateTimeOffset?)Now.AddMinutes(2), 2),
            (active.Status, active.EndsAt, active.ClosedAt, active.Version));
    }

    [Fact]
    public void A_revoked_request_ends_now_whatever_its_open_state()
    {
        var active = Create(ActivationOutcome.Active);
        active.Revoke(Now.AddMinutes(10));
        Assert.Equal((ActivationStatus.Revoked, (DateTimeOffset?)Now.AddMinutes(10), (DateTimeOffset?)Now.AddMinutes(10), 2),
            (active.Status, active.EndsAt, active.ClosedAt, active.Version));
        var pending = Create(ActivationOutcome.PendingApproval);
        pending.Revoke(Now.AddMinutes(10));
        Assert.Equal(Now.AddMinutes(10), pending.EndsAt);
        var scheduled = Create(ActivationOutcome.Scheduled, startsAt: Now.AddHours(1));
        scheduled.Revoke(Now.AddMinutes(10));
        Assert.Equal(Now.AddMinutes(10), scheduled.EndsAt);
        Assert.Equal($"Activation request '{active.Id}' is revoked; only a request that is pendingApproval or scheduled or active can be revoked.",
            Refused(ErrorCodes.InvalidStateTransition, () => active.Revoke(Now.AddMinutes(11))).Message);
    }

    [Fact]
    public void A_break_glass_follow_up_is_acknowledged_once_by_someone_else()
    {
        var request = Create(ActivationOutcome.Active, breakGlass: true);
        Assert.Equal("Nobody acknowledges their own break-glass activation.",
            Refused(ErrorCodes.SelfApprovalForbidden, () => request.Acknowledge("bob", "fine", Now)).Message);
        request.Acknowledge("alice", "checked", Now.AddHours(2));
        Assert.Equal(new BreakGlassFollowUp(Now.AddHours(24), "alice", Now.AddHours(2), "checked"), request.FollowUp);
        Assert.Equal(2, request.Version);
        Assert.Equal($"Activation request '{request.Id}' has no break-glass follow-up waiting for an acknowledgement.",
            Refused(ErrorCodes.InvalidStateTransition, () => request.Acknowledge("carol", "again", Now.AddHours(3))).Message);
        Refused(ErrorCodes.InvalidStateTransition, () => Create(ActivationOutcome.Active).Acknowledge("alice", "x", Now));
    }

    // ---------------------------------------------------------------- notices

    [Fact]
    public void A_pending_request_is_reminded_and_escalated_by_stage_and_nothing_else()
    {
        var stage = new ApprovalStage(["owners"], 1, TimeSpan.FromHours(4), TimeSpan.FromHours(2), ["leads"]);
        var request = Create(ActivationOutcome.PendingApproval, Policy([stage], remindBefore: TimeSpan.FromHours(1), expiryWarning: TimeSpan.FromMinutes(15)));
        Assert.Equal([
            new ActivationNotice(NoticeKind.ApprovalReminder, Now.AddHours(3), "approval:0:reminder", 0, false),
            new ActivationNotice(NoticeKind.Escalation, Now.AddHours(2), "approval:0:escalation", 0, false),
        ], request.Notices());
        Assert.Equal(Now.AddHours(2), request.NextNoticeAt);
    }

    [Fact]
    public void A_decided_request_is_reminded_of_nothing()
    {
        var request = Create(ActivationOutcome.PendingApproval, Policy([Stage("owners"), Stage("leads")], remindBefore: TimeSpan.FromHours(1)));
        request.Decide(Person("olga", "owners"), false, "no", Now);
        Assert.Empty(request.Notices());
        Assert.Null(request.NextNoticeAt);
    }

    [Fact]
    public void An_active_request_is_warned_before_its_end_and_reminds_the_approvers_of_its_extension()
    {
        var request = Create(ActivationOutcome.Active, Policy([Stage("owners")], remindBefore: TimeSpan.FromHours(1), expiryWarning: TimeSpan.FromMinutes(15)));
        Assert.Equal([new ActivationNotice(NoticeKind.ExpiryWarning, Now.AddMinutes(45), $"expiry:{Now.AddHours(1).UtcTicks}")], request.Notices());
        request.RequestExtension(TimeSpan.FromMinutes(30), null, Now.AddMinutes(5),
            ApprovalProgress.Start([Stage("leads")], TimeSpan.FromHours(1), Now.AddMinutes(5)));
        Assert.Equal([
            new ActivationNotice(NoticeKind.ApprovalReminder, Now.AddMinutes(5).AddHours(3), $"extension:{Now.AddMinutes(5).UtcTicks}:0:reminder", 0, true),
            new ActivationNotice(NoticeKind.ExpiryWarning, Now.AddMinutes(45), $"expiry:{Now.AddHours(1).UtcTicks}"),
        ], request.Notices());
        Assert.Equal(Now.AddMinutes(45), request.NextNoticeAt);
    }

    [Fact]
    public void A_scheduled_request_is_warned_before_its_end_and_a_closed_one_is_not()
    {
        var policy = Policy(expiryWarning: TimeSpan.FromMinutes(15));
        var scheduled = Create(ActivationOutcome.Scheduled, policy, startsAt: Now.AddHours(1));
        Assert.Equal(NoticeKind.ExpiryWarning, Assert.Single(scheduled.Notices()).Kind);
        var deactivated = Create(ActivationOutcome.Active, policy, duration: TimeSpan.FromHours(2));
        deactivated.Deactivate(Now.AddMinutes(40));
        Assert.Empty(deactivated.Notices());
        var expired = Create(ActivationOutcome.Active, policy);
        expired.RequestExtension(TimeSpan.FromMinutes(30), null, Now, ApprovalProgress.Start([Stage("leads")], TimeSpan.FromHours(1), Now));
        expired.Settle(Now.AddHours(2));
        Assert.Equal(ActivationStatus.Expired, expired.Status);
        Assert.Empty(expired.Notices());
    }

    [Fact]
    public void A_break_glass_follow_up_is_raised_at_its_due_time_until_acknowledged()
    {
        var request = Create(ActivationOutcome.Active, Policy(), breakGlass: true);
        Assert.Equal([new ActivationNotice(NoticeKind.FollowUpOverdue, Now.AddHours(24), "followUp")], request.Notices());
        request.Acknowledge("alice", "checked", Now.AddHours(1));
        Assert.Empty(request.Notices());
    }

    [Fact]
    public void Due_notices_are_taken_at_their_instant_once_and_returned_while_they_still_matter()
    {
        var stage = new ApprovalStage(["owners"], 1, TimeSpan.FromHours(4), TimeSpan.FromHours(2), ["leads"]);
        var request = Create(ActivationOutcome.PendingApproval, Policy([stage], remindBefore: TimeSpan.FromHours(1)));
        Assert.Empty(request.TakeDueNotices(Now.AddHours(2) - Tick));
        Assert.Equal(1, request.Version);
        Assert.Equal(NoticeKind.Escalation, Assert.Single(request.TakeDueNotices(Now.AddHours(2))).Kind);
        Assert.Equal(["approval:0:escalation"], request.NoticesSent);
        Assert.Equal(2, request.Version);
        Assert.Empty(request.TakeDueNotices(Now.AddHours(2)));
        Assert.Equal(Now.AddHours(3), request.NextNoticeAt);

        // Timed out before its notices were taken: recorded as sent, returned to no one.
        var source = Create(ActivationOutcome.PendingApproval, Policy([stage], remindBefore: TimeSpan.FromHours(1)));
        var late = ActivationRequest.Rehydrate(source.TenantId, source.Id, "bob", Role, "/", "a1", ActivationStatus.PendingApproval, TimeSpan.FromHours(1),
            null, null, Now, Now, null, null, Now.AddHours(4), null, null, 1, approval: source.Approval);
        Assert.Empty(late.TakeDueNotices(Now.AddHours(5)));
        Assert.Equal(2, late.NoticesSent.Count);
    }

    [Fact]
    public void An_extensions_reminder_matters_while_the_extension_waits()
    {
        var policy = Policy();
        var waiting = Create(ActivationOutcome.Active, policy, duration: TimeSpan.FromHours(8));
        waiting.RequestExtension(TimeSpan.FromMinutes(30), null, Now, ApprovalProgress.Start([Stage("leads")], TimeSpan.FromHours(1), Now));
        Assert.Equal(NoticeKind.ApprovalReminder, Assert.Single(waiting.TakeDueNotices(Now.AddHours(3))).Kind);

        var decided = Create(ActivationOutcome.Active, policy, duration: TimeSpan.FromHours(8));
        decided.RequestExtension(TimeSpan.FromMinutes(30), null, Now, ApprovalProgress.Start([Stage("leads"), Stage("owners")], TimeSpan.FromHours(1), Now));
        var stale = ActivationRequest.Rehydrate(decided.TenantId, decided.Id, "bob", Role, "/", "a1", ActivationStatus.Active, TimeSpan.FromHours(8), null,
            null, Now, Now, Now.AddHours(8), null, null, null, null, 2, extension: decided.Extension! with { Deadline = Now.AddHours(2) });
        Assert.Empty(stale.TakeDueNotices(Now.AddHours(3)));
        Assert.Single(stale.NoticesSent);
    }

    [Fact]
    public void An_expiry_warning_matters_while_the_access_is_on_and_a_follow_up_while_it_is_open()
    {
        var policy = Policy(expiryWarning: TimeSpan.FromMinutes(15));
        var active = Create(ActivationOutcome.Active, policy);
        Assert.Equal(NoticeKind.ExpiryWarning, Assert.Single(active.TakeDueNotices(Now.AddMinutes(45))).Kind);
        var ended = Create(ActivationOutcome.Active, policy);
        Assert.Empty(ended.TakeDueNotices(Now.AddHours(1)));
        Assert.Single(ended.NoticesSent);

        var glass = Create(ActivationOutcome.Active, Policy(), breakGlass: true);
        Assert.Equal(NoticeKind.FollowUpOverdue, Assert.Single(glass.TakeDueNotices(Now.AddHours(24))).Kind);
    }

    // ---------------------------------------------------------------- the wire

    [Theory]
    [InlineData(ActivationStatus.PendingApproval, "pendingApproval")]
    [InlineData(ActivationStatus.Scheduled, "scheduled")]
    [InlineData(ActivationStatus.Active, "active")]
    [InlineData(ActivationStatus.Denied, "denied")]
    [InlineData(ActivationStatus.TimedOut, "timedOut")]
    [InlineData(ActivationStatus.Canceled, "canceled")]
    [InlineData(ActivationStatus.Deactivated, "deactivated")]
    [InlineData(ActivationStatus.Expired, "expired")]
    [InlineData(ActivationStatus.Revoked, "revoked")]
    public void Each_status_has_one_wire_name(ActivationStatus status, string wire)
    {
        Assert.Equal(wire, ActivationRequest.Wire(status));
        Assert.Equal(status, ActivationRequest.ParseWire(wire));
    }

    [Theory]
    [InlineData("PendingApproval")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_no_status(string? wire) => Assert.Null(ActivationRequest.ParseWire(wire));
}
