using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Scopes;

public sealed class ManagementGroupRequestValidator : AbstractValidator<ManagementGroupRequest>
{
    public ManagementGroupRequestValidator() => RuleFor(r => r.DisplayName).NotBlank();
}

public sealed class SubscriptionRequestValidator : AbstractValidator<SubscriptionRequest>
{
    public SubscriptionRequestValidator() => RuleFor(r => r.DisplayName).NotBlank();
}
