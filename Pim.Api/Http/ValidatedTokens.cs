using System.Collections.Concurrent;
using System.Security.Claims;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// Bearer tokens Pim has validated, each with the identity it proved, until the token expires (its <c>exp</c> plus the
/// clock skew Pim allows, on Pim's clock: the same bound the full validation applies). A request that presents the very
/// same token string skips the signature check; any other string — one character changed — is validated in full. At most
/// <see cref="AuthOptions.TokenCacheSize"/> tokens: expired ones are dropped first, then, if still full, all of them.
/// </summary>
public sealed class ValidatedTokens(AuthOptions options, TimeProvider time)
{
    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Until);

    private readonly ConcurrentDictionary<string, Entry> _tokens = new(StringComparer.Ordinal);
    private readonly object _pruning = new();

    public int Count => _tokens.Count;

    public ClaimsPrincipal? Find(string token)
    {
        if (!_tokens.TryGetValue(token, out var entry)) return null;
        if (time.Now() < entry.Until) return entry.Principal;
        _tokens.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        return null;
    }

    public void Remember(string token, ClaimsPrincipal principal, DateTimeOffset expires)
    {
        if (options.TokenCacheSize <= 0) return;
        if (_tokens.Count >= options.TokenCacheSize) Prune();
        _tokens[token] = new Entry(principal, expires + AuthSetup.ClockSkew);
    }

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
