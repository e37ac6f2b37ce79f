using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pim.Cli.Commands;

/// <summary>
/// <c>pim login</c>: signs in and caches the token in the profile. By default with the OAuth 2.0 device authorization grant
/// (RFC 8628) at the identity provider Pim trusts (<see cref="DeviceSignIn"/>); with <c>--dev</c>, at a Development Pim's
/// own issuer (<c>POST /dev/token</c>, which answers loopback callers only), for any subject, tenant and MFA state.
/// </summary>
public static class LoginCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var dev = new Option<bool>("--dev") { Description = "Sign in at a Development Pim's own issuer (no identity provider)." };
        var subject = new Option<string?>("--subject") { Description = "With --dev: who to be." };
        var mfa = new Option<bool>("--mfa") { Description = "A multi-factor sign-in (with --dev: the token says so; otherwise: ask the identity provider for one and check it gave it)." };
        var scopes = new Option<string[]>("--scope") { Description = "With --dev: a service scope for the token (pim.operator, pim.evaluate); repeatable.", AllowMultipleArgumentsPerToken = false };
        var clientId = new Option<string?>("--client-id") { Description = "The identity provider's client for pim (default: the profile's, else 'pim-cli')." };
        var authority = new Option<string?>("--authority") { Description = "The identity provider (default: the one Pim names at /.well-known/oauth-protected-resource)." };
        var command = new Command("login", "Sign in and keep the token in the profile (a file only you can read).")
        {
            dev, subject, mfa, scopes, clientId, authority,
        };
        command.SetAction((parse, ct) => PimCommandLine.GuardAsync(host, async () =>
        {
            var name = Session.ProfileNameOf(host, options, parse);
            var store = new ProfileStore(host.ConfigDirectory);
            var previous = store.Read(name);
            var url = Session.UrlOf(host, options, parse, previous)
                ?? throw CliException.Usage("pim: where is Pim? Pass --url or set PIM_URL.");
            var tenant = Session.TenantOf(host, options, parse, previous);
            Profile profile;
            if (parse.GetValue(dev))
            {
                var who = parse.GetValue(subject) ?? throw CliException.Usage("pim: --dev needs --subject.");
                using var http = host.Http(url);
                using var response = await http.PostAsJsonAsync("dev/token",
                    new { subject = who, tenantId = tenant, mfa = parse.GetValue(mfa), scopes = parse.GetValue(scopes) ?? [] }, ct);
                if (!response.IsSuccessStatusCode)
                    throw new CliException(ExitCodes.Refused, $"pim: {url} gave no development token ({(int)response.StatusCode}): is it a Development Pim with the development issuer on, reached from this machine?");
                var token = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
                profile = new Profile
                {
                    Url = url.ToString(), Tenant = tenant, AccessToken = token, ExpiresAt = Session.ExpiryOf(token), SignIn = "dev",
                    Subject = who, Mfa = parse.GetValue(mfa), ClientId = previous?.ClientId, Authority = previous?.Authority,
                };
            }
            else
            {
                var client = parse.GetValue(clientId) ?? previous?.ClientId ?? DeviceSignIn.DefaultClientId;
                var signIn = await new DeviceSignIn(host, url).RunAsync(client, parse.GetValue(authority) ?? previous?.Authority, parse.GetValue(mfa), ct);
                profile = new Profile
                {
                    Url = url.ToString(), Tenant = tenant ?? signIn.Tenant, AccessToken = signIn.AccessToken, ExpiresAt = signIn.ExpiresAt,
                    SignIn = "device", Subject = signIn.Subject, Mfa = signIn.Mfa, ClientId = client, Authority = parse.GetValue(authority) ?? previous?.Authority,
                };
            }
            store.Write(name, profile);
            host.Out.WriteLine($"Signed in as {profile.Subject}{(profile.Tenant is null ? "" : " in " + profile.Tenant)}{(profile.Mfa ? " (MFA)" : "")}, " +
                $"until {Output.Time(profile.ExpiresAt)} (profile '{name}').");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
