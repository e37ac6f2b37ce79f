using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Dev;

public sealed record DevTokenRequest(string Subject, string? TenantId = null, bool Mfa = false, IReadOnlyList<string>? Scopes = null,
    DateTimeOffset? AuthTime = null);

public sealed record DevTokenResponse(string AccessToken, string TokenType, int ExpiresIn);

public sealed class DevTokenRequestValidator : AbstractValidator<DevTokenRequest>
{
    public DevTokenRequestValidator()
    {
        RuleFor(r => r.Subject).NotEmpty().MustBeId();
        RuleFor(r => r.TenantId).MustBeId();
        RuleFor(r => r.Scopes).Must(s => s is null || s.Count <= 10).WithMessage("At most 10 scopes.");
        RuleForEach(r => r.Scopes).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9._:-]+$");
        RuleFor(r => r.AuthTime).MustBeInstant();
    }
}
