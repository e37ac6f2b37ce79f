using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Activations;

public sealed class ActivationRequestValidator : AbstractValidator<ActivationRequestBody>
{
    public ActivationRequestValidator()
    {
        RuleFor(r => r.RoleId).MustBeRole();
        RuleFor(r => r.Duration).MustBeDuration();
        RuleFor(r => r.StartsAt).MustBeInstant();
        RuleFor(r => r.Ticket).SetValidator(new TicketValidator()!).When(r => r.Ticket is not null);
    }
}

public sealed class TicketValidator : AbstractValidator<TicketDto>
{
    public TicketValidator() => RuleFor(t => t.Number).NotBlank();
}

public sealed class ExtendRequestValidator : AbstractValidator<ExtendRequest>
{
    public ExtendRequestValidator() => RuleFor(r => r.Duration).NotBlank().MustBeDuration();
}

public sealed class BatchActivationRequestValidator : AbstractValidator<BatchActivationRequest>
{
    public BatchActivationRequestValidator()
    {
        RuleFor(r => r.RoleIds).NotEmpty().When(r => !r.All).WithMessage("Name roleIds, or ask for all: true.");
        RuleFor(r => r.RoleIds).Null().When(r => r.All).WithMessage("Name roleIds or ask for all: true, not both.");
        RuleForEach(r => r.RoleIds).MustBeRole();
        RuleFor(r => r.Duration).MustBeDuration();
        RuleFor(r => r.Ticket).SetValidator(new TicketValidator()!).When(r => r.Ticket is not null);
    }
}

public sealed class RevokeRequestValidator : AbstractValidator<RevokeRequest>
{
    public RevokeRequestValidator() => RuleFor(r => r.Reason).NotBlank();
}

public sealed class AcknowledgeRequestValidator : AbstractValidator<AcknowledgeRequest>
{
    public AcknowledgeRequestValidator() => RuleFor(r => r.Justification).NotBlank();
}

public sealed class ActivationWaitQueryValidator : AbstractValidator<ActivationWaitQuery>
{
    public ActivationWaitQueryValidator()
    {
        RuleFor(q => q.Timeout).MustBeDuration()
            .Must(t => t is null || (Domain.IsoDuration.TryParse(t, out var v) && v <= Domain.ActivationService.MaximumWait))
            .WithMessage("'timeout' is at most PT5M.");
        RuleFor(q => q.Timeout).Null().When(q => q.WaitFor is null).WithMessage("'timeout' is how long to wait for 'waitFor': name waitFor too.");
    }
}
