using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;
using Pim.Cli;

namespace Pim.Api.Tests.Cli;

[Collection(SqliteCliCollection.Name)]
public sealed class CliCommandTests_Sqlite(SqliteCliPim pim) : CliCommandTests(pim);

[Collection(PostgresCliCollection.Name)]
public sealed class CliCommandTests_Postgres(PostgresCliPim pim) : CliCommandTests(pim);

/// <summary>
/// The <c>pim</c> command line against Pim on a real port: the brief's walk in commands (activate with a ticket, pending,
/// approved from another profile, <c>--wait</c> ending "Access valid until …"), every command's table and JSON, the
/// refusals with their problem code, the MFA step-up hint, and the exit codes scripts branch on.
/// </summary>
public abstract class CliCommandTests(CliPim pim)
{
    private const string Exchange = "exchange-administrator";

    private PimApp App => pim.App;

    /// <summary>The walkthrough's tenant: Bob eligible for Exchange Administrator, which wants MFA, a ticket and approval.</summary>
    private async Task<Scenario> WalkthroughTenantAsync()
    {
        var s = await Scenario.OnboardAsync(App);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync(Exchange, ScenarioSettings.Document(maximumDuration: "PT2H", requireTicket: true, requireApproval: true));
        return s;
    }

    private static async Task<CliResult> Expect(int exit, Task<CliResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == exit, $"expected exit {exit}: {result}");
        return result;
    }

    [Fact]
    public async Task The_walk_in_commands_ends_with_access_valid_until_once_another_profile_approves()
    {
        var s = await WalkthroughTenantAsync();
        using var terminal = pim.Terminal();

        var signedIn = await Expect(0, terminal.RunAsync("login", "--dev", "--subject", "bob", "--tenant", s.Id, "--mfa", "--profile", "bob"));
        Assert.Contains($"Signed in as bob in {s.Id} (MFA)", signedIn.Out);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(terminal.ProfilePath("bob")));
        await Expect(0, terminal.RunAsync("login", "--dev", "--subject", "alice", "--tenant", s.Id, "--mfa", "--profile", "alice"));

        // My roles: eligible, and what activating asks for.
        var roles = await Expect(0, terminal.RunAsync("roles", "--profile", "bob"));
        var line = roles.Out.Split('\n').Single(l => l.StartsWith(Exchange, StringComparison.Ordinal));
        Assert.Contains("eligible", line);
        Assert.Contains("MFA, justification, ticket, approval, max PT2H", line);

        // Without a ticket: Pim's refusal, its code and detail, exit 1.
        var noTicket = await Expect(1, terminal.RunAsync("activate", Exchange, "--duration", "1h", "--reason", "Mailbox migration", "--profile", "bob"));
        Assert.Contains("(422 ticket-required)", noTicket.Error);

        // With it, and --wait: pending until Alice (another profile) approves, then "Access valid until …".
        var output = new WatchedWriter("pending approval");
        var activation = terminal.RunAsync(output, "activate", Exchange, "--duration", "1h", "--reason", "Mailbox migration",
            "--ticket", "ServiceNow:CHG-4711", "--wait", "--profile", "bob");
        var pending = await output.Seen.WaitAsync(TimeSpan.FromSeconds(30));
        var requestId = pending.Split(' ')[1].TrimEnd(':');

        var approvals = await Expect(0, terminal.RunAsync("approvals", "--profile", "alice"));
        Assert.Contains(requestId, approvals.Out);
        Assert.Contains("ServiceNow:CHG-4711", approvals.Out);
        App.Time.Advance(TimeSpan.FromMinutes(10));
        var approved = await Expect(0, terminal.RunAsync("approve", requestId, "--reason", "CHG-4711 approved", "--profile", "alice"));
        Assert.Contains($"Request {requestId} (bob, {Exchange} at /): active until", approved.Out);

        var waited = await activation.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(waited.ExitCode == 0, waited.ToString());
        Assert.EndsWith($"Access valid until {Output.Time(App.Time.GetUtcNow().AddHours(1))} ({Exchange} at /, request {requestId}).\n", waited.Out);

        // Scripts ask Pim: exit 0 when held, 1 when not.
        var held = await Expect(0, terminal.RunAsync("has", "bob", Exchange, "--profile", "bob"));
        Assert.Contains($"bob holds {Exchange} at / until", held.Out);
        await Expect(1, terminal.RunAsync("has", "bob", "global-administrator", "--profile", "bob"));

        // My requests, as a table and as JSON.
        var requests = await Expect(0, terminal.RunAsync("requests", "--profile", "bob"));
        Assert.Contains(requestId, requests.Out);
        var json = JsonSerializer.Deserialize<JsonElement>((await Expect(0, terminal.RunAsync("requests", "--profile", "bob", "-o", "json"))).Out);
        var mine = json.EnumerateArray().Single(r => r.Str("id") == requestId);
        Assert.Equal(("active", "CHG-4711"), (mine.Str("status"), mine.GetProperty("ticket").Str("number")));

        // Longer: with approval required, the extension waits for an approver; then done early.
        var extended = await Expect(0, terminal.RunAsync("extend", Exchange, "--duration", "30m", "--reason", "Still migrating", "--profile", "bob"));
        Assert.Contains("extension of PT30M waits for approval", extended.Out);
        var ended = await Expect(0, terminal.RunAsync("deactivate", Exchange, "--profile", "bob"));
        Assert.Contains($"Request {requestId}: deactivated", ended.Out);
        await Expect(1, terminal.RunAsync("has", "bob", Exchange, "--profile", "bob"));

        // The audit trail, as a table and as Pim's CSV.
        var audit = await Expect(0, terminal.RunAsync("audit", "--since", "1h", "--role", Exchange, "--profile", "alice"));
        Assert.Contains("activation.requested", audit.Out);
        Assert.Contains("ServiceNow:CHG-4711", audit.Out);
        Assert.Contains("activation.deactivated", audit.Out);
        var csv = await Expect(0, terminal.RunAsync("audit", "--since", "1h", "--csv", "--profile", "alice"));
        Assert.Contains("CHG-4711", csv.Out);
        Assert.Contains("activation.approved", csv.Out);
    }

    [Fact]
    public async Task A_denied_request_says_who_denied_it_and_why_and_the_waiting_command_exits_1()
    {
        var s = await WalkthroughTenantAsync();
        using var terminal = pim.Terminal();
        terminal.Variables["PIM_TENANT"] = s.Id;
        await Expect(0, terminal.RunAsync("login", "--dev", "--subject", "bob", "--mfa", "--profile", "bob"));
        await Expect(0, terminal.RunAsync("login", "--dev", "--subject", "alice", "--mfa", "--profile", "alice"));

        var output = new WatchedWriter("pending approval");
        var activation = terminal.RunAsync(output, "activate", Exchange, "--reason", "Mailbox migration", "--ticket", "CHG-1", "--wait", "--profile", "bob");
        var requestId = (await output.Seen.WaitAsync(TimeSpan.FromSeconds(30))).Split(' ')[1].TrimEnd(':');
        var denied = await Expect(0, terminal.RunAsync("deny", requestId, "--reason", "Not this week", "--profile", "alice", "-o", "json"));
        Assert.Equal("denied", JsonSerializer.Deserialize<JsonElement>(denied.Out).Str("status"));

        var waited = await activation.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(waited.ExitCode == 1, waited.ToString());
        Assert.Contains($"Request {requestId}: denied by alice: Not this week", waited.Out);
    }

    [Fact]
    public async Task A_role_that_wants_MFA_tells_the_user_to_sign_in_again_with_MFA()
    {
        var s = await WalkthroughTenantAsync();
        using var terminal = pim.Terminal();
        await Expect(0, terminal.RunAsync("login", "--dev", "--subject", "bob", "--tenant", s.Id));

        var refused = await Expect(ExitCodes.SignIn, terminal.RunAsync("activate", Exchange, "--reason", "Mailbox migration", "--ticket", "CHG-1"));
        Assert.Contains("(401 mfa-required)", refused.Error);
        Assert.Contains("run `pim login --mfa`", refused.Error);
    }

    [Fact]
    public async Task Logout_deletes_the_cached_token_and_then_commands_ask_for_a_sign_in()
    {
        var s = await WalkthroughTenantAsync();
        using var terminal = pim.Terminal();
        await Expect(0, terminal.RunAsync("login", "--dev", "--subject", "bob", "--tenant", s.Id, "--mfa"));
        Assert.True(File.Exists(terminal.ProfilePath()));

        var bye = await Expect(0, terminal.RunAsync("logout"));
        Assert.Contains("Signed out (profile 'default')", bye.Out);
        Assert.False(File.Exists(terminal.ProfilePath()));
        var roles = await Expect(ExitCodes.SignIn, terminal.RunAsync("roles", "--tenant", s.Id));
        Assert.Contains("not signed in (profile 'default'): run `pim login`", roles.Error);
    }

    [Fact]
    public async Task An_expired_cached_token_asks_for_a_new_sign_in_before_calling_Pim()
    {
        var s = await WalkthroughTenantAsync();
        using var terminal = pim.Terminal();
        await Expect(0, terminal.RunAsync("login", "--dev", "--subject", "bob", "--tenant", s.Id, "--mfa"));
        App.Time.Advance(TimeSpan.FromMinutes(61));

        var roles = await Expect(ExitCodes.SignIn, terminal.RunAsync("roles"));
        Assert.Contains("expired", roles.Error);
        Assert.Contains("run `pim login` again", roles.Error);
    }

    [Fact]
    public async Task Pipelines_pass_a_token_in_PIM_TOKEN_or_a_token_file_and_no_profile_is_written()
    {
        var s = await WalkthroughTenantAsync();
        using var terminal = pim.Terminal();
        var token = App.Services.GetRequiredService<Pim.Api.Http.DevTokenIssuer>().Issue("exchange-gateway", s.Id, false, ["pim.evaluate"], null);
        terminal.Variables["PIM_TENANT"] = s.Id;
        terminal.Variables["PIM_TOKEN"] = token;
        var allowed = await Expect(0, terminal.RunAsync("has", "alice", "global-administrator", "-o", "json"));
        Assert.Equal("allow", JsonSerializer.Deserialize<JsonElement>(allowed.Out).Str("decision"));

        terminal.Variables.Remove("PIM_TOKEN");
        var file = Path.Combine(terminal.ConfigHome, "token");
        await File.WriteAllTextAsync(file, token + "\n");
        var denied = await Expect(1, terminal.RunAsync("has", "bob", Exchange, "--token-file", file));
        Assert.Contains($"bob does not hold {Exchange} at /", denied.Out);
        Assert.False(Directory.Exists(Path.Combine(terminal.ConfigHome, "pim")));
    }

    /// <summary>The built tool as its own process (dotnet Pim.Cli.dll), as a pipeline runs it: environment in, exit code out.</summary>
    [Fact]
    public async Task The_built_pim_runs_as_a_process_with_its_environment_and_exit_codes()
    {
        var s = await WalkthroughTenantAsync();
        using var terminal = pim.Terminal();
        var environment = new Dictionary<string, string>
        {
            ["PIM_URL"] = pim.BaseAddress.ToString(), ["PIM_TENANT"] = s.Id, ["XDG_CONFIG_HOME"] = terminal.ConfigHome,
        };
        var login = await PimToolProcess.RunAsync(environment, "login", "--dev", "--subject", "alice", "--mfa");
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains($"Signed in as alice in {s.Id} (MFA)", login.Out);
        var held = await PimToolProcess.RunAsync(environment, "has", "alice", "global-administrator");
        Assert.True(held.ExitCode == 0, held.ToString());
        var notHeld = await PimToolProcess.RunAsync(environment, "has", "alice", Exchange, "-o", "json");
        Assert.True(notHeld.ExitCode == 1, notHeld.ToString());
        Assert.Equal("deny", JsonSerializer.Deserialize<JsonElement>(notHeld.Out).Str("decision"));
        var usage = await PimToolProcess.RunAsync(environment, "has");
        Assert.True(usage.ExitCode == ExitCodes.Usage, usage.ToString());
    }

    [Fact]
    public async Task A_wrong_command_line_is_a_usage_error_with_exit_64()
    {
        using var terminal = pim.Terminal();
        var missing = await Expect(ExitCodes.Usage, terminal.RunAsync("activate"));
        Assert.Contains("pim: ", missing.Error);
        await Expect(ExitCodes.Usage, terminal.RunAsync("approve", "x1"));
        await Expect(ExitCodes.Usage, terminal.RunAsync("roles", "-o", "xml"));
        var duration = await Expect(ExitCodes.Usage, terminal.RunAsync("activate", Exchange, "--duration", "soon", "--tenant", "t", "--token-file", "/dev/null"));
        Assert.Contains("'soon' is not a duration", duration.Error);
    }

    [Fact]
    public async Task Pim_names_the_identity_provider_it_trusts_anonymously_and_none_with_the_development_issuer()
    {
        using var http = new HttpClient { BaseAddress = pim.BaseAddress };
        var metadata = await http.GetAsync("/.well-known/oauth-protected-resource").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pim", metadata.Str("resource"));
        Assert.Equal(0, metadata.GetProperty("authorization_servers").GetArrayLength());

        using var terminal = pim.Terminal();
        var login = await Expect(ExitCodes.SignIn, terminal.RunAsync("login"));
        Assert.Contains("names no identity provider (a Development Pim signs in with `pim login --dev`", login.Error);
    }
}
