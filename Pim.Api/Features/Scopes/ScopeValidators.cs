using FluentValidation;

namespace Pim.Api.Features.Scopes;

public sealed class ManagementGroupRequestValidator : AbstractValidator<ManagementGroupRequest>
{
    public ManagementGroupRequestValidator() => RuleFor(r => r.DisplayName).NotEmpty();
}

public sealed class SubscriptionRequestValidator : AbstractValidator<SubscriptionRequest>
{
    public SubscriptionRequestValidator() => RuleFor(r => r.DisplayName).NotEmpty();
}
