using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Reviews;

public sealed class AccessReviewRequestValidator : AbstractValidator<AccessReviewRequest>
{
    public AccessReviewRequestValidator()
    {
        RuleFor(r => r.DisplayName).NotBlank();
        RuleFor(r => r.Reviewers).NotNull().Must(BeReviewers)
            .WithMessage($"'reviewers' must be \"self\", \"roleAdministrators\" or a list of 1 to {AccessReview.MaximumReviewers} user or group ids.");
        RuleForEach(r => r.RoleIds).MustBeRole();
        RuleFor(r => r.Duration).MustBeDuration();
    }

    private static bool BeReviewers(ReviewersDto? reviewers) => reviewers switch
    {
        null => true, // NotNull says so
        { Keyword: { } keyword } => AccessReviewers.Keywords.Contains(keyword),
        { PrincipalIds: { Count: >= 1 and <= AccessReview.MaximumReviewers } ids } => ids.All(Rules.IsId),
        _ => false,
    };
}

public sealed class AccessReviewDecisionRequestValidator : AbstractValidator<AccessReviewDecisionRequest>
{
    public AccessReviewDecisionRequestValidator() => RuleFor(r => r.Decision).NotEmpty();
}
