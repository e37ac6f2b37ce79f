using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Access;

/// <summary>
/// A batch holds 1 to <see cref="BatchEvaluation.MaximumItems"/> items (the upper bound is the wire's), and every item,
/// with the defaults, names a principal and a role of the catalog.
/// </summary>
public sealed class BatchEvaluationRequestValidator : AbstractValidator<BatchEvaluationRequest>
{
    public BatchEvaluationRequestValidator()
    {
        RuleFor(r => r.Evaluations).NotEmpty().WithMessage($"'evaluations' must hold 1 to {BatchEvaluation.MaximumItems} items.");
        RuleFor(r => r.RoleId).MustBeRole();
        RuleForEach(r => r.Evaluations).NotNull().WithMessage("Each item of 'evaluations' must be an object.");
        RuleForEach(r => r.Evaluations).ChildRules(item => item.RuleFor(i => i.RoleId).MustBeRole());
        RuleFor(r => r).Custom((batch, context) =>
        {
            for (var i = 0; i < batch.Evaluations.Count; i++)
            {
                if (batch.Evaluations[i] is null) continue;
                if (batch.Evaluations[i].PrincipalId is null && batch.PrincipalId is null)
                    context.AddFailure($"evaluations[{i}].principalId", "Name the principal in the item or as the batch's default 'principalId'.");
                if (batch.Evaluations[i].RoleId is null && batch.RoleId is null)
                    context.AddFailure($"evaluations[{i}].roleId", "Name the role in the item or as the batch's default 'roleId'.");
            }
        });
    }
}
