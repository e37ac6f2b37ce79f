using Microsoft.Extensions.Logging;
using Npgsql;

namespace Pim.Infrastructure;

/// <summary>
/// PostgreSQL's change feed for the grant index: one connection of its own, outside the pool, that LISTENs on
/// <c>pim_grants</c> (migration 0006's triggers NOTIFY it with the tenant id when a transaction that changed a grant
/// commits, on whichever replica). When idle it proves the connection alive every <see cref="AccessCacheOptions.Heartbeat"/>.
/// Lost (the server closed it, a network error, <c>pg_terminate_backend</c>): the index is told at once, answers come
/// from the store, and it listens again after <see cref="AccessCacheOptions.ReconnectDelay"/>.
/// </summary>
public sealed class PostgresChangeFeed(Store store, GrantIndex index, AccessCacheOptions options, ILogger<PostgresChangeFeed> logger)
    : ChangeFeedThread
{
    public const string Channel = "pim_grants";

    /// <summary>The application_name of the listening connection (with this process's id), as pg_stat_activity shows it.</summary>
    public static readonly string ApplicationName = $"pim-change-feed:{Environment.ProcessId}";

    protected override void Run()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(store.ConnectionString)
        {
            Pooling = false, ApplicationName = ApplicationName, MaxAutoPrepare = 0,
        }.ConnectionString;
        var heartbeat = (int)options.Heartbeat.TotalMilliseconds;
        while (!Stopping.IsCancellationRequested)
        {
            try
            {
                using var source = Store.PostgresDataSource(connectionString);
                using var connection = source.CreateConnection();
                // A notification proves the connection alive when it arrives; those committed before it came before it.
                connection.Notification += (_, e) =>
                {
                    var provenAt = Environment.TickCount64;
                    index.Invalidate(e.Payload);
                    index.Heard(provenAt);
                };
                connection.Open();
                using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) listen.ExecuteNonQuery();
                store.RecheckHosts(); // the primary is found: requests find it too, before the index stops answering from memory
                index.FeedConnected();
                logger.FeedListening(connection.ProcessID);
                using var ping = new NpgsqlCommand("SELECT 1", connection);
                while (!Stopping.IsCancellationRequested)
                {
                    // Notifications are handled as they arrive; a quiet interval ends with a round trip that proves the
                    // connection (and so the feed) still works.
                    if (connection.Wait(heartbeat)) continue; // the notification was heard as it arrived
                    var provenAt = Environment.TickCount64; // the ping's answer comes after every notification sent before it
                    ping.ExecuteScalar();
                    index.Heard(provenAt);
                }
            }
            catch (Exception e) when (!Stopping.IsCancellationRequested)
            {
                index.FeedLost();
                logger.FeedLost(e);
                Stopping.Token.WaitHandle.WaitOne(options.ReconnectDelay);
            }
            catch (Exception) when (Stopping.IsCancellationRequested)
            {
                // Stopping: the connection is closed below.
            }
        }
        index.FeedLost();
    }
}
