using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Tenants;

public sealed class TenantRequestValidator : AbstractValidator<TenantRequest>
{
    public TenantRequestValidator() => RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Rules.MaxDisplayName);
}

public sealed class SignUpRequestValidator : AbstractValidator<SignUpRequest>
{
    public SignUpRequestValidator()
    {
        RuleFor(r => r.Area).NotEmpty().Must(a => ManagementArea.All.Contains(a))
            .WithMessage($"'area' must be one of: {string.Join(", ", ManagementArea.All)}.");
        RuleFor(r => r.Scope).NotEmpty().When(r => r.Area == ManagementArea.Resources).WithMessage("Resources are signed up at a scope.");
        RuleFor(r => r.Scope).MustBeScope();
    }
}
