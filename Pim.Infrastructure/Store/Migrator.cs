using System.Reflection;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace Pim.Infrastructure;

/// <summary>
/// Numbered SQL scripts applied at start-up with DbUp. One set (Migrations/NNNN_*.sql) serves both stores, with DbUp
/// variables for the few spellings that differ (timestamps, the audit trail's identity column); a dialect's own file of the same name
/// (Migrations/Postgres, Migrations/Sqlite) is appended where the dialects truly differ (triggers, identity columns).
/// Each script keeps the journal name it always had, <c>Pim.Infrastructure.Migrations.{Dialect}.NNNN_*.sql</c>, so a
/// database migrated by an earlier build sees nothing new.
/// </summary>
public sealed class Migrator(Store store, ILogger<Migrator> logger)
{
    private const string Prefix = "Pim.Infrastructure.Migrations.";

    /// <summary>The spellings each dialect gives the DbUp variables of the shared scripts.</summary>
    private static readonly Dictionary<StoreProvider, Dictionary<string, string>> Variables = new()
    {
        [StoreProvider.Postgres] = new()
        {
            ["timestamp"] = "timestamptz",
            ["audit_event_id"] = "bigint      GENERATED ALWAYS AS IDENTITY",
            ["audit_primary_key"] = ",\n    PRIMARY KEY (tenant_id, event_id)",
        },
        [StoreProvider.Sqlite] = new()
        {
            ["timestamp"] = "text",
            ["audit_event_id"] = "INTEGER     PRIMARY KEY AUTOINCREMENT",
            ["audit_primary_key"] = "",
        },
    };

    public IReadOnlyList<string> Pending() => Engine().GetScriptsToExecute().Select(s => s.Name).ToList();

    /// <summary>Applies pending scripts; throws (and start-up stops) when one fails.</summary>
    public void Apply()
    {
        if (store.Provider == StoreProvider.Sqlite) PrepareSqlite();
        using var guard = store.Provider == StoreProvider.Postgres ? LockMigrations() : null;
        var result = Engine().PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException(
                $"Database migration {result.ErrorScript?.Name ?? "(unknown script)"} failed: {result.Error?.Message}", result.Error);
        logger.LogInformation("Store {Provider} is at the latest schema ({Applied} script(s) applied now)",
            store.Provider, result.Scripts.Count());
    }

    /// <summary>
    /// Replicas started together on a new database (or a new build rolled out to several at once) would each run the same
    /// scripts: on PostgreSQL one migrates while the others wait on a session advisory lock, then find nothing pending.
    /// The lock ends with the connection.
    /// </summary>
    private Npgsql.NpgsqlConnection LockMigrations()
    {
        const string Sql = "SELECT pg_advisory_lock(6177283)"; // a constant of Pim's own: its migrations
        var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(Sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
        return connection;
    }

    private UpgradeEngine Engine()
    {
        var builder = store.Provider == StoreProvider.Postgres
            ? DeployChanges.To.PostgresqlDatabase(store.ConnectionString)
            : DeployChanges.To.SqliteDatabase(store.ConnectionString);
        return builder
            .WithScripts(Scripts(store.Provider))
            .WithVariables(Variables[store.Provider])
            .WithTransactionPerScript()
            .LogTo(new Log(logger))
            .Build();
    }

    /// <summary>For each number: the shared script, then the dialect's own, as one script under the dialect's journal name.</summary>
    public static IReadOnlyList<SqlScript> Scripts(StoreProvider provider)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var dialect = provider == StoreProvider.Postgres ? "Postgres." : "Sqlite.";
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..]).ToList();
        var files = names.Where(n => n.Count(c => c == '.') == 1) // shared: "0001_initial.sql"
            .Concat(names.Where(n => n.StartsWith(dialect, StringComparison.Ordinal)).Select(n => n[dialect.Length..]))
            .Distinct().Order(StringComparer.Ordinal);
        return files.Select(file => new SqlScript(Prefix + dialect + file,
            string.Join("\n", new[] { Prefix + file, Prefix + dialect + file }.Select(name => Read(assembly, name)).Where(text => text is not null)))).ToList();
    }

    private static string? Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
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
