using FluentValidation;

namespace Pim.Api.Features.Notifications;

public sealed class WebhookRequestValidator : AbstractValidator<WebhookRequest>
{
    public WebhookRequestValidator()
    {
        RuleFor(r => r.Url).Must(u => Uri.TryCreate(u, UriKind.Absolute, out _)).WithMessage("'url' must be an absolute URL.");
        RuleFor(r => r.EventTypes).NotEmpty();
    }
}
