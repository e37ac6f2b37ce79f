using Pim.Api.Tests.Support.Fakes;
using Pim.Domain;

namespace Pim.Api.Tests.Principals;

/// <summary>The directory's rules, as use cases over in-memory ports: nested groups, cycles, and leavers.</summary>
[Trait("Store", "none")]
public sealed class PrincipalUseCaseTests
{
    private readonly UseCases _pim = new();

    private Task SyncAsync(string id, PrincipalKind kind, params string[] memberOf) =>
        _pim.Principals.UpsertAsync(UseCases.Sync, new Principal(UseCases.TenantId, id, kind, id, $"{id}@contoso.example", null, null, memberOf), default);

    [Fact]
    public async Task A_member_of_a_group_nested_in_the_approvers_group_decides()
    {
        // Dave is in "team"; "team" is now in "approvers".
        await SyncAsync("approvers", PrincipalKind.Group);
        await SyncAsync("team", PrincipalKind.Group, "approvers");
        await _pim.SetAsync(UseCases.Exchange, s => s with { Activation = s.Activation with { RequireApproval = true, Approvers = ["approvers"] } });
        var pending = await _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default);
        Assert.Contains(_pim.Store.Emails, e => e.Subject.StartsWith("PIM: approval needed", StringComparison.Ordinal) && e.To.Contains("dave@contoso.example"));
        Assert.Equal([pending.Request.Id], (await _pim.Approvals.PendingApprovalsAsync(UseCases.As("dave"), null, 50, default)).Items.Select(r => r.Request.Id));
        Assert.Equal(ActivationStatus.Active, (await _pim.Approvals.ApproveAsync(UseCases.As("dave"), pending.Request.Id, "ok", default)).Status);
    }

    [Fact]
    public async Task A_group_cannot_become_a_member_of_its_own_member_and_nothing_is_written()
    {
        await SyncAsync("outer", PrincipalKind.Group);
        await SyncAsync("team", PrincipalKind.Group, "outer");
        var refused = await Assert.ThrowsAsync<PimException>(() => SyncAsync("outer", PrincipalKind.Group, "team"));
        Assert.Equal(ErrorCodes.MembershipCycle, refused.Code);
        Assert.Empty((await _pim.Principals.GetAsync(UseCases.Sync, "outer", default)).MemberOf);
        Assert.Equal(["outer", "team"], (await _pim.Principals.GetAsync(UseCases.Sync, "dave", default)).TransitiveMemberOf);
    }

    [Fact]
    public async Task A_principal_disabled_has_its_activations_revoked_and_its_waiting_requests_canceled()
    {
        var active = await _pim.Activations.RequestAsync(UseCases.As("dave"), UseCases.Ask(UseCases.Helpdesk), default);
        await _pim.SetAsync(UseCases.Exchange, s => s with { Activation = s.Activation with { RequireApproval = true } });
        var waiting = await _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default);

        foreach (var who in new[] { "dave", "bob" })
            await _pim.Principals.UpsertAsync(UseCases.Sync, (await _pim.Principals.GetAsync(UseCases.Sync, who, default)) with { Enabled = false }, default);

        Assert.Equal(ActivationStatus.Revoked, (await _pim.Activations.GetAsync(UseCases.As("alice"), active.Request.Id, default)).Status);
        Assert.Equal(ActivationStatus.Canceled, (await _pim.Activations.GetAsync(UseCases.As("alice"), waiting.Request.Id, default)).Status);
        Assert.Equal("{\"reason\":\"principal-disabled\"}", _pim.Store.Audit.Single(e => e.Action == AuditActions.ActivationCanceled).Details);
        Assert.Equal(2, _pim.Store.Audit.Count(e => e.Action == AuditActions.PrincipalDisabled));
        Assert.Contains(_pim.Store.Emails, e => e.Subject == "PIM: bob was suspended" && e.To.Contains("alice@contoso.example"));
        var refused = await Assert.ThrowsAsync<PimException>(() => _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default));
        Assert.Equal(ErrorCodes.PrincipalDisabled, refused.Code);
    }
}
