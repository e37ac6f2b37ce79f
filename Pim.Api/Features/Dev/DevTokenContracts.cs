using FluentValidation;
using Pim.Api.Http;

namespace Pim.Api.Features.Dev;

public sealed record DevTokenRequest(string Subject, string? TenantId = null, bool Mfa = false, IReadOnlyList<string>? Scopes = null,
    DateTimeOffset? AuthTime = null);

public sealed record DevTokenResponse(string AccessToken, string TokenType, int ExpiresIn);

public sealed class DevTokenRequestValidator : AbstractValidator<DevTokenRequest>
{
    private const string IdRule = "1-128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.";

    public DevTokenRequestValidator()
    {
        RuleFor(r => r.Subject).NotEmpty().Must(Rules.IsId).WithMessage("'subject' must be an id: " + IdRule);
        RuleFor(r => r.TenantId).Must(t => t is null || Rules.IsId(t)).WithMessage("'tenantId' must be an id: " + IdRule);
        RuleFor(r => r.Scopes).Must(s => s is null || s.Count <= 10).WithMessage("At most 10 scopes.");
        RuleForEach(r => r.Scopes).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9._:-]+$");
        RuleFor(r => r.AuthTime).MustBeInstant();
    }
}
