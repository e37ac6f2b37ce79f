using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Pim.Api.Console;

/// <summary>
/// The console's sessions, kept on the server: the browser's cookie carries only a random key to one of them (sealed by
/// Data Protection), never the claims, and never a token. Signing out removes the session, so the same cookie replayed
/// afterwards opens nothing; a session ends with its identity token (<see cref="AuthenticationProperties.ExpiresUtc"/>,
/// on Pim's clock) and is then forgotten. Sessions live in this process: a restart signs everyone out, and replicas
/// behind a load balancer need session affinity for the console.
/// </summary>
public sealed class ConsoleSessions(TimeProvider time) : ITicketStore
{
    /// <summary>The most sessions kept at once; past it, ended ones are dropped first, then the oldest.</summary>
    public const int MaximumSessions = 20_000;

    private readonly ConcurrentDictionary<string, AuthenticationTicket> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        if (_sessions.Count >= MaximumSessions) Prune();
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        _sessions[key] = ticket;
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Only a session that still exists is renewed: a signed-out session is not brought back by a request in flight.
        if (_sessions.TryGetValue(key, out var current)) _sessions.TryUpdate(key, ticket, current);
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!_sessions.TryGetValue(key, out var ticket)) return Task.FromResult<AuthenticationTicket?>(null);
        if (ticket.Properties.ExpiresUtc is { } ends && ends <= time.GetUtcNow())
        {
            _sessions.TryRemove(key, out _);
            return Task.FromResult<AuthenticationTicket?>(null);
        }
        return Task.FromResult<AuthenticationTicket?>(ticket);
    }

    public Task RemoveAsync(string key)
    {
        _sessions.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (key, ticket) in _sessions)
            if (ticket.Properties.ExpiresUtc is not { } ends || ends <= now) _sessions.TryRemove(key, out _);
        if (_sessions.Count < MaximumSessions) return;
        foreach (var key in _sessions.OrderBy(s => s.Value.Properties.IssuedUtc).Take(_sessions.Count - MaximumSessions + 1).Select(s => s.Key).ToList())
            _sessions.TryRemove(key, out _);
    }

    /// <summary>The cookie scheme's own check, named for the reader: a ticket past its end is refused (see <see cref="CookieAuthenticationHandler"/>).</summary>
    internal static bool Ended(AuthenticationProperties properties, DateTimeOffset now) => properties.ExpiresUtc is not { } ends || ends <= now;
}
