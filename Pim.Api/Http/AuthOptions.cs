namespace Pim.Api.Http;

public sealed class AuthOptions
{
    public string? Authority { get; set; }
    public string Audience { get; set; } = "pim";
    /// <summary>
    /// Whether the identity provider's metadata and keys must be read over https (default true). Only a provider on this
    /// machine, as in the console's browser tests, is ever read over http.
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>Tokens that live longer than this (expiry minus issue or not-before time) are refused, whoever signed them.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(24);
    public ClaimNames Claims { get; set; } = new();
    /// <summary>
    /// Subjects of tokens without a tenant that are the deployment's own services (directory sync, gateways): they use
    /// their service scopes in every tenant. Any other token without a tenant acts as nobody.
    /// </summary>
    public string[] PlatformIdentities { get; set; } = [];
    public DevIssuerOptions DevIssuer { get; set; } = new();
    /// <summary>
    /// Validated tokens remembered (each until it expires, by Pim's clock), so that a caller's next request with the same
    /// token skips the signature check. 0: every request is validated in full.
    /// </summary>
    public int TokenCacheSize { get; set; } = 10_000;

    public sealed class ClaimNames
    {
        public string Subject { get; set; } = "sub";
        public string TenantId { get; set; } = "tid";
        public string AuthenticationMethods { get; set; } = "amr";
        public string MfaMethod { get; set; } = "mfa";
    }

    public sealed class DevIssuerOptions
    {
        public bool Enabled { get; set; }
    }
}
