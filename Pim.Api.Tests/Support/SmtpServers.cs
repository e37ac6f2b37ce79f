using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailKit.Security;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Support;

/// <summary>
/// Real SMTP servers for the tests, as a corporate relay is: smtp4dev (the dotnet tool pinned in
/// .config/dotnet-tools.json, restored by scripts/test.sh), requiring TLS and AUTH, with a certificate issued by an
/// internal CA this class creates (publishing no revocation list). One server speaks STARTTLS, one implicit TLS; both
/// are started once per test run and stop when the test process ends. Without the tool the tests fail, naming what to run.
/// </summary>
public sealed class SmtpServers
{
    public const string Username = "pim-relay";
    public const string Password = "relay-secret-4711";

    private static readonly Lazy<Task<SmtpServers>> Shared = new(StartAsync);

    private SmtpServers(TestCa ca, Smtp4Dev startTls, Smtp4Dev implicitTls) => (Ca, StartTls, ImplicitTls) = (ca, startTls, implicitTls);

    /// <summary>The internal CA that issued both servers' certificate (for localhost, not for 127.0.0.1).</summary>
    public TestCa Ca { get; }
    public Smtp4Dev StartTls { get; }
    public Smtp4Dev ImplicitTls { get; }

    public static Task<SmtpServers> GetAsync() => Shared.Value;

    /// <summary>Pim's SMTP settings for one of the servers: AUTH as the relay's user, the CA trusted for SMTP, no CRL to check.</summary>
    public EmailOptions.SmtpOptions Settings(Smtp4Dev server, string? password = Password, string? trustedCa = "", bool checkRevocation = false,
        string host = "localhost") => new()
    {
        Host = host,
        Port = server.SmtpPort,
        Security = server == ImplicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls,
        Username = Username,
        Password = password,
        TrustedCaCertificatePath = trustedCa == "" ? Ca.CertificatePath : trustedCa,
        CheckCertificateRevocation = checkRevocation,
    };

    private static async Task<SmtpServers> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("pim-smtp-").FullName;
        var ca = TestCa.Create(Path.Combine(directory, "ca"), "Pim Test Internal CA");
        var (certificate, key) = ca.IssueServerCertificate(Path.Combine(directory, "server"));
        var servers = await Task.WhenAll(
            Smtp4Dev.StartAsync("StartTls", certificate, key, Path.Combine(directory, "starttls"), directory),
            Smtp4Dev.StartAsync("ImplicitTls", certificate, key, Path.Combine(directory, "implicit"), directory));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Parallel.ForEach(servers, server => server.Dispose());
        return new SmtpServers(ca, servers[0], servers[1]);
    }
}

/// <summary>A CA made for a test: its certificate as PEM (what Pim is told to trust), and the server certificates it issues.</summary>
public sealed class TestCa
{
    private readonly X509Certificate2 _certificate;

    private TestCa(X509Certificate2 certificate, string directory)
    {
        _certificate = certificate;
        Directory = directory;
        CertificatePath = Path.Combine(directory, "ca.pem");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
    }

    public string Directory { get; }
    public string CertificatePath { get; }

    /// <summary>A root CA without CRL distribution point or OCSP responder, as internal CAs often are.</summary>
    public static TestCa Create(string directory, string name)
    {
        System.IO.Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=Pim Tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new TestCa(request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30)), directory);
    }

    /// <summary>A TLS server certificate for <paramref name="dnsName"/> (only): PEM certificate and PEM (PKCS#8) key files.</summary>
    public (string Certificate, string Key) IssueServerCertificate(string directory, string dnsName = "localhost")
    {
        System.IO.Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issuerKey = _certificate.GetECDsaPrivateKey()!;
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(_certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), now.AddHours(-1), now.AddDays(7), serial);
        var (certificatePath, keyPath) = (Path.Combine(directory, "server.pem"), Path.Combine(directory, "server.key"));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}

/// <summary>One smtp4dev process on loopback: its SMTP port, and the messages it received (read through its web API).</summary>
public sealed partial class Smtp4Dev : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly HttpClient _api;

    private Smtp4Dev(Process process, StringBuilder output, int smtpPort, Uri web)
    {
        (_process, _output, SmtpPort) = (process, output, smtpPort);
        _api = new HttpClient { BaseAddress = web, Timeout = TimeSpan.FromSeconds(10) };
    }

    public int SmtpPort { get; }

    public sealed record Message(string Id, string Subject, IReadOnlyList<string> To);

    /// <summary>
    /// smtp4dev runs under a watchdog that holds this process's end of a pipe: when the test process ends, however it ends
    /// (even killed), the pipe closes, and the watchdog stops the server (its whole process group) and removes
    /// <c>$1</c>, the directory of the test's CA, certificates and server data.
    /// </summary>
    private const string Watchdog = """
        set -m
        remove=$1; shift
        dotnet tool run smtp4dev -- "$@" </dev/null &
        server=$!
        cat >/dev/null
        kill -TERM -- "-$server" 2>/dev/null
        wait "$server" 2>/dev/null
        rm -rf -- "$remove"
        """;

    public static async Task<Smtp4Dev> StartAsync(string tlsMode, string certificate, string key, string dataDirectory, string removeOnExit)
    {
        System.IO.Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("bash")
        {
            // `dotnet tool run` finds the tool through the manifest of the repository the tests are built in.
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-c", Watchdog, "smtp4dev", removeOnExit,
                     "--smtpport=0", "--urls=http://127.0.0.1:0", "--bindaddress=127.0.0.1", "--allowremoteconnections-", "--disableipv6",
                     "--hostname=localhost", "--db=", "--imapport=", "--pop3port=", "--nousersettings", "--locksettings",
                     $"--baseappdatapath={dataDirectory}",
                     $"--tlsmode={tlsMode}", $"--tlscertificate={certificate}", $"--tlscertificateprivatekey={key}",
                     "--secureconnectionrequired", "--authenticationrequired", "--smtpallowanycredentials-",
                     $"--user={SmtpServers.Username}={SmtpServers.Password}",
                 })
            start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start `dotnet tool run smtp4dev`.");
        int? smtpPort = null;
        Uri? web = null;
        var ready = new TaskCompletionSource();
        void Read(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            if (SmtpListening().Match(line) is { Success: true } smtp) smtpPort = int.Parse(smtp.Groups[1].Value);
            if (WebListening().Match(line) is { Success: true } url) web = new Uri(url.Groups[1].Value);
            if (smtpPort is not null && web is not null) ready.TrySetResult();
        }
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(90)));
        if (first != ready.Task)
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10))) process.Kill(entireProcessTree: true);
            string log;
            lock (output) log = output.ToString();
            throw new InvalidOperationException(
                $"smtp4dev ({tlsMode}) did not start: the SMTP tests need the dotnet tool Rnwood.Smtp4dev of .config/dotnet-tools.json " +
                $"(run the tests with scripts/test.sh, which restores it, or run `dotnet tool restore`). Its output:\n{log}");
        }
        return new Smtp4Dev(process, output, smtpPort!.Value, web!);
    }

    /// <summary>The messages received for <paramref name="address"/>, newest first.</summary>
    public async Task<IReadOnlyList<Message>> MessagesToAsync(string address)
    {
        var page = await _api.GetFromJsonAsync<JsonElement>("api/messages?pageSize=500");
        return page.GetProperty("results").EnumerateArray()
            .Select(m => new Message(m.GetProperty("id").GetString()!, m.GetProperty("subject").GetString() ?? "",
                m.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList()))
            .Where(m => m.To.Any(to => to.Contains(address, StringComparison.OrdinalIgnoreCase)))
            .ToList();
    }

    /// <summary>The raw RFC 5322 source of a received message.</summary>
    public Task<string> SourceAsync(string messageId) => _api.GetStringAsync($"api/messages/{messageId}/raw");

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, ".config", "dotnet-tools.json"))) return directory.FullName;
        throw new InvalidOperationException($"No .config/dotnet-tools.json above {AppContext.BaseDirectory}: cannot find the smtp4dev tool.");
    }

    /// <summary>Closes the watchdog's pipe: it stops the server and removes its directory.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException) { }
        _api.Dispose();
    }

    [GeneratedRegex(@"SMTP Server is listening on port (\d+)")]
    private static partial Regex SmtpListening();

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex WebListening();
}
