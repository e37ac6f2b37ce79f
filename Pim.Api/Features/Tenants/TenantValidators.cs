using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Tenants;

public sealed class TenantRequestValidator : AbstractValidator<TenantRequest>
{
    public TenantRequestValidator() => RuleFor(r => r.DisplayName).NotBlank();
}

public sealed class SignUpRequestValidator : AbstractValidator<SignUpRequest>
{
    public SignUpRequestValidator() =>
        RuleFor(r => r.Scope).Must(s => !string.IsNullOrWhiteSpace(s?.Text)).When(r => r.Area == ManagementArea.Resources).WithMessage("Resources are signed up at a scope.");
}
