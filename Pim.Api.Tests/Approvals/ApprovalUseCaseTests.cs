using Pim.Api.Tests.Support.Fakes;
using Pim.Domain;

namespace Pim.Api.Tests.Approvals;

/// <summary>Deciding activation requests, as use cases over in-memory ports.</summary>
[Trait("Store", "none")]
public sealed class ApprovalUseCaseTests
{
    private readonly UseCases _pim = new();

    private async Task<ActivationSnapshot> PendingAsync(string principalId = "bob", string roleId = UseCases.Exchange)
    {
        await _pim.SetAsync(roleId, s => s with { Activation = s.Activation with { RequireApproval = true } });
        return await _pim.Activations.RequestAsync(UseCases.As(principalId), UseCases.Ask(roleId), default);
    }

    [Fact]
    public async Task The_clock_starts_at_approval_and_the_requester_hears_of_it()
    {
        var pending = await PendingAsync();
        Assert.Equal(ActivationStatus.PendingApproval, pending.Status);
        Assert.Contains(_pim.Store.Emails, e => e.Subject.StartsWith("PIM: approval needed", StringComparison.Ordinal) && e.To.Contains("alice@contoso.example"));

        _pim.Time.Advance(TimeSpan.FromMinutes(10));
        var approved = await _pim.Approvals.ApproveAsync(UseCases.As("alice"), pending.Request.Id, "ok", default);
        Assert.Equal(ActivationStatus.Active, approved.Status);
        Assert.Equal(_pim.Now.AddHours(1), approved.Request.EndsAt);
        Assert.Equal(["activation.requested", "activation.approved", "activation.activated"], _pim.AuditActions(pending.Request.Id));
        Assert.Contains(_pim.Store.Emails, e => e.Subject == "PIM: your activation of Exchange Administrator was approved" && e.To.Contains("bob@contoso.example"));
    }

    [Fact]
    public async Task Nobody_decides_their_own_request_and_only_approvers_decide()
    {
        await _pim.Store.InsertAsync(RoleAssignment.Create(UseCases.TenantId, "alice", UseCases.Exchange, ScopePath.Root, AssignmentType.Eligible,
            _pim.Now, null, null, _pim.Now, "seed", null), default);
        var alices = await PendingAsync("alice");
        Assert.Equal(ErrorCodes.SelfApprovalForbidden,
            (await Assert.ThrowsAsync<PimException>(() => _pim.Approvals.ApproveAsync(UseCases.As("alice"), alices.Request.Id, "mine", default))).Code);
        Assert.Equal(ErrorCodes.Forbidden,
            (await Assert.ThrowsAsync<PimException>(() => _pim.Approvals.DenyAsync(UseCases.As("carol"), alices.Request.Id, "no", default))).Code);
        Assert.Empty((await _pim.Approvals.PendingApprovalsAsync(UseCases.As("alice"), null, 50, default)).Items);
        Assert.Equal(["activation.requested"], _pim.AuditActions(alices.Request.Id));
    }

    [Fact]
    public async Task Named_approvers_decide_through_their_group()
    {
        await _pim.SetAsync(UseCases.Exchange, s => s with { Activation = s.Activation with { Approvers = ["team"] } });
        var pending = await PendingAsync();
        Assert.Equal(ErrorCodes.Forbidden,
            (await Assert.ThrowsAsync<PimException>(() => _pim.Approvals.ApproveAsync(UseCases.As("alice"), pending.Request.Id, "ok", default))).Code);
        Assert.Equal([pending.Request.Id], (await _pim.Approvals.PendingApprovalsAsync(UseCases.As("dave"), null, 50, default)).Items.Select(r => r.Request.Id));
        var denied = await _pim.Approvals.DenyAsync(UseCases.As("dave"), pending.Request.Id, "not now", default);
        Assert.Equal((ActivationStatus.Denied, "dave"), (denied.Status, denied.Request.Decision?.DecidedBy));
    }

    [Fact]
    public async Task A_request_whose_eligibility_went_is_revoked_at_the_decision_and_the_revocation_kept()
    {
        var pending = await PendingAsync();
        await ((IRoleAssignments)_pim.Store).DeleteAsync(UseCases.TenantId, pending.Request.AssignmentId, default); // behind the use cases' back
        var refusal = await Assert.ThrowsAsync<PimException>(() => _pim.Approvals.ApproveAsync(UseCases.As("alice"), pending.Request.Id, "ok", default));
        Assert.Equal(ErrorCodes.InvalidStateTransition, refusal.Code);
        Assert.Equal(ActivationStatus.Revoked, (await _pim.Activations.GetAsync(UseCases.As("bob"), pending.Request.Id, default)).Status);
        Assert.Equal(["activation.requested", "activation.revoked"], _pim.AuditActions(pending.Request.Id));
        Assert.Contains(_pim.Store.Emails, e => e.Subject.EndsWith("was revoked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_undecided_request_times_out_and_cannot_be_approved_late()
    {
        var pending = await PendingAsync();
        _pim.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ErrorCodes.InvalidStateTransition,
            (await Assert.ThrowsAsync<PimException>(() => _pim.Approvals.ApproveAsync(UseCases.As("alice"), pending.Request.Id, "late", default))).Code);
        Assert.Equal(ActivationStatus.TimedOut, Assert.Single(await _pim.Lifecycle.SweepAsync(50, default)).Status);
        Assert.Contains(_pim.Store.Emails, e => e.Subject == "PIM: your activation of Exchange Administrator was timed out without a decision");
    }
}
