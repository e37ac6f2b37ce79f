using FluentValidation;

namespace Pim.Api.Features.Access;

/// <summary>
/// AuthZEN: every evaluation needs a subject, an action and a resource, "any of these keys omitted from an evaluation
/// object MUST be provided as a top-level key"; without items, the top level is the evaluation. A missing one is a
/// Bad Request of the whole request, naming where it is missing.
/// </summary>
public sealed class AuthZenEvaluationsRequestValidator : AbstractValidator<AuthZenEvaluationsRequest>
{
    public AuthZenEvaluationsRequestValidator() => RuleFor(r => r).Custom((request, context) =>
    {
        if (!request.IsBatch)
        {
            if (request.Subject is null) context.AddFailure("subject", "A request without evaluations is one evaluation: it needs a subject.");
            if (request.Action is null) context.AddFailure("action", "A request without evaluations is one evaluation: it needs an action.");
            if (request.Resource is null) context.AddFailure("resource", "A request without evaluations is one evaluation: it needs a resource.");
            return;
        }
        for (var i = 0; i < request.Evaluations!.Count; i++)
        {
            if (request.Evaluations[i] is not { } item)
            {
                context.AddFailure($"evaluations[{i}]", "Each evaluation must be an object.");
                continue;
            }
            if (item.Subject is null && request.Subject is null) context.AddFailure($"evaluations[{i}].subject", "Give the subject here or at the top level.");
            if (item.Action is null && request.Action is null) context.AddFailure($"evaluations[{i}].action", "Give the action here or at the top level.");
            if (item.Resource is null && request.Resource is null) context.AddFailure($"evaluations[{i}].resource", "Give the resource here or at the top level.");
        }
    });
}
