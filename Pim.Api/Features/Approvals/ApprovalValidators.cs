using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Approvals;

public sealed class DecisionRequestValidator : AbstractValidator<DecisionRequest>
{
    public DecisionRequestValidator() => RuleFor(r => r.Justification).NotBlank();
}
