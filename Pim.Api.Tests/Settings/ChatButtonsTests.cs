using Pim.Domain;

namespace Pim.Api.Tests.Settings;

/// <summary>
/// Whether chat (Slack) may carry Approve / Deny buttons for a role: by default for every role but the two that rule the
/// whole directory, as its settings say otherwise, never when its approvers must sign in with MFA (a click carries no
/// sign-in) — and for a group's role, only when every role the group confers allows them. Pure, no database.
/// </summary>
[Trait("Store", "none")]
public sealed class ChatButtonsTests
{
    private static RoleSettings With(string roleId, bool? chatButtons = null, bool approverMfa = false)
    {
        var settings = RoleSettings.Default(roleId);
        var stage = new ApprovalStage(["security-team"], 1, TimeSpan.FromHours(4), null, []);
        return settings with { Activation = settings.Activation.WithApproval([stage], [], chatButtons, approverMfa) };
    }

    [Theory]
    [InlineData(RoleCatalog.GlobalAdministrator, false)]
    [InlineData(RoleCatalog.PrivilegedRoleAdministrator, false)]
    [InlineData("exchange-administrator", true)]
    [InlineData(RoleCatalog.Member, true)]
    public void Buttons_are_offered_by_default_for_every_role_but_the_two_that_rule_the_directory(string roleId, bool buttons)
    {
        Assert.Equal(buttons, RoleSettings.DefaultChatButtons(roleId));
        Assert.Equal(buttons, With(roleId).ChatButtonsAllowed);
        Assert.False(With(roleId).ApproversNeedMfa);
        Assert.False(RoleSettings.Default(roleId).ApproversNeedMfa);
    }

    [Fact]
    public void The_settings_decide_over_the_default_but_approvers_who_need_MFA_get_no_buttons()
    {
        Assert.True(With(RoleCatalog.GlobalAdministrator, chatButtons: true).ChatButtonsAllowed);
        Assert.False(With("exchange-administrator", chatButtons: false).ChatButtonsAllowed);
        var mfa = With("exchange-administrator", chatButtons: true, approverMfa: true);
        Assert.True(mfa.ApproversNeedMfa);
        Assert.False(mfa.ChatButtonsAllowed);
    }

    [Fact]
    public void A_groups_role_offers_buttons_only_where_every_role_it_confers_does_and_needs_MFA_where_any_does()
    {
        var member = With(RoleCatalog.Member);
        Assert.False(GoverningPolicy.Strictest(member, [With(RoleCatalog.GlobalAdministrator)]).ChatButtonsAllowed);
        Assert.True(GoverningPolicy.Strictest(member, [With(RoleCatalog.GlobalAdministrator, chatButtons: true)]).ChatButtonsAllowed);
        Assert.True(GoverningPolicy.Strictest(member, [With("exchange-administrator")]).ChatButtonsAllowed);

        var strict = GoverningPolicy.Strictest(member, [With("exchange-administrator", approverMfa: true), With("helpdesk-administrator")]);
        Assert.True(strict.ApproversNeedMfa);
        Assert.False(strict.ChatButtonsAllowed);
        Assert.False(GoverningPolicy.Strictest(member, [With("exchange-administrator"), With("helpdesk-administrator")]).ApproversNeedMfa);
    }
}
