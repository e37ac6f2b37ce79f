using Pim.Api.Tests.Support.Fakes;
using Pim.Domain;

namespace Pim.Api.Tests.Activations;

/// <summary>
/// Requesting and living through an activation, as use cases over in-memory ports: what is answered, recorded, audited
/// and emailed — without HTTP or a database.
/// </summary>
[Trait("Store", "none")]
public sealed class ActivationUseCaseTests
{
    private readonly UseCases _pim = new();

    [Fact]
    public async Task An_activation_without_approval_is_active_at_once_audited_and_announced()
    {
        var activation = await _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default);

        Assert.Equal(ActivationStatus.Active, activation.Status);
        Assert.Equal(_pim.Now.AddHours(1), activation.Request.EndsAt);
        Assert.Equal(["activation.requested", "activation.activated"], _pim.AuditActions(activation.Request.Id));
        var email = Assert.Single(_pim.Store.Emails);
        Assert.Equal(["alice@contoso.example"], email.To);
        Assert.StartsWith("PIM: bob activated Exchange Administrator", email.Subject);
        Assert.True((await _pim.Access.EvaluateAsync(UseCases.As("bob"), "bob", UseCases.Exchange, ScopePath.Root, default)).Granted);
    }

    [Fact]
    public async Task A_refused_activation_leaves_nothing_behind()
    {
        var refusal = await Assert.ThrowsAsync<PimException>(() => _pim.Activations.RequestAsync(UseCases.As("bob", mfa: false), UseCases.Ask(), default));
        Assert.Equal(ErrorCodes.MfaRequired, refusal.Code);
        refusal = await Assert.ThrowsAsync<PimException>(() => _pim.Activations.RequestAsync(UseCases.As("carol"), UseCases.Ask(), default));
        Assert.Equal(ErrorCodes.NotEligible, refusal.Code);
        Assert.DoesNotContain(_pim.AuditActions(), a => a.StartsWith("activation.", StringComparison.Ordinal));
        Assert.Empty(_pim.Store.Emails);
    }

    [Fact]
    public async Task A_second_open_request_is_refused_until_the_first_has_ended()
    {
        var first = await _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default);
        Assert.Equal(ErrorCodes.ActivationAlreadyOpen,
            (await Assert.ThrowsAsync<PimException>(() => _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default))).Code);

        _pim.Time.Advance(TimeSpan.FromHours(1)); // the first expires; nobody has swept yet
        var second = await _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default);
        Assert.Equal(ActivationStatus.Active, second.Status);
        Assert.Equal(["activation.requested", "activation.activated", "activation.expired"], _pim.AuditActions(first.Request.Id));
    }

    [Fact]
    public async Task A_group_member_activates_through_the_group_and_loses_it_with_the_membership()
    {
        var dave = UseCases.As("dave");
        var activation = await _pim.Activations.RequestAsync(dave, UseCases.Ask(UseCases.Helpdesk), default);
        Assert.Equal(ActivationStatus.Active, activation.Status);

        await _pim.Principals.UpsertAsync(UseCases.Sync, new Principal(UseCases.TenantId, "dave", PrincipalKind.User, "dave", "dave@contoso.example", null, null, []), default);

        Assert.Equal(ActivationStatus.Revoked, (await _pim.Activations.GetAsync(dave, activation.Request.Id, default)).Status);
        Assert.False((await _pim.Access.EvaluateAsync(dave, "dave", UseCases.Helpdesk, ScopePath.Root, default)).Granted);
        var revoked = _pim.Store.Audit.Single(e => e.Action == AuditActions.ActivationRevoked);
        Assert.Equal("{\"reason\":\"membership-removed\"}", revoked.Details);
    }

    [Fact]
    public async Task The_sweeper_records_the_end_once_and_evaluation_never_waited_for_it()
    {
        var activation = await _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default);
        _pim.Time.Advance(TimeSpan.FromHours(1));
        Assert.False((await _pim.Access.EvaluateAsync(UseCases.As("bob"), "bob", UseCases.Exchange, ScopePath.Root, default)).Granted);
        Assert.Equal(ActivationStatus.Expired, Assert.Single(await _pim.Lifecycle.SweepAsync(50, default)).Status);
        Assert.Empty(await _pim.Lifecycle.SweepAsync(50, default));
        Assert.Equal(["activation.requested", "activation.activated", "activation.expired"], _pim.AuditActions(activation.Request.Id));
    }

    [Fact]
    public async Task An_extension_needing_approval_waits_and_the_activation_stays_as_it_was()
    {
        var activation = await _pim.Activations.RequestAsync(UseCases.As("bob"), UseCases.Ask(), default);
        await _pim.SetAsync(UseCases.Exchange, s => s with { Activation = s.Activation with { MaximumDuration = TimeSpan.FromHours(2), RequireApproval = true } });
        var extended = await _pim.Lifecycle.ExtendAsync(UseCases.As("bob"), activation.Request.Id, TimeSpan.FromMinutes(30), "more", default);

        Assert.Equal(activation.Request.EndsAt, extended.Request.EndsAt);
        Assert.Equal(TimeSpan.FromMinutes(30), extended.PendingExtension?.Duration);
        Assert.Contains(_pim.Store.Emails, e => e.Subject.StartsWith("PIM: approval needed", StringComparison.Ordinal));
        Assert.Equal(ErrorCodes.Forbidden,
            (await Assert.ThrowsAsync<PimException>(() => _pim.Lifecycle.ExtendAsync(UseCases.As("carol"), activation.Request.Id, TimeSpan.FromMinutes(5), null, default))).Code);
    }
}
