using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Pim.Infrastructure;

/// <summary>
/// SQLite's change feed for the grant index. Pim's own commits tell the index at once (<see cref="DbSession"/>); this
/// thread catches what was written behind Pim's back (the sqlite3 shell, a restore): every
/// <see cref="AccessCacheOptions.Heartbeat"/> it asks <c>PRAGMA data_version</c>, which moves when another connection
/// committed, and takes the tenants that migration 0006's triggers left in <c>grant_changes</c>. It also proves the feed
/// alive, as PostgreSQL's listener does: if it stops, the index stops answering.
/// </summary>
public sealed class SqliteChangeFeed(Store store, GrantIndex index, AccessCacheOptions options, ILogger<SqliteChangeFeed> logger)
    : ChangeFeedThread
{

    protected override void Run()
    {
        while (!Stopping.IsCancellationRequested)
        {
            try
            {
                using var connection = new SqliteConnection(store.ConnectionString);
                connection.Open();
                long? seen = null;
                var connected = false;
                while (!Stopping.IsCancellationRequested)
                {
                    var provenAt = Environment.TickCount64; // what committed before this read is seen by it
                    var version = connection.ExecuteScalar<long>("PRAGMA data_version");
                    if (version != seen)
                    {
                        seen = version;
                        // A read first: taking the rows out is a write, worth its lock only when there are some.
                        if (connection.ExecuteScalar<long?>("SELECT 1 FROM grant_changes LIMIT 1") is not null)
                            foreach (var tenantId in connection.Query<string>(store.ChangedTenantsSql).ToList()) index.Invalidate(tenantId);
                    }
                    if (!connected)
                    {
                        index.FeedConnected();
                        connected = true;
                    }
                    index.Heard(provenAt);
                    Stopping.Token.WaitHandle.WaitOne(options.Heartbeat);
                }
            }
            catch (Exception e) when (!Stopping.IsCancellationRequested)
            {
                index.FeedLost();
                logger.FeedFailed(e);
                Stopping.Token.WaitHandle.WaitOne(options.ReconnectDelay);
            }
            catch (Exception) when (Stopping.IsCancellationRequested)
            {
            }
        }
        index.FeedLost();
    }
}
