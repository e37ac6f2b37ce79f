using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Audit;

public sealed class AuditListQueryValidator : AbstractValidator<AuditListQuery>
{
    public AuditListQueryValidator()
    {
        RuleFor(q => q.From).MustBeInstant();
        RuleFor(q => q.To).MustBeInstant();
    }
}
