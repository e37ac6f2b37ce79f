using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Pim.Cli;

/// <summary>
/// The OAuth 2.0 device authorization grant (RFC 8628) at the identity provider Pim trusts: Pim names it in its protected
/// resource metadata (RFC 9728, <c>/.well-known/oauth-protected-resource</c>), with the audience its tokens must carry;
/// the provider's own metadata (<c>/.well-known/openid-configuration</c>) gives the device authorization and token
/// endpoints. The user opens the verification URI on any device and enters the code; pim polls the token endpoint at the
/// interval the provider asks (slower when told <c>slow_down</c>) until the sign-in is approved, denied or expires.
/// </summary>
public sealed class DeviceSignIn(CliHost host, Uri pim)
{
    public const string DefaultClientId = "pim-cli";
    public const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

    public sealed record Result(string AccessToken, DateTimeOffset? ExpiresAt, string? Subject, string? Tenant, bool Mfa);

    public async Task<Result> RunAsync(string clientId, string? authority, bool mfa, CancellationToken ct)
    {
        using var http = host.Http();
        var (issuer, resource) = await DiscoverAsync(http, authority, ct);
        var configuration = await GetJsonAsync(http, new Uri(issuer.ToString().TrimEnd('/') + "/.well-known/openid-configuration"), ct);
        var deviceEndpoint = configuration.TryGetProperty("device_authorization_endpoint", out var d) ? d.GetString()
            : throw new CliException(ExitCodes.SignIn, $"pim: the identity provider {issuer} offers no device sign-in (no device_authorization_endpoint).");
        var tokenEndpoint = configuration.GetProperty("token_endpoint").GetString()!;

        var ask = new Dictionary<string, string> { ["client_id"] = clientId, ["scope"] = "openid profile" };
        if (resource is not null) ask["resource"] = resource;
        if (mfa) ask["acr_values"] = "mfa";
        using var started = await http.PostAsync(deviceEndpoint, new FormUrlEncodedContent(ask), ct);
        var device = await started.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!started.IsSuccessStatusCode) throw Refused("the device sign-in could not start", device);
        var deviceCode = device.GetProperty("device_code").GetString()!;
        var userCode = device.GetProperty("user_code").GetString()!;
        var verification = device.GetProperty("verification_uri").GetString()!;
        var interval = TimeSpan.FromSeconds(device.TryGetProperty("interval", out var i) && i.TryGetInt32(out var seconds) ? seconds : 5);
        var expires = host.Time.GetUtcNow() + TimeSpan.FromSeconds(device.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var s) ? s : 600);
        host.Out.WriteLine($"To sign in, open {verification} and enter the code {userCode}.");
        if (device.TryGetProperty("verification_uri_complete", out var complete)) host.Out.WriteLine($"(or open {complete.GetString()})");

        while (true)
        {
            if (host.Time.GetUtcNow() >= expires) throw new CliException(ExitCodes.SignIn, "pim: the code expired before the sign-in was approved: run `pim login` again.");
            await host.Delay(interval, ct);
            using var polled = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = DeviceCodeGrant, ["device_code"] = deviceCode, ["client_id"] = clientId,
            }), ct);
            var answer = await polled.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (polled.IsSuccessStatusCode)
            {
                var token = answer.GetProperty("access_token").GetString()!;
                var claims = Claims(token);
                var result = new Result(token, Session.ExpiryOf(token), Text(claims, "sub"), Text(claims, "tid"),
                    claims.TryGetProperty("amr", out var amr) && amr.ValueKind == JsonValueKind.Array && amr.EnumerateArray().Any(m => m.GetString() == "mfa"));
                if (mfa && !result.Mfa) host.Error.WriteLine("pim: the identity provider did not report a second factor (amr has no 'mfa'): roles that require MFA will refuse.");
                return result;
            }
            switch (answer.TryGetProperty("error", out var error) ? error.GetString() : null)
            {
                case "authorization_pending": continue;
                case "slow_down": interval += TimeSpan.FromSeconds(5); continue;
                case "access_denied": throw new CliException(ExitCodes.SignIn, "pim: the sign-in was denied.");
                case "expired_token": throw new CliException(ExitCodes.SignIn, "pim: the code expired before the sign-in was approved: run `pim login` again.");
                default: throw Refused("the identity provider refused the sign-in", answer);
            }
        }
    }

    /// <summary>The identity provider (and the audience to ask for): the one configured, else the one Pim names.</summary>
    private async Task<(Uri Issuer, string? Resource)> DiscoverAsync(HttpClient http, string? authority, CancellationToken ct)
    {
        if (authority is not null) return (new Uri(authority), null);
        var metadata = await GetJsonAsync(http, new Uri(pim, ".well-known/oauth-protected-resource"), ct);
        var servers = metadata.TryGetProperty("authorization_servers", out var list) ? list.EnumerateArray().Select(s => s.GetString()).OfType<string>().ToList() : [];
        if (servers is []) throw new CliException(ExitCodes.SignIn,
            $"pim: {pim} names no identity provider (a Development Pim signs in with `pim login --dev`; otherwise pass --authority).");
        return (new Uri(servers[0]), metadata.TryGetProperty("resource", out var r) ? r.GetString() : null);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, Uri uri, CancellationToken ct)
    {
        using var response = await http.GetAsync(uri, ct);
        if (!response.IsSuccessStatusCode) throw new CliException(ExitCodes.SignIn, $"pim: {uri} answered {(int)response.StatusCode}.");
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    private static CliException Refused(string what, JsonElement answer) => new(ExitCodes.SignIn,
        $"pim: {what}: {Text(answer, "error") ?? "error"}{(Text(answer, "error_description") is { } description ? ": " + description : "")}");

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The token's claims, read (not verified: Pim verifies it) to say who signed in.</summary>
    private static JsonElement Claims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length < 2) return default;
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        try { return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement; }
        catch (Exception e) when (e is FormatException or JsonException) { return default; }
    }
}
