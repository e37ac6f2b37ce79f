using System.Reflection;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace Pim.Infrastructure;

/// <summary>Numbered SQL scripts per dialect (Migrations/Postgres, Migrations/Sqlite), applied at start-up with DbUp.</summary>
public sealed class Migrator(Store store, ILogger<Migrator> logger)
{
    public IReadOnlyList<string> Pending() => Engine().GetScriptsToExecute().Select(s => s.Name).ToList();

    /// <summary>Applies pending scripts; throws (and start-up stops) when one fails.</summary>
    public void Apply()
    {
        if (store.Provider == StoreProvider.Sqlite) PrepareSqlite();
        var result = Engine().PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException(
                $"Database migration {result.ErrorScript?.Name ?? "(unknown script)"} failed: {result.Error?.Message}", result.Error);
        logger.LogInformation("Store {Provider} is at the latest schema ({Applied} script(s) applied now)",
            store.Provider, result.Scripts.Count());
    }

    private UpgradeEngine Engine()
    {
        var folder = store.Provider == StoreProvider.Postgres ? ".Migrations.Postgres." : ".Migrations.Sqlite.";
        var builder = store.Provider == StoreProvider.Postgres
            ? DeployChanges.To.PostgresqlDatabase(store.ConnectionString)
            : DeployChanges.To.SqliteDatabase(store.ConnectionString);
        return builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(folder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new Log(logger))
            .Build();
    }

    private void PrepareSqlite()
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.ConnectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(store.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;"; // readers never wait for the writer
        command.ExecuteNonQuery();
    }

    private sealed class Log(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
