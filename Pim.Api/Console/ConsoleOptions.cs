namespace Pim.Api.Console;

/// <summary>
/// <c>Pim:Console</c>: the browser console served at <c>/console</c>. It signs people in with OpenID Connect (authorization
/// code + PKCE) at the identity provider Pim already trusts (<c>Pim:Auth:Authority</c>) as the client named here; in
/// Development, with the development issuer on and no client named, with the development sign-in page instead.
/// </summary>
public sealed class ConsoleOptions
{
    public const string Section = "Pim:Console";

    /// <summary>The console's client id at the identity provider; unset: no OpenID Connect sign-in (and, outside Development, no console).</summary>
    public string? ClientId { get; set; }
    /// <summary>The client's secret (a confidential client: Pim redeems the code from the server, never the browser).</summary>
    public string? ClientSecret { get; set; }
    /// <summary>The scopes asked at sign-in; <c>openid</c> must be one of them.</summary>
    public string[] Scopes { get; set; } = ["openid", "profile"];
    /// <summary>Where people reach the console from outside (e.g. https://pim.contoso.example): notification emails link under it.</summary>
    public string? PublicUrl { get; set; }
    /// <summary>How the console asks the identity provider for a fresh multi-factor sign-in when a role needs MFA the session lacks.</summary>
    public StepUpOptions StepUp { get; set; } = new();

    public sealed class StepUpOptions
    {
        /// <summary>OpenID Connect <c>prompt</c> sent on a step-up (default <c>login</c>: sign in again); empty: none.</summary>
        public string? Prompt { get; set; } = "login";
        /// <summary>OpenID Connect <c>max_age</c> in seconds sent on a step-up (default 0: a sign-in from now); null: none.</summary>
        public int? MaxAge { get; set; } = 0;
        /// <summary>OpenID Connect <c>acr_values</c> sent on a step-up (e.g. the provider's MFA context class); empty: none.</summary>
        public string? AcrValues { get; set; }
    }

    /// <summary>Whether the console signs in with OpenID Connect.</summary>
    public bool UsesOpenIdConnect => !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>What is wrong with the options, or null: checked at start-up, so that a misconfigured console never starts.</summary>
    public string? Problem(string? authority)
    {
        if (PublicUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0 || uri.Fragment.Length > 0))
            return $"Pim:Console:PublicUrl must be an absolute http(s) URL without query or fragment, not '{url}'.";
        if (!UsesOpenIdConnect) return null;
        if (string.IsNullOrWhiteSpace(authority)) return "Pim:Console:ClientId is set, but Pim:Auth:Authority names no identity provider to sign in at.";
        if (string.IsNullOrWhiteSpace(ClientSecret)) return "Pim:Console:ClientSecret must be set with Pim:Console:ClientId (the console is a confidential client).";
        if (!Scopes.Contains("openid", StringComparer.Ordinal)) return "Pim:Console:Scopes must include 'openid'.";
        if (Scopes.Any(s => string.IsNullOrWhiteSpace(s) || s.Any(char.IsWhiteSpace))) return "Pim:Console:Scopes: each scope is one word.";
        if (StepUp.MaxAge is < 0) return "Pim:Console:StepUp:MaxAge must be 0 or more seconds.";
        if (StepUp.Prompt is { Length: > 0 } prompt && prompt is not ("login" or "consent" or "select_account"))
            return "Pim:Console:StepUp:Prompt must be login, consent, select_account or empty.";
        return null;
    }
}
