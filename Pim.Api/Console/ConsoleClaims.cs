using System.Security.Claims;
using Pim.Api.Http;

namespace Pim.Api.Console;

/// <summary>
/// What a console session keeps of the identity token it was opened with: the claims the API reads from a bearer token
/// (<see cref="AuthOptions.Claims"/>: subject, tenant, authentication methods; and <c>auth_time</c>), under the same names,
/// so that <see cref="AuthSetup.ToTokenFacts"/> — the one mapping — makes the same <see cref="Pim.Domain.Caller"/> of both.
/// Scopes are never kept: a person signed in to the console is never a service (<c>pim.operator</c>, <c>pim.evaluate</c>),
/// whatever the identity provider put in the token. A display name is kept for the page's header only.
/// </summary>
public static class ConsoleClaims
{
    public const string AuthenticationType = "pim-console";
    public const string DisplayName = "name";
    public const string AuthTime = "auth_time";

    /// <summary>The session's identity, from a validated identity token's claims (raw names: claim mapping off).</summary>
    public static ClaimsPrincipal FromToken(ClaimsPrincipal token, AuthOptions options)
    {
        var names = options.Claims;
        var kept = new[] { names.Subject, names.TenantId, names.AuthenticationMethods, AuthTime };
        var claims = token.Claims.Where(c => kept.Contains(c.Type, StringComparer.Ordinal)).Select(c => new Claim(c.Type, c.Value, c.ValueType)).ToList();
        if (!claims.Any(c => c.Type == names.Subject)) throw new InvalidOperationException($"The identity token has no '{names.Subject}' claim.");
        var display = token.FindFirst(DisplayName)?.Value ?? token.FindFirst("preferred_username")?.Value;
        if (display is { Length: > 0 }) claims.Add(new Claim(DisplayName, display.Length > 200 ? display[..200] : display));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, names.Subject, null));
    }

    public static string? TenantOf(ClaimsPrincipal user, AuthOptions options) => user.FindFirst(options.Claims.TenantId)?.Value;

    public static string NameOf(ClaimsPrincipal user, AuthOptions options) =>
        user.FindFirst(DisplayName)?.Value ?? user.FindFirst(options.Claims.Subject)?.Value ?? "";
}
