using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// Bearer tokens Pim has validated, each with the identity it proved, until the token expires (its <c>exp</c> plus the
/// clock skew Pim allows, on Pim's clock: the same bound the full validation applies). A request that presents the very
/// same token string skips the signature check; any other string — one character changed — is validated in full. A
/// token is remembered with the key that signed it, and is believed only while that key is still one the identity
/// provider publishes (<see cref="FindAsync"/>): a key rotated out of its key set takes the tokens it signed with it, as
/// soon as Pim's copy of the key set (the JwtBearer configuration, refreshed as JwtBearer refreshes it) no longer has it.
/// At most <see cref="AuthOptions.TokenCacheSize"/> tokens: expired ones are dropped first, then, if still full, all of them.
/// </summary>
public sealed class ValidatedTokens
{
    private sealed record Entry(string Token, ClaimsPrincipal Principal, DateTimeOffset Until, string SignedBy);

    /// <summary>The keys of one configuration of the identity provider, as <see cref="KeyOf"/> names them.</summary>
    private sealed record KeySet(OpenIdConnectConfiguration Configuration, HashSet<string> Keys);

    private readonly AuthOptions options;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, Entry> _tokens;
    /// <summary>The same tokens, looked up by the characters of the Authorization header: no string cut from it per request.</summary>
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly object _pruning = new();
    private KeySet? _published;

    public ValidatedTokens(AuthOptions options, TimeProvider time)
    {
        this.options = options;
        this.time = time;
        _tokens = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        _bySpan = _tokens.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _tokens.Count;

    /// <summary>The identity a token proved, while it has not expired (whatever signed it).</summary>
    public ClaimsPrincipal? Find(string token) => Live(token)?.Principal;

    /// <summary>
    /// The identity a token proved, while it has not expired and the key that signed it is among the identity provider's
    /// keys now (<paramref name="keys"/>: JwtBearer's configuration manager; none for the development issuer, whose one
    /// key never leaves). A token whose key left is forgotten, and validated in full — and refused — like any other.
    /// </summary>
    public ValueTask<ClaimsPrincipal?> FindAsync(ReadOnlySpan<char> token, IConfigurationManager<OpenIdConnectConfiguration>? keys, CancellationToken ct) =>
        Live(token) is not { } entry ? ValueTask.FromResult<ClaimsPrincipal?>(null)
        : keys is null ? ValueTask.FromResult<ClaimsPrincipal?>(entry.Principal)
        : StillPublishedAsync(entry, keys, ct);

    private async ValueTask<ClaimsPrincipal?> StillPublishedAsync(Entry entry, IConfigurationManager<OpenIdConnectConfiguration> keys, CancellationToken ct)
    {
        if (Published(await keys.GetConfigurationAsync(ct)).Contains(entry.SignedBy)) return entry.Principal;
        _tokens.TryRemove(new KeyValuePair<string, Entry>(entry.Token, entry));
        return null;
    }

    public void Remember(string token, ClaimsPrincipal principal, DateTimeOffset expires, SecurityKey signedBy)
    {
        if (options.TokenCacheSize <= 0) return;
        if (_tokens.Count >= options.TokenCacheSize) Prune();
        _tokens[token] = new Entry(token, principal, expires + AuthSetup.ClockSkew, KeyOf(signedBy));
    }

    private Entry? Live(ReadOnlySpan<char> token)
    {
        if (!_bySpan.TryGetValue(token, out var entry)) return null;
        if (time.Now() < entry.Until) return entry;
        _tokens.TryRemove(new KeyValuePair<string, Entry>(entry.Token, entry));
        return null;
    }

    /// <summary>The keys of the configuration, named once per configuration the manager hands out (a refresh makes a new one).</summary>
    private HashSet<string> Published(OpenIdConnectConfiguration configuration)
    {
        var published = Volatile.Read(ref _published);
        if (ReferenceEquals(published?.Configuration, configuration)) return published.Keys;
        published = new KeySet(configuration, configuration.SigningKeys.Select(KeyOf).ToHashSet(StringComparer.Ordinal));
        Volatile.Write(ref _published, published);
        return published.Keys;
    }

    /// <summary>A key by its id and, where it has one, its JWK thumbprint (RFC 7638): a new key published under an old id is another key.</summary>
    private static string KeyOf(SecurityKey key) =>
        key.KeyId + "#" + (key.CanComputeJwkThumbprint() ? Base64UrlEncoder.Encode(key.ComputeJwkThumbprint()) : "");

    private void Prune()
    {
        lock (_pruning)
        {
            if (_tokens.Count < options.TokenCacheSize) return;
            var now = time.Now();
            foreach (var (token, entry) in _tokens)
                if (entry.Until <= now) _tokens.TryRemove(new KeyValuePair<string, Entry>(token, entry));
            if (_tokens.Count >= options.TokenCacheSize) _tokens.Clear();
        }
    }
}
