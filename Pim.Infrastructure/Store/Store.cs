using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Pim.Infrastructure;

public enum StoreProvider { Sqlite, Postgres }

/// <summary>The configured store: which dialect, and how to open a connection to it.</summary>
public sealed class Store : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string _connectionString;

    static Store()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new UtcTimestampHandler());
    }

    public Store(StoreProvider provider, string connectionString)
    {
        Provider = provider;
        if (provider == StoreProvider.Postgres)
        {
            // Pim's SQL is a small set of constant statements: let Npgsql prepare them, so Postgres plans each once per
            // connection instead of on every call (planning cost more than executing the access-evaluation query).
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (builder.MaxAutoPrepare == 0)
            {
                builder.MaxAutoPrepare = 64;
                builder.AutoPrepareMinUsages = 2;
            }
            // Pim leaves no session state on a connection (no SET, temporary tables or LISTEN; every transaction ends),
            // so a connection back in the pool needs no reset round trip.
            builder.NoResetOnClose = true;
            // No request waits on an unreachable store for long: a connection is given up after 5 s and a command after
            // 15 s unless the connection string says otherwise (Npgsql's defaults, 15 s and 30 s, make a stalled store hang
            // every caller).
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            if (!given.ContainsKey("Timeout")) builder.Timeout = 5;
            if (!given.ContainsKey("Command Timeout")) builder.CommandTimeout = 15;
            // A primary and its standbys (Host=node1,node2;Target Session Attributes=primary): Npgsql remembers what each
            // host was for Host Recheck Seconds, 10 by default — after a failover the promoted standby would be passed over
            // as a standby for that long, and Pim refuse writes the new primary would take. It is asked again every second
            // (a round trip on an idle connection) unless the connection string says otherwise (README, "Running highly available").
            if (builder.Host?.Contains(',', StringComparison.Ordinal) == true && !given.ContainsKey("Host Recheck Seconds")
                && !given.ContainsKey("HostRecheckSeconds"))
                builder.HostRecheckSeconds = 1;
            _connectionString = builder.ConnectionString;
            _postgres = PostgresDataSource(_connectionString);
        }
        else
        {
            // Foreign keys on, and a busy connection waits (Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout).
            _connectionString = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true, DefaultTimeout = 15 }.ToString();
        }
    }

    /// <summary>
    /// Npgsql's commands are traced (when OpenTelemetry listens) only as part of a trace: a request, a delivery, a sweep.
    /// Background polls (outbox claims, the change feed's heartbeats, usage flushes) would otherwise each be a trace.
    /// A command's span is named by its operation (SELECT, INSERT, …); its SQL text, never its parameters, is recorded.
    /// </summary>
    public static NpgsqlDataSource PostgresDataSource(string connectionString) => new NpgsqlDataSourceBuilder(connectionString)
        .ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .ConfigureCommandSpanNameProvider(command => Operation(command.CommandText))
            .ConfigureBatchSpanNameProvider(batch => batch.BatchCommands.Count > 0 ? Operation(batch.BatchCommands[0].CommandText) : "postgresql"))
        .Build();

    /// <summary>The SQL statement's first keyword (OpenTelemetry's db.operation.name), upper case.</summary>
    private static string Operation(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        var end = text.IndexOfAny(" \t\r\n(;");
        var keyword = end < 0 ? text : text[..end];
        return keyword.Length is > 0 and <= 16 ? keyword.ToString().ToUpperInvariant() : "postgresql";
    }

    public StoreProvider Provider { get; }
    public string ConnectionString => _connectionString;

    /// <summary>The most connections Pim opens to the store at once: PostgreSQL's Maximum Pool Size; SQLite's has no bound (null).</summary>
    public static int? ConnectionLimit(StoreProvider provider, string connectionString) =>
        provider == StoreProvider.Postgres ? new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize : null;

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>A list condition: <c>= ANY(@p)</c> with a Postgres array, <c>IN @p</c> (expanded by Dapper) on SQLite.</summary>
    public string In(string column, string parameter) =>
        Provider == StoreProvider.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    /// <summary>Postgres: claim rows other workers have not locked. SQLite: its write lock already serialises writers.</summary>
    public string SkipLocked => Provider == StoreProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "";

    /// <summary>
    /// Postgres: hold the row until the transaction ends (NO KEY: rows that reference it can still be written). SQLite:
    /// its write lock, taken when the transaction begins, already holds everything.
    /// </summary>
    public string HoldRow => Provider == StoreProvider.Postgres ? " FOR NO KEY UPDATE" : "";

    public static bool IsUniqueViolation(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    /// <summary>
    /// The store did not answer (it is down, restarting, unreachable, out of connections, or too slow), as opposed to
    /// refusing what was asked of it: worth retrying later. PostgreSQL: what Npgsql marks transient (I/O, timeouts,
    /// shutdown, too many connections, …), and the moments of a failover — no host is the primary yet (Npgsql's "No suitable
    /// host", with nothing inside it to say why), or the promoted standby is still read-only (pg_auto_failover keeps it so
    /// until the old primary is known to be gone). SQLite: the database stayed busy or locked past the command timeout.
    /// </summary>
    public static bool IsUnavailable(Exception? e) => e switch
    {
        null => false,
        NpgsqlException { IsTransient: true } or SqliteException { SqliteErrorCode: 5 or 6 } or TimeoutException => true,
        PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction } => true,
        PostgresException => false,
        NpgsqlException { InnerException: null } npgsql => npgsql.Message.StartsWith("No suitable host", StringComparison.Ordinal),
        AggregateException all => all.InnerExceptions.Any(IsUnavailable),
        _ => IsUnavailable(e.InnerException),
    };

    /// <summary>
    /// The server answered, but will not write now: a standby promoted moments ago and still read-only. Its connections
    /// work, and write as soon as it does.
    /// </summary>
    public static bool IsReadOnly(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction }) return true;
        return false;
    }

    /// <summary>
    /// Run just before a write transaction commits: the tenants whose grants it changed (migration 0006). PostgreSQL: the
    /// transaction-local list its triggers kept. SQLite: the rows its triggers wrote, taken out in the same transaction.
    /// </summary>
    public string ChangedTenantsSql => Provider == StoreProvider.Postgres
        ? "SELECT t FROM regexp_split_to_table(coalesce(current_setting('pim.grants_changed', true), ''), ' +') AS t WHERE t <> ''"
        : "DELETE FROM grant_changes RETURNING tenant_id";

    /// <summary>After an outage: drop idle connections, which may be to a server that is gone, so the next requests open new ones.</summary>
    public void ForgetIdleConnections() => _postgres?.Clear();

    /// <summary>
    /// Several hosts: forget what the pool remembers of each (primary, standby, down), so that the next connection asks
    /// again. The change feed calls it when it listens again after losing the store: it has just found the primary, which
    /// after a failover the pool may still take for the standby it was (for up to Host Recheck Seconds).
    /// </summary>
    public void RecheckHosts() => (_postgres as NpgsqlMultiHostDataSource)?.ClearDatabaseStates();

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}
