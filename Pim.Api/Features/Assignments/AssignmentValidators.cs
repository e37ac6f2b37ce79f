using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Assignments;

public sealed class RoleAssignmentRequestValidator : AbstractValidator<RoleAssignmentRequest>
{
    public RoleAssignmentRequestValidator()
    {
        RuleFor(r => r.PrincipalId).NotEmpty().MustBeId();
        RuleFor(r => r.RoleId).NotEmpty().MustBeRole();
        RuleFor(r => r.Type).NotEmpty().Must(t => AssignmentTypes.Parse(t) is not null).WithMessage("'type' must be eligible or active.");
        RuleFor(r => r.Scope).MustBeScope();
        RuleFor(r => r.StartsAt).MustBeInstant();
        RuleFor(r => r.EndsAt).MustBeInstant();
        RuleFor(r => r.EndsAt).GreaterThan(r => r.StartsAt).When(r => r.StartsAt is not null && r.EndsAt is not null)
            .WithMessage("'endsAt' must be after 'startsAt'.");
        RuleFor(r => r.Justification).MaximumLength(Rules.MaxJustification);
    }
}

public sealed class AssignmentListQueryValidator : AbstractValidator<AssignmentListQuery>
{
    public AssignmentListQueryValidator()
    {
        RuleFor(q => q.PrincipalId).MustBeId();
        RuleFor(q => q.RoleId).MustBeId();
        RuleFor(q => q.Type).Must(t => t is null || AssignmentTypes.Parse(t) is not null).WithMessage("type must be eligible or active.");
        RuleFor(q => q.PageSize).MustBePageSize();
    }
}
