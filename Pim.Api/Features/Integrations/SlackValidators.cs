using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Integrations;

public sealed class SlackConnectionRequestValidator : AbstractValidator<SlackConnectionRequest>
{
    public SlackConnectionRequestValidator()
    {
        RuleFor(r => r.Routes).Must(r => r is null || r.Count <= SlackConnection.MaximumRoutes)
            .WithMessage($"A connection has at most {SlackConnection.MaximumRoutes} routes.");
        RuleForEach(r => r.Routes).Must(r => r.RoleId is not null || r.Scope is not null)
            .WithMessage("A route names a roleId, a scope, or both (the connection's channel takes everything else).");
    }
}
