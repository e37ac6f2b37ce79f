using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Pim.Api.Http;

namespace Pim.Api.Tests.Support;

/// <summary>
/// Pim in-process over a real store, in Development with the development issuer, on a fake clock.
/// Each test works in a tenant of its own, so tests share one app per store. On TestServer, unless a fixture whose clients
/// are real (the command line, a browser) hosts it on Kestrel (<see cref="KestrelHosting"/>).
/// </summary>
public abstract class PimApp : WebApplicationFactory<Program>
{
    private readonly KestrelHosting? _kestrel;

    protected PimApp(KestrelHosting? kestrel = null)
    {
        _kestrel = kestrel;
        if (kestrel is not null)
            UseKestrel(k => k.Listen(IPAddress.Loopback, kestrel.Port, listen =>
            {
                if (kestrel.Certificate is not null) listen.UseHttps(kestrel.Certificate);
            }));
    }

    /// <summary>Pim on the named store (sqlite or postgres) on Kestrel: start it with <c>StartServer</c>.</summary>
    public static PimApp OnKestrel(string provider, KestrelHosting kestrel) => provider switch
    {
        "sqlite" => new SqliteApp(kestrel),
        "postgres" => new PostgresApp(kestrel),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "The stores are sqlite and postgres."),
    };

    public const string RemoteIpHeader = "X-Test-Remote-Ip";
    public const string TrustedProxy = "10.20.30.40";
    public const string ConsolePublicUrl = "https://pim.test.example";

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("pim-test-").FullName;
    public string MailDirectory => Path.Combine(DataDirectory, "mail");

    public abstract string Provider { get; }
    public abstract string ConnectionString { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Pim:Store:Provider", Provider);
        builder.UseSetting("ConnectionStrings:Pim", ConnectionString);
        builder.UseSetting("Pim:DataDirectory", DataDirectory);
        builder.UseSetting("Pim:Auth:DevIssuer:Enabled", "true");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Pim:Network:TrustedProxies:0", TrustedProxy);
        // The platform identities of the test deployment: tokens without a tenant that act in every tenant.
        builder.UseSetting("Pim:Auth:PlatformIdentities:0", "directory-sync");
        builder.UseSetting("Pim:Auth:PlatformIdentities:1", "exchange-gateway");
        // Tests share callers across many tenants and run fast: budgets no test reaches unless it means to.
        foreach (var budget in new[] { "Evaluation", "Reads", "Writes" })
        {
            builder.UseSetting($"Pim:RateLimits:{budget}:PerCaller", "1000000");
            builder.UseSetting($"Pim:RateLimits:{budget}:PerTenant", "1000000");
        }
        // Background work is driven by the tests (DispatchOnceAsync, SweepOnceAsync) on the fake clock.
        builder.UseSetting("Pim:Outbox:BackgroundEnabled", "false");
        builder.UseSetting("Pim:Outbox:QuickRetries", "0");
        builder.UseSetting("Pim:Outbox:DeliveryTimeout", "00:00:01");
        builder.UseSetting("Pim:Outbox:MaxAttempts", "3");
        builder.UseSetting("Pim:Email:PickupDirectory", MailDirectory);
        // Emails link to the console's pages under its public URL.
        builder.UseSetting("Pim:Console:PublicUrl", ConsolePublicUrl);
        // Slack is the fake Web API on loopback (Support/FakeSlack.cs); interactions are signed with its signing secret.
        builder.UseSetting("Pim:Slack:SigningSecret", FakeSlack.SigningSecret);
        builder.UseSetting("Pim:Slack:ApiBaseUrl", FakeSlack.Shared.Root + "/api/");
        builder.UseSetting("Pim:Slack:ResponseUrlPrefix", FakeSlack.Shared.Root + "/respond/");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<IStartupFilter, RemoteIpStartupFilter>();
            services.AddSingleton<IStartupFilter, ContractValidation.StartupFilter>();
        });
        _kestrel?.Configure?.Invoke(builder);
    }

    /// <summary>A client with a development token for <paramref name="subject"/>; tenant null for service tokens.</summary>
    public HttpClient Client(string subject, string? tenantId, bool mfa = true, params string[] scopes)
    {
        var client = CreateClient();
        var issuer = Services.GetRequiredService<DevTokenIssuer>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Issue(subject, tenantId, mfa, scopes, null));
        client.DefaultRequestHeaders.UserAgent.ParseAdd("pim-tests/1.0");
        return client;
    }

    public HttpClient Operator() => Client("directory-sync", null, false, "pim.operator");
    public HttpClient Evaluator() => Client("exchange-gateway", null, false, "pim.evaluate");
    public HttpClient Anonymous() => CreateClient();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }

    /// <summary>TestServer has no socket: callers appear to come from loopback, or from the address a test names.</summary>
    private sealed class RemoteIpStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                http.Connection.RemoteIpAddress = http.Request.Headers.TryGetValue(RemoteIpHeader, out var ip)
                    ? IPAddress.Parse(ip.ToString())
                    : IPAddress.Loopback;
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}

public class SqliteApp : PimApp
{
    public SqliteApp() { }

    /// <summary>Not public: a collection fixture has one public constructor (<see cref="PimApp.OnKestrel"/> calls this one).</summary>
    internal SqliteApp(KestrelHosting kestrel) : base(kestrel) { }

    public override string Provider => "sqlite";
    public override string ConnectionString => $"Data Source={Path.Combine(DataDirectory, "pim.db")}";
}

/// <summary>Pim on a fresh database of the throwaway cluster that scripts/test.sh starts (PIM_TEST_POSTGRES).</summary>
public class PostgresApp : PimApp
{
    private readonly string _database = "pim_test_" + Guid.NewGuid().ToString("N")[..12];

    public PostgresApp() : this(null) { }

    /// <summary>Not public: a collection fixture has one public constructor (<see cref="PimApp.OnKestrel"/> calls this one).</summary>
    internal PostgresApp(KestrelHosting? kestrel) : base(kestrel)
    {
        using var connection = new NpgsqlConnection(Maintenance);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
        command.ExecuteNonQuery();
    }

    public static string Maintenance => Environment.GetEnvironmentVariable("PIM_TEST_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            "PIM_TEST_POSTGRES is not set: the Postgres half of the suite cannot run. Run the tests with scripts/test.sh, " +
            "which starts a throwaway PostgreSQL cluster and sets it.");

    public override string Provider => "postgres";
    public override string ConnectionString => new NpgsqlConnectionStringBuilder(Maintenance) { Database = _database, MaxPoolSize = 50 }.ToString();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Maintenance);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Pim on Kestrel on a loopback port, for the fixtures whose clients are real (the command line, a browser): https when
/// a certificate is given; <see cref="Configure"/> is what the fixture adds to the host, applied after the tests' defaults.
/// </summary>
public sealed record KestrelHosting(int Port, Action<IWebHostBuilder>? Configure = null, X509Certificate2? Certificate = null)
{
    public Uri BaseAddress => new($"{(Certificate is null ? "http" : "https")}://127.0.0.1:{Port}/");

    /// <summary>A loopback port free now: Pim's address is known before it starts (the identity provider is told it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteApp>
{
    public const string Name = "sqlite";

    /// <summary>A second SQLite app for half the classes: one collection runs its tests one after another, and the SQLite
    /// half of the suite alone was its longest sequence (about five minutes).</summary>
    public const string Second = "sqlite-2";
}

[CollectionDefinition(SqliteCollection.Second)]
public sealed class SecondSqliteCollection : ICollectionFixture<SqliteApp>;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresApp>
{
    public const string Name = "postgres";
}

public static class HttpAssertions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<JsonElement> ExpectAsync(this Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        return await response.ExpectAsync(status);
    }

    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>Asserts one of the given statuses (for randomised tests, where some requests may rightly be refused).</summary>
    public static async Task<HttpStatusCode> ExpectAnyAsync(this Task<HttpResponseMessage> call, params HttpStatusCode[] statuses)
    {
        using var response = await call;
        Assert.True(statuses.Contains(response.StatusCode), $"Got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    }

    /// <summary>Asserts a problem+json answer with the given status and stable code.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this Task<HttpResponseMessage> call, HttpStatusCode status, string code)
    {
        using var response = await call;
        return await response.ExpectProblemAsync(status, code);
    }

    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        return problem;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object? body = null) =>
        client.PostAsJsonAsync(path, body ?? new { }, Json);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, object body) =>
        client.PutAsJsonAsync(path, body, Json);

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;
}
