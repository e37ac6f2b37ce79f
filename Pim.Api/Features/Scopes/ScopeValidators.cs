using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Scopes;

public sealed class ManagementGroupRequestValidator : AbstractValidator<ManagementGroupRequest>
{
    public ManagementGroupRequestValidator()
    {
        RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Rules.MaxDisplayName);
        RuleFor(r => r.ParentId).MustBeId();
    }
}

public sealed class SubscriptionRequestValidator : AbstractValidator<SubscriptionRequest>
{
    public SubscriptionRequestValidator()
    {
        RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Rules.MaxDisplayName);
        RuleFor(r => r.ManagementGroupId).MustBeId();
    }
}

public sealed class ResourceGroupRequestValidator : AbstractValidator<ResourceGroupRequest>
{
    public ResourceGroupRequestValidator() => RuleFor(r => r.DisplayName).MaximumLength(Rules.MaxDisplayName);
}
