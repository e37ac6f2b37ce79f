using System.Net.Http.Headers;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Failover;

/// <summary>
/// One Pim replica of the drill: the built Pim.Api.dll in its own process, on the formation's multi-host connection string,
/// as it runs in production — Staging (no development issuer, no /dev/token), tokens from an identity provider whose key
/// the drill mints (<see cref="LocalIdentityProvider"/>) — except that webhooks may go to the drill's receiver on loopback.
/// Its background work runs as configured (outbox, sweeper, alerts, reviews), polling every 0.2 s.
/// </summary>
public sealed class DrillPim : IAsyncDisposable
{
    private readonly LocalIdentityProvider _idp;

    private DrillPim(int index, PimProcess process, LocalIdentityProvider idp, string dataDirectory, PickupWatch mail, TimeSpan? grace)
    {
        (Index, Process, _idp, DataDirectory, Mail, Grace) = (index, process, idp, dataDirectory, mail, grace);
        Operator = Client("directory-sync", null, false, "pim.operator");
        Evaluator = Client("exchange-gateway", null, false, "pim.evaluate");
        Alice = User("alice");
    }

    public int Index { get; }
    public string Name => Index == 0 ? "A" : "B";
    public PimProcess Process { get; }
    public string DataDirectory { get; }

    /// <summary>The emails this replica wrote to its pickup directory, watched from before it started.</summary>
    public PickupWatch Mail { get; }

    /// <summary>Pim:Access:Cache:Grace, or null: off (the default).</summary>
    public TimeSpan? Grace { get; }

    public string Mode => Grace is { } grace ? $"grace {grace.TotalSeconds:0} s" : "no grace";
    public HttpClient Operator { get; }
    public HttpClient Evaluator { get; }
    public HttpClient Alice { get; }

    public static async Task<DrillPim> StartAsync(int index, string connectionString, LocalIdentityProvider idp, TimeSpan? grace)
    {
        var data = Directory.CreateTempSubdirectory($"pim-drill-{index}-").FullName;
        (string, string)[] environment =
        [
            ("ASPNETCORE_ENVIRONMENT", "Staging"), .. idp.Settings,
            ("Pim__Auth__PlatformIdentities__0", "directory-sync"), ("Pim__Auth__PlatformIdentities__1", "exchange-gateway"),
            .. new[] { "Evaluation", "Reads", "Writes" }.SelectMany(budget => new[]
            {
                ($"Pim__RateLimits__{budget}__PerCaller", "1000000"), ($"Pim__RateLimits__{budget}__PerTenant", "1000000"),
            }),
            ("Pim__Webhooks__AllowInsecureTargets", "true"),
            ("Pim__Outbox__PollInterval", "00:00:00.200"), ("Pim__Outbox__Lease", "00:00:20"),
            // Warnings and errors (kept when the drill fails), without a second line for every refused request.
            ("Serilog__MinimumLevel__Default", "Warning"), ("Serilog__MinimumLevel__Override__Pim.Api.Http.RequestLog", "Fatal"),
            .. grace is { } g ? new[] { ("Pim__Access__Cache__Grace", g.ToString("c", System.Globalization.CultureInfo.InvariantCulture)) } : [],
        ];
        var mail = new PickupWatch(Path.Combine(data, "mail"));
        try
        {
            return new DrillPim(index, await PimProcess.StartAsync("postgres", connectionString, data, environment), idp, data, mail, grace);
        }
        catch
        {
            mail.Dispose();
            throw;
        }
    }

    /// <summary>A client of this replica with a token for <paramref name="subject"/> in the drill's tenant.</summary>
    public HttpClient User(string subject) => Client(subject, FailoverDrillTests.Tenant, true);

    private HttpClient Client(string subject, string? tenantId, bool mfa, params string[] scopes)
    {
        var client = Process.Http();
        client.Timeout = TimeSpan.FromSeconds(30);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _idp.Issue(subject, tenantId, mfa, scopes));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Mail.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
