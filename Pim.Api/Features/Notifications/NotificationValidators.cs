using FluentValidation;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Notifications;

public sealed class WebhookRequestValidator : AbstractValidator<WebhookRequest>
{
    public WebhookRequestValidator()
    {
        RuleFor(r => r.Url).NotEmpty().MaximumLength(2000).Must(u => Uri.TryCreate(u, UriKind.Absolute, out _)).WithMessage("'url' must be an absolute URL.");
        RuleFor(r => r.EventTypes).NotEmpty().Must(t => t is null || t.Count <= WebhookEventTypes.All.Count).WithMessage("Too many event types.");
        RuleForEach(r => r.EventTypes).Must(t => WebhookEventTypes.All.Contains(t))
            .WithMessage($"Event types are: {string.Join(", ", WebhookEventTypes.All)}.");
    }
}

public sealed class NotificationListQueryValidator : AbstractValidator<NotificationListQuery>
{
    public NotificationListQueryValidator()
    {
        RuleFor(q => q.Status).Must(s => s is null || OutboxStatus.All.Contains(s)).WithMessage($"status must be one of: {string.Join(", ", OutboxStatus.All)}.");
        RuleFor(q => q.PageSize).MustBePageSize();
    }
}
