using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Principals;

public sealed class PrincipalRequestValidator : AbstractValidator<PrincipalRequest>
{
    public PrincipalRequestValidator()
    {
        var guest = PrincipalKinds.ToText(PrincipalKind.Guest);
        // The domain's rules, which SCIM is held to as well.
        RuleFor(r => r.DisplayName).MustBeName();
        RuleFor(r => r.Email).MustBeEmail();
        RuleFor(r => r.HomeTenantId).NotBlank().When(r => r.Kind == guest);
        RuleFor(r => r.HomePrincipalId).NotBlank().When(r => r.Kind == guest);
        RuleFor(r => r.HomeTenantId).Null().WithMessage("Only guests have a home tenant.").When(r => r.Kind != guest);
        RuleFor(r => r.HomePrincipalId).Null().WithMessage("Only guests have a home principal.").When(r => r.Kind != guest);
        RuleFor(r => r.AccountEnabled).NotEqual(false).When(r => r.Kind == PrincipalKinds.ToText(PrincipalKind.Group))
            .WithMessage("A group is not disabled: delete it, or sync its members without it.");
    }
}
