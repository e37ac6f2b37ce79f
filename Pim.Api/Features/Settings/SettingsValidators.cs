using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Settings;

public sealed class RoleSettingsValidator : AbstractValidator<RoleSettingsDto>
{
    public RoleSettingsValidator()
    {
        RuleFor(s => s.Activation).NotNull();
        RuleFor(s => s.Assignment).NotNull();
        RuleFor(s => s.Notifications).NotNull();
        RuleFor(s => s.Notifications.OnActivation).NotNull().When(s => s.Notifications is not null);
        When(s => s.Activation is not null, () =>
        {
            RuleFor(s => s.Activation.MaximumDuration).NotEmpty().MustBeDuration()
                .Must(d => IsoDuration.TryParse(d, out var v) && v >= RoleSettings.MinimumActivationDuration && v <= RoleSettings.MaximumActivationDuration)
                .WithMessage("'maximumDuration' must be between PT30M and PT72H.");
            RuleFor(s => s.Activation.MfaMaxAge).MustBeDuration();
            RuleFor(s => s.Activation.ApprovalTimeout).NotEmpty().MustBeDuration()
                .Must(d => IsoDuration.TryParse(d, out var v) && v >= RoleSettings.MinimumApprovalTimeout && v <= RoleSettings.MaximumApprovalTimeout)
                .WithMessage("'approvalTimeout' must be between PT5M and P7D.");
            RuleFor(s => s.Activation.Approvers).NotNull();
        });
        When(s => s.Assignment is not null, () =>
        {
            RuleFor(s => s.Assignment.MaximumEligibleDuration).NotEmpty().MustBeDuration();
            RuleFor(s => s.Assignment.MaximumActiveDuration).NotEmpty().MustBeDuration();
        });
        When(s => s.Notifications?.OnActivation is not null, () =>
        {
            RuleFor(s => s.Notifications.OnActivation.AdditionalRecipients).NotNull();
            RuleForEach(s => s.Notifications.OnActivation.AdditionalRecipients).EmailAddress();
        });
    }
}
