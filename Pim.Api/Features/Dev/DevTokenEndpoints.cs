using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Dev;

/// <summary>The development issuer's token endpoint: Development only, loopback callers only.</summary>
public static class DevTokenEndpoints
{
    public static void MapDevToken(this IEndpointRouteBuilder app)
    {
        app.MapPost("/dev/token", Issue).WithTags("Development").WithName("IssueDevToken")
            .WithSummary("Development only, from loopback: mint a signed token for any subject, tenant, MFA state and scopes.")
            .AllowAnonymous().Validate<DevTokenRequest>().ExcludeFromDescription(); // not part of the contract: Development only
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
