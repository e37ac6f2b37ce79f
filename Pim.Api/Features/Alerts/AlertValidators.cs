using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Alerts;

public sealed class DismissAlertRequestValidator : AbstractValidator<DismissAlertRequest>
{
    public DismissAlertRequestValidator() => RuleFor(r => r.Justification).NotBlank();
}

public sealed class AlertSettingsRequestValidator : AbstractValidator<AlertSettingsRequest>
{
    public AlertSettingsRequestValidator() => RuleFor(r => r.Period).MustBeDuration();
}
