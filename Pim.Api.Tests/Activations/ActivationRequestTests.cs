using Microsoft.Extensions.Time.Testing;
using Pim.Domain;

namespace Pim.Api.Tests.Activations;

/// <summary>The activation request state machine (DESIGN §5), valid and invalid transitions, on a fake clock.</summary>
[Trait("Store", "none")]
public sealed class ActivationRequestTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private DateTimeOffset Now => _time.GetUtcNow();

    private ActivationRequest Request(ActivationOutcome outcome, DateTimeOffset? eligibilityEnds = null, DateTimeOffset? startsAt = null)
    {
        var eligibility = RoleAssignment.Create("contoso", "bob", "exchange-administrator", "/", AssignmentType.Eligible, Now.AddDays(-1),
            eligibilityEnds, null, Now, "alice", null);
        var policy = RoleSettings.Default("exchange-administrator");
        policy = policy with { Activation = policy.Activation with { RequireApproval = true } };
        var ask = new ActivationAsk("exchange-administrator", "/", TimeSpan.FromHours(1), "why", new Ticket("CHG-1", "SN"), startsAt);
        return ActivationRequest.Create("contoso", "bob", eligibility, "/", ask, new ActivationVerdict(outcome, TimeSpan.FromHours(1), startsAt ?? Now),
            policy, Now);
    }

    /// <summary>Alice, an active Privileged Role Administrator: a default approver.</summary>
    private static readonly ApproverFacts Alice = new("alice", [], HoldsDefaultApproverRole: true, Enabled: true);

    private static void Approve(ActivationRequest request, string? justification, DateTimeOffset at) => request.Decide(Alice, true, justification, at);

    private static void Deny(ActivationRequest request, string? justification, DateTimeOffset at) => request.Decide(Alice, false, justification, at);

    private static void Refused(Action transition) =>
        Assert.Equal(ErrorCodes.InvalidStateTransition, Assert.Throws<PimException>(transition).Code);

    [Fact]
    public void An_active_request_ends_after_its_duration()
    {
        var request = Request(ActivationOutcome.Active);
        Assert.Equal(Now.AddHours(1), request.EndsAt);
        Assert.Equal(ActivationStatus.Active, request.StatusAt(Now.AddMinutes(59)));
        Assert.Equal(ActivationStatus.Expired, request.StatusAt(Now.AddHours(1)));
    }

    [Fact]
    public void Access_never_outlives_the_eligibility()
    {
        var request = Request(ActivationOutcome.Active, eligibilityEnds: Now.AddMinutes(20));
        Assert.Equal(Now.AddMinutes(20), request.EndsAt);
    }

    [Fact]
    public void A_scheduled_request_becomes_active_at_its_start()
    {
        var request = Request(ActivationOutcome.Scheduled, startsAt: Now.AddHours(2));
        Assert.Equal(ActivationStatus.Scheduled, request.StatusAt(Now.AddHours(1)));
        Assert.Equal(ActivationStatus.Active, request.StatusAt(Now.AddHours(2)));
        Assert.Equal(ActivationStatus.Expired, request.StatusAt(Now.AddHours(3)));
        Assert.Equal([AuditActions.ActivationActivated], request.Settle(Now.AddHours(2)));
        Assert.Equal(ActivationStatus.Active, request.Status);
    }

    [Fact]
    public void The_approval_clock_starts_at_approval()
    {
        var request = Request(ActivationOutcome.PendingApproval);
        Assert.Null(request.EndsAt);
        _time.Advance(TimeSpan.FromHours(3));
        Approve(request, "ok", Now);
        Assert.Equal(ActivationStatus.Active, request.Status);
        Assert.Equal(Now, request.StartsAt);
        Assert.Equal(Now.AddHours(1), request.EndsAt);
        Assert.Equal(new ApprovalDecision(true, "alice", Now, "ok"), request.Decision);
    }

    [Fact]
    public void Approving_a_request_for_a_later_start_schedules_it()
    {
        var request = Request(ActivationOutcome.PendingApproval, startsAt: Now.AddHours(5));
        Approve(request, "ok", Now.AddHours(1));
        Assert.Equal(ActivationStatus.Scheduled, request.Status);
        Assert.Equal(Now.AddHours(5), request.StartsAt);
        Assert.Equal(Now.AddHours(6), request.EndsAt);
    }

    [Fact]
    public void An_undecided_request_times_out()
    {
        var request = Request(ActivationOutcome.PendingApproval);
        Assert.Equal(ActivationStatus.PendingApproval, request.StatusAt(Now.AddHours(23)));
        Assert.Equal(ActivationStatus.TimedOut, request.StatusAt(Now.AddDays(1)));
        Refused(() => Approve(request, "late", Now.AddDays(1)));
        Assert.Equal([AuditActions.ActivationTimedOut], request.Settle(Now.AddDays(1)));
        Assert.Empty(request.Settle(Now.AddDays(2)));
    }

    [Fact]
    public void Deny_closes_a_pending_request()
    {
        var request = Request(ActivationOutcome.PendingApproval);
        Deny(request, "no ticket", Now);
        Assert.Equal(ActivationStatus.Denied, request.Status);
        Assert.False(request.Decision!.Approved);
        Refused(() => Approve(request, "changed my mind", Now));
        Refused(() => request.Cancel(Now));
    }

    [Fact]
    public void Cancel_is_for_pending_or_scheduled_requests()
    {
        var pending = Request(ActivationOutcome.PendingApproval);
        pending.Cancel(Now);
        Assert.Equal(ActivationStatus.Canceled, pending.Status);

        var scheduled = Request(ActivationOutcome.Scheduled, startsAt: Now.AddHours(1));
        scheduled.Cancel(Now);
        Assert.Equal(ActivationStatus.Canceled, scheduled.Status);

        Refused(() => Request(ActivationOutcome.Active).Cancel(Now));
    }

    [Fact]
    public void Deactivate_ends_an_active_request_now()
    {
        var request = Request(ActivationOutcome.Active);
        _time.Advance(TimeSpan.FromMinutes(10));
        request.Deactivate(Now);
        Assert.Equal((ActivationStatus.Deactivated, (DateTimeOffset?)Now), (request.Status, request.EndsAt));
        Refused(() => request.Deactivate(Now));
        Refused(() => Request(ActivationOutcome.PendingApproval).Deactivate(Now));
        var expired = Request(ActivationOutcome.Active);
        Refused(() => expired.Deactivate(Now.AddHours(2)));
    }

    [Fact]
    public void Revoke_ends_any_open_request()
    {
        foreach (var outcome in Enum.GetValues<ActivationOutcome>())
        {
            var request = Request(outcome, startsAt: outcome == ActivationOutcome.Scheduled ? Now.AddHours(1) : null);
            request.Revoke(Now);
            Assert.Equal(ActivationStatus.Revoked, request.Status);
            Assert.False(request.IsOpenAt(Now));
        }
        var expired = Request(ActivationOutcome.Active);
        Refused(() => expired.Revoke(Now.AddHours(2)));
    }

    [Fact]
    public void Every_transition_moves_the_version()
    {
        var request = Request(ActivationOutcome.PendingApproval);
        var version = request.Version;
        Approve(request, "ok", Now);
        Assert.Equal(version + 1, request.Version);
    }
}
