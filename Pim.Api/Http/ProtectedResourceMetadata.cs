namespace Pim.Api.Http;

/// <summary>
/// OAuth 2.0 Protected Resource Metadata (RFC 9728) at <c>/.well-known/oauth-protected-resource</c>, anonymous: which
/// identity provider issues Pim's tokens (<c>Pim:Auth:Authority</c>) and the audience they must carry
/// (<c>Pim:Auth:Audience</c>), so that a client — the <c>pim</c> command line's device sign-in — finds where to sign in
/// from Pim's URL alone. It tells nothing a token does not already carry (issuer, audience); with the development issuer
/// on it names no provider (<c>pim login --dev</c> signs in there). Outside the contract, like the health endpoints: it
/// is the RFC's document, not Pim's API.
/// </summary>
public static class ProtectedResourceMetadata
{
    public const string Path = "/.well-known/oauth-protected-resource";

    public static void MapProtectedResourceMetadata(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (AuthOptions auth) => TypedResults.Ok(new Metadata(auth.Audience,
                auth.DevIssuer.Enabled || string.IsNullOrWhiteSpace(auth.Authority) ? [] : [auth.Authority], ["header"], "Pim")))
            .AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>RFC 9728 §2's members, in its spelling.</summary>
    public sealed record Metadata(
        [property: System.Text.Json.Serialization.JsonPropertyName("resource")] string Resource,
        [property: System.Text.Json.Serialization.JsonPropertyName("authorization_servers")] IReadOnlyList<string> AuthorizationServers,
        [property: System.Text.Json.Serialization.JsonPropertyName("bearer_methods_supported")] IReadOnlyList<string> BearerMethodsSupported,
        [property: System.Text.Json.Serialization.JsonPropertyName("resource_name")] string ResourceName);
}
