using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Infrastructure;
using Pim.Domain;

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

/// <summary>The development issuer's token endpoint: Development only, loopback callers only.</summary>
public static class DevTokenEndpoints
{
    public static void MapDevToken(this IEndpointRouteBuilder app)
    {
        app.MapPost("/dev/token", Issue).WithTags("Development").WithName("IssueDevToken")
            .WithSummary("Development only, from loopback: mint a signed token for any subject, tenant, MFA state and scopes.")
            .AllowAnonymous().Validate<DevTokenRequest>();
    }

    public static Ok<DevTokenResponse> Issue(DevTokenRequest body, HttpContext http, DevTokenIssuer issuer, TimeProvider time)
    {
        if (!http.IsLoopbackConnection()) throw Errors.NotFound("The resource");
        if (body.AuthTime > time.Now() + AuthSetup.ClockSkew)
            throw Errors.InvalidField("authTime", "authTime is a past sign-in: it may not be in the future.");
        var token = issuer.Issue(body.Subject, body.TenantId, body.Mfa, body.Scopes ?? [], body.AuthTime);
        return TypedResults.Ok(new DevTokenResponse(token, "Bearer", (int)DevTokenIssuer.Lifetime.TotalSeconds));
    }
}
