using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Pim.Api.Console;

/// <summary>
/// What a person typed into a form that had to wait for a step-up to a multi-factor sign-in: kept here, on the server,
/// for <see cref="Lifetime"/>, under a random key that travels in the return URL (so a justification or ticket never
/// does), and given back once, only to the same subject.
/// </summary>
public sealed class ConsoleDrafts(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    public const int MaximumDrafts = 10_000;

    private sealed record Draft(string Subject, IReadOnlyDictionary<string, string?> Fields, DateTimeOffset Until);

    private readonly ConcurrentDictionary<string, Draft> _drafts = new(StringComparer.Ordinal);

    public string Keep(string subject, IReadOnlyDictionary<string, string?> fields)
    {
        var now = time.GetUtcNow();
        if (_drafts.Count >= MaximumDrafts)
            foreach (var (key, draft) in _drafts)
                if (draft.Until <= now || _drafts.Count >= MaximumDrafts) _drafts.TryRemove(key, out _);
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        _drafts[id] = new Draft(subject, fields, now + Lifetime);
        return id;
    }

    public IReadOnlyDictionary<string, string?>? Take(string? id, string subject)
    {
        if (id is null || !_drafts.TryRemove(id, out var draft)) return null;
        return draft.Subject == subject && draft.Until > time.GetUtcNow() ? draft.Fields : null;
    }
}
