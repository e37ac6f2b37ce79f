using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Audit;

public sealed class AuditListQueryValidator : AbstractValidator<AuditListQuery>
{
    public AuditListQueryValidator()
    {
        RuleFor(q => q.From).MustBeInstant();
        RuleFor(q => q.To).MustBeInstant();
        RuleFor(q => q.PrincipalId).MustBeId();
        RuleFor(q => q.RoleId).MustBeId();
        RuleFor(q => q.Action).MaximumLength(64);
        // JSON pages are bounded like every list; a CSV export takes up to MaximumCsvRows (checked by the handler).
        RuleFor(q => q.PageSize).InclusiveBetween(1, AuditEndpoints.MaximumCsvRows);
    }
}
