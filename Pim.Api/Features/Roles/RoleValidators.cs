using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Roles;

public sealed class RoleRequestValidator : AbstractValidator<RoleRequest>
{
    public RoleRequestValidator()
    {
        // A description is required and not null: the JSON reader holds it to that (a Description is a non-nullable value).
        RuleFor(r => r.DisplayName).NotBlank();
    }
}
