using System.Collections.Concurrent;

namespace Pim.Api.Tests.Failover;

/// <summary>
/// Counts the emails a Pim writes to its pickup directory, by message id: each is written to a temporary file and moved to
/// <c>{messageId}.eml</c>, so a message sent twice by the same replica leaves one file but two moves, which this counts.
/// </summary>
public sealed class PickupWatch : IDisposable
{
    private readonly FileSystemWatcher _watcher;

    public PickupWatch(string directory)
    {
        Directory.CreateDirectory(directory);
        _watcher = new FileSystemWatcher(directory, "*.eml") { InternalBufferSize = 64 * 1024, IncludeSubdirectories = false };
        // The move of the temporary file is one event: Renamed, or Created when only the new name matches the filter.
        _watcher.Renamed += (_, e) => Count(e.Name);
        _watcher.Created += (_, e) => Count(e.Name);
        _watcher.Error += (_, e) => Overflowed = true;
        _watcher.EnableRaisingEvents = true;
    }

    private void Count(string? name)
    {
        if (name is not null && name.EndsWith(".eml", StringComparison.Ordinal))
            Sent.AddOrUpdate(Path.GetFileNameWithoutExtension(name), 1, (_, n) => n + 1);
    }

    /// <summary>Message id → how many times it was written.</summary>
    public ConcurrentDictionary<string, int> Sent { get; } = new(StringComparer.Ordinal);

    /// <summary>The watcher lost events (its buffer overflowed): its counts cannot be trusted.</summary>
    public bool Overflowed { get; private set; }

    public void Dispose() => _watcher.Dispose();
}
