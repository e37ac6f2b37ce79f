using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// The request's connection and transaction (one unit of work per request). Repositories enlist through
/// <see cref="Command"/>; a transaction not committed is rolled back when the request ends.
/// When the request runs inside an enclosing transaction (<see cref="BeginEnclosingAsync"/>: an Idempotency-Key records
/// its answer in the same transaction as the change), each unit of work is a savepoint of it: committing releases the
/// savepoint, abandoning rolls back to it, and only the enclosing transaction commits to the store.
/// Once a transaction has committed, the grant index hears at once which tenants it changed (<see cref="GrantIndex"/>),
/// so that this replica's very next evaluation sees the change; other replicas hear it from the store's change feed.
/// </summary>
public sealed class DbSession(Store store, GrantIndex grants) : IUnitOfWork, IAsyncDisposable
{
    private DbConnection? _connection;
    private DbTransaction? _transaction;
    private bool _enclosing;
    private int _savepoints;

    public Store Store => store;

    /// <summary>A transaction is open: reads must come from the store, which alone sees this transaction's own writes.</summary>
    public bool InTransaction => _transaction is not null;

    public async Task<DbConnection> ConnectionAsync(CancellationToken ct)
    {
        // A connection the store dropped (an outage) is replaced, unless a transaction was open on it: that one is lost.
        if (_connection is { State: System.Data.ConnectionState.Broken or System.Data.ConnectionState.Closed } && _transaction is null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
        return _connection ??= await store.OpenAsync(ct);
    }

    /// <summary>
    /// Closes the connection (back to the store's pool) unless a transaction is open on it; the next read opens one again.
    /// A read that waits for a change calls it between its reads, so a thousand waits hold no connection.
    /// </summary>
    public async ValueTask ReleaseConnectionAsync()
    {
        if (_transaction is not null || _connection is null) return;
        await _connection.DisposeAsync();
        _connection = null;
    }

    public CommandDefinition Command(string sql, object? parameters, CancellationToken ct) =>
        new(sql, parameters, _transaction, cancellationToken: ct);

    /// <summary>Rows per statement when PostgreSQL writes a batch set-based (a flush after a quiet hour can hold every pair).</summary>
    public const int RowsPerStatement = 5_000;

    /// <summary>
    /// Writes <paramref name="rows"/>, in the order given, in one unit of work: on SQLite <paramref name="oneRow"/> per row
    /// (in-process, no round trip); on PostgreSQL <paramref name="manyRows"/> per <see cref="RowsPerStatement"/> rows, its
    /// parameters the rows as arrays (<paramref name="asArrays"/>, for <c>unnest</c>): one round trip, not one per row.
    /// </summary>
    public async Task WriteRowsAsync<T>(string oneRow, string manyRows, T[] rows, Func<T[], object> asArrays, CancellationToken ct)
    {
        if (rows.Length == 0) return;
        var connection = await ConnectionAsync(ct);
        if (Store.Provider != StoreProvider.Postgres)
        {
            await this.RunAsync(() => connection.ExecuteAsync(Command(oneRow, rows, ct)), ct);
            return;
        }
        await this.RunAsync(async () =>
        {
            foreach (var chunk in rows.Chunk(RowsPerStatement)) await connection.ExecuteAsync(Command(manyRows, asArrays(chunk), ct));
            return 0;
        }, ct);
    }

    /// <summary>
    /// PostgreSQL: no JIT compilation for the rest of the open transaction (<c>SET LOCAL</c>, gone when it ends), for the
    /// set-based statements over a whole tenant (alerts, access review instances): their cost estimates cross
    /// <c>jit_above_cost</c>, and compiling them took longer than running them (bench/README.md, issue 16).
    /// </summary>
    public async Task WithoutJitAsync(CancellationToken ct)
    {
        if (Store.Provider != StoreProvider.Postgres || _transaction is null) return;
        await (await ConnectionAsync(ct)).ExecuteAsync(Command("SET LOCAL jit = off", null, ct));
    }

    private void Changed(IEnumerable<string> tenantIds)
    {
        foreach (var tenantId in tenantIds) grants.Invalidate(tenantId);
    }

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

    /// <summary>Ends the unit of work: the session is then as new (the single evaluation's is used again, <see cref="AccessServiceFactory.Take"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await EndAsync();
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
        _savepoints = 0;
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
            var transaction = session._transaction!;
            var changed = (await transaction.Connection!.QueryAsync<string>(
                new CommandDefinition(session.Store.ChangedTenantsSql, transaction: transaction, cancellationToken: ct))).ToList();
            // Forgotten before COMMIT too. On SQLite the rows taken may be another writer's (a change made behind Pim's
            // back, already committed): once taken, the change feed no longer sees them, and between this COMMIT and the
            // forgetting after it the feed would vouch for an index that predates that change. A load in between reads
            // after the other writer's commit; one that reads before this COMMIT is overtaken by the forgetting after it.
            session.Changed(changed);
            try
            {
                await transaction.CommitAsync(ct);
            }
            finally
            {
                // Also when COMMIT failed: whether it took effect is then unknown, and forgetting a tenant is always safe.
                session.Changed(changed);
            }
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
