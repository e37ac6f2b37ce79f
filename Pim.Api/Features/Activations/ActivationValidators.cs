using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Activations;

public sealed class ActivationRequestValidator : AbstractValidator<ActivationRequestBody>
{
    public ActivationRequestValidator()
    {
        RuleFor(r => r.RoleId).NotEmpty().MustBeRole();
        RuleFor(r => r.Scope).MustBeScope();
        RuleFor(r => r.Duration).MustBeDuration();
        RuleFor(r => r.StartsAt).MustBeInstant();
        RuleFor(r => r.Justification).MaximumLength(Rules.MaxJustification);
        RuleFor(r => r.Ticket).SetValidator(new TicketValidator()!).When(r => r.Ticket is not null);
    }
}

public sealed class TicketValidator : AbstractValidator<TicketDto>
{
    public TicketValidator()
    {
        RuleFor(t => t.Number).NotEmpty().MaximumLength(Rules.MaxTicketNumber);
        RuleFor(t => t.System).MaximumLength(Rules.MaxTicketSystem);
    }
}

public sealed class ExtendRequestValidator : AbstractValidator<ExtendRequest>
{
    public ExtendRequestValidator()
    {
        RuleFor(r => r.Duration).NotEmpty().MustBeDuration();
        RuleFor(r => r.Justification).MaximumLength(Rules.MaxJustification);
    }
}

public sealed class BatchActivationRequestValidator : AbstractValidator<BatchActivationRequest>
{
    public BatchActivationRequestValidator()
    {
        RuleFor(r => r.RoleIds).NotEmpty().When(r => !r.All).WithMessage("Name roleIds, or ask for all: true.");
        RuleFor(r => r.RoleIds).Null().When(r => r.All).WithMessage("Name roleIds or ask for all: true, not both.");
        RuleFor(r => r.RoleIds).Must(r => r is null || r.Count <= ActivationService.MaximumBatch)
            .WithMessage($"A batch activates at most {ActivationService.MaximumBatch} roles.");
        RuleForEach(r => r.RoleIds).NotEmpty().MustBeRole();
        RuleFor(r => r.Scope).MustBeScope();
        RuleFor(r => r.Duration).MustBeDuration();
        RuleFor(r => r.Justification).MaximumLength(Rules.MaxJustification);
        RuleFor(r => r.Ticket).SetValidator(new TicketValidator()!).When(r => r.Ticket is not null);
    }
}

public sealed class ActivationListQueryValidator : AbstractValidator<ActivationListQuery>
{
    public ActivationListQueryValidator()
    {
        RuleFor(q => q.Status).Must(s => s is null || ActivationRequest.ParseWire(s) is not null)
            .WithMessage($"status must be one of: {string.Join(", ", Enum.GetValues<ActivationStatus>().Select(ActivationRequest.Wire))}.");
        RuleFor(q => q.RoleId).MustBeId();
        RuleFor(q => q.PrincipalId).MustBeId();
        RuleFor(q => q.PageSize).MustBePageSize();
    }
}
