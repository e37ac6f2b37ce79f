namespace Pim.Domain;

/// <summary>One database transaction per request: a change, its audit events and its outbox messages commit together.</summary>
public interface IUnitOfWork
{
    Task<ITransaction> BeginAsync(CancellationToken ct);

    /// <summary>
    /// Gives the request's store connection back while no transaction is open (the next read takes one again): a read
    /// that waits for a change holds none between its reads, so many waits cannot hold the connections other requests need.
    /// </summary>
    ValueTask ReleaseConnectionAsync();
}

public interface ITransaction : IAsyncDisposable
{
    Task CommitAsync(CancellationToken ct);
}

public static class UnitOfWorkExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it when the work returns; a refusal (an exception)
    /// rolls everything back. Use cases write through this, so no path can return before its commit.
    /// </summary>
    public static async Task<T> RunAsync<T>(this IUnitOfWork uow, Func<Task<T>> work, CancellationToken ct)
    {
        await using var transaction = await uow.BeginAsync(ct);
        var result = await work();
        await transaction.CommitAsync(ct);
        return result;
    }

    public static Task RunAsync(this IUnitOfWork uow, Func<Task> work, CancellationToken ct) =>
        uow.RunAsync(async () =>
        {
            await work();
            return true;
        }, ct);
}
