using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Pim.Api.Http;

namespace Pim.Api.Tests.Support;

/// <summary>
/// Pim Console in a real browser: Debian's Chromium (<c>/usr/bin/chromium</c>, which <c>scripts/test.sh</c> installs),
/// driven by Playwright without any browser download; Pim on Kestrel over https on a loopback port (a self-signed
/// certificate, accepted by the test's browser contexts only), outside Development, as deployed — <c>__Host-</c> cookies,
/// no development sign-in — signing in at a real OpenID Provider (<see cref="OidcProvider"/>). One browser, one provider
/// and one Pim per store, shared by the tests of its collection. Each page the tests visit is checked with axe-core and
/// saved as a screenshot under the test run's output directory (<see cref="ScreenshotDirectory"/>).
/// </summary>
public abstract class ConsoleBrowser(string store) : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly string[] ChromiumFlags =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"];

    public OidcProvider Provider { get; private set; } = null!;
    public PimApp App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    /// <summary>axe-core as bundled with its .NET bindings, put into each page <see cref="CheckPageAsync"/> checks.</summary>
    private static readonly Lazy<string> AxeSource = new(() => new BundledAxeScriptProvider().GetScript());

    public string Store => store;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: the console's browser tests need Debian's chromium package " +
                "(scripts/test.sh installs it with apt-get when it runs as root; otherwise: sudo apt-get install chromium).");
        Directory.CreateDirectory(ScreenshotDirectory);
        Provider = await OidcProvider.StartAsync();
        var kestrel = new KestrelHosting(KestrelHosting.FreePort(), Configure, Certificate());
        BaseAddress = kestrel.BaseAddress;
        Provider.ClientOrigin = BaseAddress;
        App = PimApp.OnKestrel(store, kestrel);
        App.StartServer();
        Provider.Now = App.Time.GetUtcNow;
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumFlags });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await App.DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>
    /// A fresh browser profile (its own cookies), at desktop width unless told. Pim's fake clock is brought up to the real
    /// one first: the identity provider's tokens are issued and checked on the real clock.
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900)
    {
        if (App.Time.GetUtcNow() < DateTimeOffset.UtcNow) App.Time.SetUtcNow(DateTimeOffset.UtcNow);
        return Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true, BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB", TimezoneId = "Europe/Berlin",
        });
    }

    /// <summary>Signs in at the identity provider's page (the browser is sent there by the console).</summary>
    public static async Task SignInAtProviderAsync(IPage page, string user, string tenant, bool mfa, string? name = null)
    {
        await page.WaitForURLAsync(url => url.Contains("/connect/authorize", StringComparison.Ordinal));
        await page.GetByLabel("User").FillAsync(user);
        await page.GetByLabel("Tenant").FillAsync(tenant);
        await page.GetByLabel("Display name").FillAsync(name ?? char.ToUpperInvariant(user[0]) + user[1..]);
        if (mfa) await page.GetByLabel("Second factor given").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/console", StringComparison.Ordinal) && !url.Contains("signin-oidc", StringComparison.Ordinal));
    }

    /// <summary>
    /// Checks the page with axe-core (no serious or critical violation; every rule of axe's default set) and saves its
    /// screenshot. axe runs in the page, as <c>axe.run</c>: the bindings' <c>RunAxe</c> runs it in parts and finishes in a
    /// blank page of a context of its own (made for cross-origin frames, which the console refuses), seconds a page.
    /// </summary>
    public async Task CheckPageAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{Store}-{name}.png"), FullPage = true });
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync($"() => {{ {AxeSource.Value} }}");
        var found = await page.EvaluateAsync<JsonElement>("""
            async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html) }))
            """);
        var violations = found.Deserialize<AxeViolation[]>(HttpAssertions.Json)!;
        var serious = violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe-core on {name} ({page.Url}): " +
            string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes)}")));
    }

    /// <summary>What axe-core reports of a rule the page breaks: its impact, and the HTML of each element that breaks it.</summary>
    private sealed record AxeViolation(string Id, string? Impact, string Help, string[] Nodes);

    /// <summary>An API client with a development token (the test deployment's bearer tokens come from the development issuer).</summary>
    public HttpClient Api(string subject, string? tenantId, bool mfa = true, params string[] scopes)
    {
        var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = delegate { return true; } } })
        {
            BaseAddress = BaseAddress,
        };
        var issuer = App.Services.GetRequiredService<DevTokenIssuer>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Issue(subject, tenantId, mfa, scopes, null));
        return client;
    }

    public HttpClient Operator(string tenantId) => Api("directory-sync", tenantId, false, "pim.operator");

    /// <summary>What the console's hosting adds to a store's test app: outside Development, the provider, its public URL.</summary>
    private void Configure(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Staging");
        builder.UseSetting("Pim:Auth:Authority", Provider.Issuer.ToString());
        builder.UseSetting("Pim:Auth:RequireHttpsMetadata", "false");
        builder.UseSetting("Pim:Console:ClientId", OidcProvider.ClientId);
        builder.UseSetting("Pim:Console:ClientSecret", OidcProvider.ClientSecret);
        builder.UseSetting("Pim:Console:PublicUrl", BaseAddress.ToString().TrimEnd('/'));
    }

    /// <summary>A self-signed certificate for 127.0.0.1, for this run only.</summary>
    private static X509Certificate2 Certificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}

public sealed class SqliteConsoleBrowser() : ConsoleBrowser("sqlite");

public sealed class PostgresConsoleBrowser() : ConsoleBrowser("postgres");

[CollectionDefinition(Name)]
public sealed class SqliteConsoleBrowserCollection : ICollectionFixture<SqliteConsoleBrowser>
{
    public const string Name = "console-browser-sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresConsoleBrowserCollection : ICollectionFixture<PostgresConsoleBrowser>
{
    public const string Name = "console-browser-postgres";
}
