using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Principals;

public sealed class PrincipalRequestValidator : AbstractValidator<PrincipalRequest>
{
    public PrincipalRequestValidator()
    {
        RuleFor(r => r.Kind).NotEmpty().Must(k => PrincipalKinds.Parse(k) is not null).WithMessage("'kind' must be one of: user, guest, servicePrincipal, group.");
        RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Rules.MaxDisplayName);
        RuleFor(r => r.Email).MaximumLength(Rules.MaxEmail).EmailAddress();
        RuleFor(r => r.HomeTenantId).NotEmpty().MustBeId().When(r => r.Kind == "guest");
        RuleFor(r => r.HomePrincipalId).NotEmpty().MustBeId().When(r => r.Kind == "guest");
        RuleFor(r => r.HomeTenantId).Null().WithMessage("Only guests have a home tenant.").When(r => r.Kind != "guest");
        RuleFor(r => r.HomePrincipalId).Null().WithMessage("Only guests have a home principal.").When(r => r.Kind != "guest");
        RuleFor(r => r.MemberOf).Must(m => m is null || m.Count <= 100).WithMessage("'memberOf' may name at most 100 groups.");
        RuleForEach(r => r.MemberOf).NotEmpty().MustBeId();
        RuleFor(r => r.AccountEnabled).NotEqual(false).When(r => r.Kind == "group")
            .WithMessage("A group is not disabled: delete it, or sync its members without it.");
    }
}
