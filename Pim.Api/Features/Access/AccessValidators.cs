using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Access;

public sealed class EvaluationRequestValidator : AbstractValidator<EvaluationRequest>
{
    public EvaluationRequestValidator() => RuleFor(r => r.RoleId).MustBeRole();
}
