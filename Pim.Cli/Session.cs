using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pim.Client;

namespace Pim.Cli;

/// <summary>
/// Where a command acts and as whom: Pim's URL and the tenant (option, then <c>PIM_URL</c>/<c>PIM_TENANT</c>, then the
/// profile) and the token (<c>--token-file</c>, then <c>PIM_TOKEN</c>, then the profile's, while it is valid), with the
/// generated client over them.
/// </summary>
public sealed class Session : IDisposable
{
    private readonly HttpClient _http;

    private Session(CliHost host, GlobalOptions options, ParseResult parse, Uri url, string? tenant, string profileName, HttpClient http)
    {
        Host = host;
        Url = url;
        TenantOrNull = tenant;
        ProfileName = profileName;
        _http = http;
        Pim = new PimClient(http) { BaseUrl = url.ToString() };
        Output = new Output(host.Out, parse.GetValue(options.Output) == "json");
    }

    public CliHost Host { get; }
    public Uri Url { get; }
    public string ProfileName { get; }
    public PimClient Pim { get; }
    public Output Output { get; }
    public HttpClient Http => _http;
    private string? TenantOrNull { get; }

    public string Tenant => TenantOrNull ?? throw CliException.Usage("pim: no tenant: pass --tenant, set PIM_TENANT, or sign in with `pim login --tenant …`.");

    public static string ProfileNameOf(CliHost host, GlobalOptions options, ParseResult parse) =>
        parse.GetValue(options.Profile) ?? (host.Variable("PIM_PROFILE") is { Length: > 0 } p ? p : "default");

    /// <summary>Pim's URL as the command line, the environment and the profile give it (or null).</summary>
    public static Uri? UrlOf(CliHost host, GlobalOptions options, ParseResult parse, Profile? profile)
    {
        var text = parse.GetValue(options.Url) ?? (host.Variable("PIM_URL") is { Length: > 0 } u ? u : profile?.Url);
        if (text is null) return null;
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw CliException.Usage($"pim: '{text}' is not an http(s) URL.");
        return url;
    }

    public static string? TenantOf(CliHost host, GlobalOptions options, ParseResult parse, Profile? profile) =>
        parse.GetValue(options.Tenant) ?? (host.Variable("PIM_TENANT") is { Length: > 0 } t ? t : profile?.Tenant);

    public static Session Open(CliHost host, GlobalOptions options, ParseResult parse)
    {
        var name = ProfileNameOf(host, options, parse);
        var profile = new ProfileStore(host.ConfigDirectory).Read(name);
        var url = UrlOf(host, options, parse, profile)
            ?? throw CliException.Usage("pim: where is Pim? Pass --url, set PIM_URL, or sign in with `pim login --url …`.");
        var token = TokenOf(host, options, parse, profile, name);
        var http = host.Http(url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Session(host, options, parse, url, TenantOf(host, options, parse, profile), name, http);
    }

    private static string TokenOf(CliHost host, GlobalOptions options, ParseResult parse, Profile? profile, string name)
    {
        if (parse.GetValue(options.TokenFile) is { } file)
        {
            if (!file.Exists) throw new CliException(ExitCodes.SignIn, $"pim: the token file {file.FullName} does not exist.");
            return File.ReadAllText(file.FullName).Trim();
        }
        if (host.Variable("PIM_TOKEN") is { Length: > 0 } token) return token.Trim();
        if (profile?.AccessToken is not { Length: > 0 } cached)
            throw new CliException(ExitCodes.SignIn, $"pim: not signed in (profile '{name}'): run `pim login`, or give a token with PIM_TOKEN or --token-file.");
        if (profile.ExpiresAt is { } expires && expires <= host.Time.GetUtcNow())
            throw new CliException(ExitCodes.SignIn, $"pim: the sign-in of profile '{name}' expired at {Output.Time(expires)}: run `pim login` again.");
        return cached;
    }

    /// <summary>When a JWT expires, from its <c>exp</c> (the CLI only reads it, to know when to ask for a new sign-in).</summary>
    public static DateTimeOffset? ExpiryOf(string token)
    {
        var parts = token.Split('.');
        if (parts.Length < 2) return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return json.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
