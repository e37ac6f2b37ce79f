using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Http;

/// <summary>Start-up: migrations on both stores, the guards that keep the development issuer out of production, and the
/// bounds that keep one tenant from taking the room of all.</summary>
public sealed class StartupTests
{
    public static TheoryData<string> Stores => new() { "sqlite", "postgres" };

    private static async Task<(Store Store, Func<Task> Drop)> FreshStoreAsync(string provider)
    {
        if (provider == "sqlite")
        {
            var dir = Directory.CreateTempSubdirectory("pim-migrate-").FullName;
            return (new Store(StoreProvider.Sqlite, $"Data Source={Path.Combine(dir, "pim.db")}"),
                () => { Directory.Delete(dir, true); return Task.CompletedTask; });
        }
        var database = "pim_migrate_" + Guid.NewGuid().ToString("N")[..10];
        await using (var connection = new NpgsqlConnection(PostgresApp.Maintenance))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", connection).ExecuteNonQueryAsync();
        }
        var store = new Store(StoreProvider.Postgres, new NpgsqlConnectionStringBuilder(PostgresApp.Maintenance) { Database = database, Pooling = false }.ToString());
        return (store, async () =>
        {
            await using var connection = new NpgsqlConnection(PostgresApp.Maintenance);
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection).ExecuteNonQueryAsync();
        });
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Migrations_apply_once_and_a_second_start_applies_nothing(string provider)
    {
        var (store, drop) = await FreshStoreAsync(provider);
        try
        {
            var migrator = new Migrator(store, NullLogger<Migrator>.Instance);
            Assert.NotEmpty(migrator.Pending());
            migrator.Apply();
            Assert.Empty(migrator.Pending());
            migrator.Apply();
            Assert.Empty(migrator.Pending());
        }
        finally { await drop(); }
    }

    /// <summary>Two replicas starting together on a new PostgreSQL database: one migrates, the other waits and finds
    /// nothing to apply; neither fails and no script runs twice.</summary>
    [Fact]
    public async Task Replicas_starting_together_migrate_once()
    {
        var (store, drop) = await FreshStoreAsync("postgres");
        try
        {
            using var start = new Barrier(2);
            var replicas = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                var migrator = new Migrator(store, NullLogger<Migrator>.Instance);
                start.SignalAndWait();
                migrator.Apply();
            })).ToArray();
            await Task.WhenAll(replicas);
            Assert.Empty(new Migrator(store, NullLogger<Migrator>.Instance).Pending());
            await using var connection = await store.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) - count(DISTINCT scriptname) FROM schemaversions";
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }
        finally { await drop(); }
    }

    /// <summary>One script set serves both stores, under the journal names each dialect always had: a database migrated by
    /// an earlier build of Pim sees nothing new to apply.</summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Scripts_keep_the_journal_names_of_each_dialect(string provider)
    {
        var (store, drop) = await FreshStoreAsync(provider);
        try
        {
            var dialect = provider == "postgres" ? "Postgres" : "Sqlite";
            string[] files = ["0001_initial.sql", "0002_outbox_and_webhooks.sql", "0003_extensions_usage_idempotency.sql", "0004_scopes.sql", "0005_security.sql",
                "0006_grant_changes.sql", "0007_approval_workflows.sql", "0008_directory.sql", "0009_governance.sql", "0010_outbox_trace_context.sql",
                "0011_roles_and_workloads.sql", "0012_group_scopes.sql", "0013_governed_grants.sql", "0014_guest_lookup.sql", "0015_slack.sql"];
            var migrator = new Migrator(store, NullLogger<Migrator>.Instance);
            Assert.Equal(files.Select(f => $"Pim.Infrastructure.Migrations.{dialect}.{f}"), migrator.Pending());
            // The shared scripts' $timestamp$ is each dialect's spelling.
            migrator.Apply();
            await using var connection = await store.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = provider == "postgres"
                ? "SELECT data_type FROM information_schema.columns WHERE table_name = 'principals' AND column_name = 'disabled_at'"
                : "SELECT type FROM pragma_table_info('principals') WHERE name = 'disabled_at'";
            Assert.Equal(provider == "postgres" ? "timestamp with time zone" : "text", ((string?)await command.ExecuteScalarAsync())?.ToLowerInvariant());
        }
        finally { await drop(); }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_failing_migration_stops_start_up_with_the_scripts_name(string provider)
    {
        var (store, drop) = await FreshStoreAsync(provider);
        try
        {
            await using (var connection = await store.OpenAsync(CancellationToken.None))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "CREATE TABLE tenants (unexpected integer)";
                await command.ExecuteNonQueryAsync();
            }
            var failure = Assert.Throws<InvalidOperationException>(() => new Migrator(store, NullLogger<Migrator>.Instance).Apply());
            Assert.Contains("0001_initial.sql failed", failure.Message);
        }
        finally { await drop(); }
    }

    [Fact]
    public void Production_refuses_to_start_with_the_development_issuer()
    {
        var (exitCode, output) = RunApi(("ASPNETCORE_ENVIRONMENT", "Production"), ("Pim__Auth__DevIssuer__Enabled", "true"));
        Assert.Equal(1, exitCode);
        Assert.Contains("DevIssuer", output);
        Assert.Contains("Pim failed to start", output);
    }

    [Fact]
    public void Production_refuses_to_start_without_an_authority()
    {
        var (exitCode, output) = RunApi(("ASPNETCORE_ENVIRONMENT", "Production"));
        Assert.Equal(1, exitCode);
        Assert.Contains("Pim:Auth:Authority", output);
    }

    /// <summary>An identity provider named over http would have every request fail when its metadata is first read
    /// (JwtBearer refuses http metadata): Pim refuses to start instead, naming the key.</summary>
    [Fact]
    public void Pim_refuses_to_start_with_an_authority_over_http()
    {
        var (exitCode, output) = RunApi(("ASPNETCORE_ENVIRONMENT", "Production"), ("Pim__Auth__Authority", "http://login.contoso.example/"));
        Assert.Equal(1, exitCode);
        Assert.Contains("Pim failed to start", output);
        Assert.Contains("Pim:Auth:Authority (http://login.contoso.example/) must be an https URL", output);
    }

    [Fact]
    public void Pim_refuses_to_start_when_the_CA_it_is_told_to_trust_for_SMTP_cannot_be_read()
    {
        var (exitCode, output) = RunApi(("Pim__Email__Smtp__Host", "smtp.contoso.example"),
            ("Pim__Email__Smtp__TrustedCaCertificatePath", "/nonexistent/internal-ca.pem"));
        Assert.Equal(1, exitCode);
        Assert.Contains("Pim failed to start", output);
        Assert.Contains("Pim:Email:Smtp:TrustedCaCertificatePath", output);
    }

    [Fact]
    public void Pim_refuses_to_start_with_an_OpenTelemetry_exporter_it_has_not()
    {
        var (exitCode, output) = RunApi(("OTEL_TRACES_EXPORTER", "zipkin"));
        Assert.Equal(1, exitCode);
        Assert.Contains("OTEL_TRACES_EXPORTER must be 'otlp' or 'none', not 'zipkin'", output);
    }

    [Fact]
    public void Pim_refuses_to_start_with_bounds_that_let_one_tenant_take_the_room_of_all()
    {
        var (exitCode, output) = RunApi(("ASPNETCORE_ENVIRONMENT", "Development"), ("Pim__LongPolls__PerTenant", "1000"));
        Assert.Equal(1, exitCode);
        Assert.Contains("Pim:LongPolls must be 1 <= PerCaller <= PerTenant < InAll (now 10, 1000, 1000)", output);

        (exitCode, output) = RunApi(("ASPNETCORE_ENVIRONMENT", "Development"), ("Pim__Store__Provider", "postgres"),
            ("ConnectionStrings__Pim", "Host=127.0.0.1;Port=9;Maximum Pool Size=10"), ("Pim__RateLimits__InFlightPerTenant", "10"));
        Assert.Equal(1, exitCode);
        Assert.Contains("Pim:RateLimits:InFlightPerTenant (10) must be below the store's Maximum Pool Size (10)", output);
    }

    /// <summary>Every options class is checked when Pim starts: a setting out of bounds stops it, naming the key.</summary>
    [Fact]
    public void Pim_refuses_to_start_with_a_setting_out_of_bounds_and_names_the_key()
    {
        var (exitCode, output) = RunApi(("ASPNETCORE_ENVIRONMENT", "Development"), ("Pim__Access__Cache__Heartbeat", "00:00:05"),
            ("Pim__Access__Cache__MemoryShare", "1.5"));
        Assert.Equal(1, exitCode);
        Assert.Contains("Pim failed to start", output);
        Assert.Contains("Pim:Access:Cache:Heartbeat (00:00:05) must be positive and shorter than Pim:Access:Cache:FeedTimeout (00:00:01)", output);
        Assert.Contains("Pim:Access:Cache:MemoryShare (1.5) must be more than 0 and at most 1.", output);

        (exitCode, output) = RunApi(("ASPNETCORE_ENVIRONMENT", "Development"), ("Pim__Idempotency__MaxKeysPerCaller", "0"),
            ("Pim__Notifications__Window", "00:00:00"));
        Assert.Equal(1, exitCode);
        Assert.Contains("Pim:Idempotency:MaxKeysPerCaller must be at least 1.", output);
        Assert.Contains("Pim:Notifications:MaxPerRolePerWindow must be at least 1, and Pim:Notifications:Window positive.", output);
    }

    [Fact]
    public async Task Production_serves_no_token_endpoint_and_no_swagger_ui()
    {
        await using var production = new ProductionApp();
        var client = production.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostJsonAsync("/dev/token", new { subject = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/swagger/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/v1/swagger.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/bench/grants-sql")).StatusCode); // benchmark mode only
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostJsonAsync("/bench/bare", new { })).StatusCode);
    }

    /// <summary>Starts the built Pim.Api.dll as its own process, as an operator would, and returns its exit code and output.</summary>
    private static (int ExitCode, string Output) RunApi(params (string Name, string Value)[] environment)
    {
        var apiDirectory = AppContext.BaseDirectory.Replace("Pim.Api.Tests", "Pim.Api", StringComparison.Ordinal);
        var data = Directory.CreateTempSubdirectory("pim-start-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(apiDirectory, "Pim.Api.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        };
        start.Environment["ConnectionStrings__Pim"] = $"Data Source={Path.Combine(data, "pim.db")}";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("Pim did not stop by itself.");
        }
        Directory.Delete(data, true);
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private sealed class ProductionApp : WebApplicationFactory<Program>
    {
        private readonly string _data = Directory.CreateTempSubdirectory("pim-prod-").FullName;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Pim", $"Data Source={Path.Combine(_data, "pim.db")}");
            builder.UseSetting("Pim:Auth:Authority", "https://login.example.invalid/contoso/v2.0");
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Directory.Delete(_data, true);
        }
    }
}
