using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Pim.Api.Tests.Support;
using Pim.Cli;

namespace Pim.Api.Tests.Cli;

[Collection(SqliteDeviceSignInCollection.Name)]
public sealed class CliDeviceSignInTests_Sqlite(SqliteDeviceSignInPim pim) : CliDeviceSignInTests(pim);

[Collection(PostgresDeviceSignInCollection.Name)]
public sealed class CliDeviceSignInTests_Postgres(PostgresDeviceSignInPim pim) : CliDeviceSignInTests(pim);

/// <summary>
/// <c>pim login</c> with the device authorization grant (RFC 8628) against a real OpenID Provider (OpenIddict) that Pim
/// trusts and names at /.well-known/oauth-protected-resource: the command shows a code, polls while the user has not
/// approved it (authorization_pending), and once the user approves at the provider's verification page, keeps a token
/// that Pim accepts. The test plays the user with an HTTP client.
/// </summary>
public abstract partial class CliDeviceSignInTests(DeviceSignInPim pim)
{
    [Fact]
    public async Task Login_with_a_device_code_approved_at_the_identity_provider_gives_a_token_Pim_accepts()
    {
        using var terminal = pim.Terminal();
        var output = new StringWriter();
        var polls = 0;
        terminal.Delay = async (_, ct) =>
        {
            // The first poll finds the sign-in pending; before the second, the user approves it on another device.
            if (++polls != 2) return;
            var code = UserCode().Match(output.ToString()).Groups[1].Value;
            using var browser = new HttpClient { BaseAddress = pim.Provider.Issuer };
            using var approved = await browser.PostAsync("connect/verify", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["user_code"] = code, ["username"] = "bob", ["tenant"] = "contoso", ["mfa"] = "true",
            }), ct);
            Assert.Contains("Signed in", await approved.Content.ReadAsStringAsync(ct));
        };

        var login = await terminal.RunAsync(output, "login", "--mfa");
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains($"To sign in, open {pim.Provider.Issuer}connect/verify and enter the code ", login.Out);
        Assert.Contains("Signed in as bob in contoso (MFA)", login.Out);
        Assert.Equal(2, polls); // one poll while pending, one after the approval
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(terminal.ProfilePath()));

        // Pim accepts the provider's token: the tenant does not exist for bob (404), not "who are you" (401).
        var roles = await terminal.RunAsync("roles");
        Assert.True(roles.ExitCode == ExitCodes.Refused, roles.ToString());
        Assert.Contains("(404 not-found)", roles.Error);

        await terminal.RunAsync("logout");
        Assert.Equal(ExitCodes.SignIn, (await terminal.RunAsync("roles")).ExitCode);
    }

    [Fact]
    public async Task Pim_names_the_identity_provider_it_trusts_and_the_audience_to_anyone()
    {
        using var anonymous = new HttpClient { BaseAddress = pim.BaseAddress };
        var metadata = await anonymous.GetFromJsonAsync<System.Text.Json.JsonElement>(".well-known/oauth-protected-resource");
        Assert.Equal(pim.Provider.Issuer.ToString(), metadata.GetProperty("authorization_servers")[0].GetString());
        Assert.Equal("pim", metadata.GetProperty("resource").GetString());
    }

    [GeneratedRegex(@"enter the code (\S+)\.")]
    private static partial Regex UserCode();
}
