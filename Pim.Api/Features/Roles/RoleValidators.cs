using FluentValidation;

namespace Pim.Api.Features.Roles;

public sealed class RoleRequestValidator : AbstractValidator<RoleRequest>
{
    public RoleRequestValidator()
    {
        RuleFor(r => r.DisplayName).NotEmpty();
        RuleFor(r => r.Description).NotNull();
    }
}
