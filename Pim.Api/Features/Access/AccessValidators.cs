using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Access;

public sealed class EvaluationRequestValidator : AbstractValidator<EvaluationRequest>
{
    public EvaluationRequestValidator()
    {
        RuleFor(r => r.PrincipalId).NotEmpty().MustBeId();
        RuleFor(r => r.RoleId).NotEmpty().MustBeRole();
        RuleFor(r => r.Scope).MustBeScope();
    }
}
