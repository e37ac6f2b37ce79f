using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Assignments;

public sealed class RoleAssignmentRequestValidator : AbstractValidator<RoleAssignmentRequest>
{
    public RoleAssignmentRequestValidator()
    {
        RuleFor(r => r.RoleId).MustBeRole();
        RuleFor(r => r.StartsAt).MustBeInstant();
        RuleFor(r => r.EndsAt).MustBeInstant();
        RuleFor(r => r.EndsAt).GreaterThan(r => r.StartsAt).When(r => r.StartsAt is not null && r.EndsAt is not null)
            .WithMessage("'endsAt' must be after 'startsAt'.");
    }
}
