using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Pim.Domain;

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
            _connectionString = builder.ConnectionString;
            _postgres = NpgsqlDataSource.Create(_connectionString);
        }
        else
        {
            // Foreign keys on, and a busy connection waits (Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout).
            _connectionString = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true, DefaultTimeout = 30 }.ToString();
        }
    }

    public StoreProvider Provider { get; }
    public string ConnectionString => _connectionString;

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

    public static bool IsUniqueViolation(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Timestamps are UTC everywhere: <c>timestamptz</c> on Postgres, fixed-width ISO 8601 text on SQLite (so that
/// text comparison is time comparison).
/// </summary>
internal sealed class UtcTimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    private const string SqliteFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        if (parameter is SqliteParameter)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.UtcDateTime.ToString(SqliteFormat, CultureInfo.InvariantCulture);
        }
        else
        {
            parameter.Value = value.ToUniversalTime();
        }
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset d => d.ToUniversalTime(),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new DataException($"Cannot read a timestamp from {value.GetType().Name}."),
    };
}

/// <summary>
/// The request's connection and transaction (one unit of work per request). Repositories enlist through
/// <see cref="Command"/>; a transaction not committed is rolled back when the request ends.
/// When the request runs inside an enclosing transaction (<see cref="BeginEnclosingAsync"/>: an Idempotency-Key records
/// its answer in the same transaction as the change), each unit of work is a savepoint of it: committing releases the
/// savepoint, abandoning rolls back to it, and only the enclosing transaction commits to the store.
/// </summary>
public sealed class DbSession(Store store) : IUnitOfWork, IAsyncDisposable
{
    private DbConnection? _connection;
    private DbTransaction? _transaction;
    private bool _enclosing;
    private int _savepoints;

    public Store Store => store;

    public async Task<DbConnection> ConnectionAsync(CancellationToken ct) => _connection ??= await store.OpenAsync(ct);

    public CommandDefinition Command(string sql, object? parameters, CancellationToken ct) =>
        new(sql, parameters, _transaction, cancellationToken: ct);

    public async Task<ITransaction> BeginAsync(CancellationToken ct)
    {
        if (_transaction is null)
        {
            await StartAsync(ct);
            return new Transaction(this);
        }
        if (!_enclosing) throw new InvalidOperationException("A unit of work is already open on this request.");
        var name = "uow_" + ++_savepoints;
        await _transaction.SaveAsync(name, ct);
        return new Savepoint(this, name);
    }

    /// <summary>Opens the transaction that every unit of work of this request nests in; the caller commits or abandons it.</summary>
    public async Task<ITransaction> BeginEnclosingAsync(CancellationToken ct)
    {
        if (_transaction is not null) throw new InvalidOperationException("A unit of work is already open on this request.");
        await StartAsync(ct);
        _enclosing = true;
        return new Transaction(this);
    }

    private async Task StartAsync(CancellationToken ct)
    {
        var connection = await ConnectionAsync(ct);
        // SQLite: BEGIN IMMEDIATE takes the write lock up front, so concurrent writers queue instead of deadlocking.
        _transaction = connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await EndAsync();
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
    }

    private async ValueTask EndAsync()
    {
        _enclosing = false;
        if (_transaction is null) return;
        await _transaction.DisposeAsync();
        _transaction = null;
    }

    private sealed class Transaction(DbSession session) : ITransaction
    {
        public async Task CommitAsync(CancellationToken ct)
        {
            await session._transaction!.CommitAsync(ct);
            await session.EndAsync();
        }

        public ValueTask DisposeAsync() => session.EndAsync();
    }

    private sealed class Savepoint(DbSession session, string name) : ITransaction
    {
        private bool _done;

        public async Task CommitAsync(CancellationToken ct)
        {
            await session._transaction!.ReleaseAsync(name, ct);
            _done = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (_done || session._transaction is null) return;
            _done = true;
            await session._transaction.RollbackAsync(name);
        }
    }
}
