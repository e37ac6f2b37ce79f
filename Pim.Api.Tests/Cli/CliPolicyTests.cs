using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Pim.Api.Tests.Http;
using Pim.Api.Tests.Support;
using Pim.Cli;
using Pim.Cli.Policy;

namespace Pim.Api.Tests.Cli;

[Collection(SqliteCliCollection.Name)]
public sealed class CliPolicyTests_Sqlite(SqliteCliPim pim) : CliPolicyTests(pim);

[Collection(PostgresCliCollection.Name)]
public sealed class CliPolicyTests_Postgres(PostgresCliPim pim) : CliPolicyTests(pim);

/// <summary>
/// Policy as code with <c>pim policy</c>: a configured tenant's export (valid against docs/policy.schema.json, without
/// activations) applied to another tenant makes it export the same; a plan of an unchanged policy finds nothing (exit 0)
/// and a changed one lists the change (exit 2); apply uses If-Match and a second apply changes nothing.
/// </summary>
public abstract class CliPolicyTests(CliPim pim)
{
    private const string Exchange = "exchange-administrator";
    private const string Auditor = "custom-mailbox-auditor";

    private PimApp App => pim.App;

    private static readonly string SchemaText = File.ReadAllText(Path.Combine(ContractTests.RepositoryRoot(), "docs", "policy.schema.json"));

    /// <summary>Built once: the schema's $id is registered process-wide, and may be registered only once.</summary>
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(SchemaText));

    private static async Task<CliResult> Expect(int exit, Task<CliResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == exit, $"expected exit {exit}: {result}");
        return result;
    }

    /// <summary>A tenant set up as the walkthrough's, and more: a custom role, its settings, an access review, an alert's settings, Bob's activation.</summary>
    private async Task<Scenario> ConfiguredTenantAsync()
    {
        var s = await Scenario.OnboardAsync(App);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync(Exchange, ScenarioSettings.Document(maximumDuration: "PT2H", requireTicket: true, requireApproval: false));
        await s.Alice.PutJsonAsync(s.Path($"/roles/{Auditor}"),
            new { displayName = "Mailbox auditor", description = "Reads mailbox audit logs.", kind = "directory", privileged = true }).ExpectAsync(HttpStatusCode.Created);
        await s.SetSettingsAsync(Auditor, ScenarioSettings.Document(maximumDuration: "PT4H", requireMfa: false));
        await s.AssignAsync(s.Alice, "carol", Auditor, "eligible", HttpStatusCode.Created);
        await s.Alice.PostJsonAsync(s.Path("/access-reviews"), new
        {
            displayName = "Exchange administrators", roleIds = new[] { Exchange }, assignmentTypes = "both", reviewers = "roleAdministrators",
            recurrence = "P90D", duration = "P14D", defaultDecision = "recommendation", autoApply = false, justificationRequired = true,
        }).ExpectAsync(HttpStatusCode.Created);
        await s.ReplaceAsync(s.Path("/alert-settings/too-many-global-administrators"), new { enabled = true, maximumCount = 2 });
        // Bob's activation is the policy's use, not the policy: it is never exported.
        await s.ActivateAsync(s.Bob, duration: "PT1H", ticket: new { number = "CHG-1", system = "ServiceNow" }).ExpectAsync(HttpStatusCode.Created);
        return s;
    }

    private static async Task<CliSession> SignedInAsync(CliPim pim, Scenario s, string profile)
    {
        var terminal = pim.Terminal();
        await Expect(0, terminal.RunAsync("login", "--dev", "--subject", "alice", "--tenant", s.Id, "--mfa"));
        _ = profile;
        return terminal;
    }

    [Fact]
    public async Task A_configured_tenant_exported_and_applied_to_an_empty_one_exports_the_same_and_then_plans_no_changes()
    {
        var source = await ConfiguredTenantAsync();
        var target = await Scenario.OnboardAsync(App);
        using var fromSource = await SignedInAsync(pim, source, "source");
        using var toTarget = await SignedInAsync(pim, target, "target");
        var file = Path.Combine(fromSource.ConfigHome, "policy.yaml");

        await Expect(0, fromSource.RunAsync("policy", "export", "-f", file));
        var exported = await File.ReadAllTextAsync(file);
        Assert.StartsWith("# yaml-language-server: $schema=policy.schema.json\n", exported);
        var document = PolicyYaml.Read(exported);
        Assert.Contains(Auditor, exported);
        Assert.Contains("Exchange administrators", exported);
        Assert.DoesNotContain("CHG-1", exported); // no activation
        var bob = Assert.Single(document["assignments"]!.AsArray(), a => a!["principal"]!.GetValue<string>() == "bob");
        Assert.Equal("eligible", bob!["type"]!.GetValue<string>());
        var exchange = Assert.Single(document["roleSettings"]!.AsArray(), a => a!["role"]!.GetValue<string>() == Exchange);
        Assert.True(exchange!["activation"]!["requireTicket"]!.GetValue<bool>());

        // The target differs: the plan lists what apply will do, and exits 2.
        var plan = await Expect(ExitCodes.Changes, toTarget.RunAsync("policy", "plan", "-f", file));
        Assert.Contains($"+ role {Auditor}", plan.Out);
        Assert.Contains($"~ assignment bob {Exchange} at /: active → eligible", plan.Out);
        Assert.Contains($"+ assignment eligible carol {Auditor} at /", plan.Out);
        Assert.Contains("+ access review \"Exchange administrators\"", plan.Out);
        Assert.Contains("~ alert too-many-global-administrators: maximumCount: 5 → 2", plan.Out);
        var settingsLine = plan.Out.Split('\n').Single(l => l.StartsWith($"~ role settings {Exchange} at /: ", StringComparison.Ordinal));
        Assert.Contains("activation.maximumDuration: ", settingsLine);
        Assert.Contains("→ \"PT2H\"", settingsLine);

        var applied = await Expect(0, toTarget.RunAsync("policy", "apply", "-f", file));
        Assert.Contains("change(s) made.", applied.Out);
        Assert.Equal(
            (await Expect(0, fromSource.RunAsync("policy", "export"))).Out,
            (await Expect(0, toTarget.RunAsync("policy", "export"))).Out);

        // Unchanged: nothing to plan (exit 0), and applying again changes nothing.
        var again = await Expect(0, toTarget.RunAsync("policy", "plan", "-f", file));
        Assert.Equal("No changes: the tenant is as the file says.\n", again.Out);
        Assert.Contains("No changes", (await Expect(0, toTarget.RunAsync("policy", "apply", "-f", file))).Out);

        // Bob's activation in the source was never the policy's: it goes on, untouched by apply.
        var active = await source.Bob.GetAsync(source.Path("/me/roles")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(active.GetProperty("items").EnumerateArray(), r => r.Str("roleId") == Exchange && r.Str("status") == "active");
        Assert.Contains("assignment.madeEligible", await target.AuditActionsAsync());
    }

    [Fact]
    public async Task Exports_validate_against_the_published_schema_and_pim_prints_the_same_schema()
    {
        var s = await ConfiguredTenantAsync();
        using var terminal = await SignedInAsync(pim, s, "default");
        var exported = (await Expect(0, terminal.RunAsync("policy", "export"))).Out;
        Assert.Equal(SchemaText, (await Expect(0, terminal.RunAsync("policy", "schema"))).Out);

        var schema = Schema.Value;
        var instance = JsonSerializer.Deserialize<JsonElement>(PolicyYaml.Read(exported).ToJsonString());
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", result.Details?.Where(d => d.Errors is not null)
            .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}") ?? []));

        // A file the schema refuses is refused by plan too, before anything is read or changed.
        var file = Path.Combine(terminal.ConfigHome, "wrong.yaml");
        await File.WriteAllTextAsync(file, "version: 1\nrole: []\n");
        var wrong = await Expect(ExitCodes.Usage, terminal.RunAsync("policy", "plan", "-f", file));
        Assert.Contains("unknown section 'role'", wrong.Error);
        Assert.False(schema.Evaluate(JsonSerializer.Deserialize<JsonElement>("{\"version\":1,\"role\":[]}")).IsValid);
    }

    [Fact]
    public async Task Apply_replaces_settings_with_If_Match_and_a_change_made_meanwhile_is_refused_not_overwritten()
    {
        var s = await ConfiguredTenantAsync();
        using var terminal = await SignedInAsync(pim, s, "default");
        var file = Path.Combine(terminal.ConfigHome, "policy.yaml");
        await Expect(0, terminal.RunAsync("policy", "export", "-f", file));
        var document = PolicyYaml.Read(await File.ReadAllTextAsync(file));
        var exchange = document["roleSettings"]!.AsArray().Single(a => a!["role"]!.GetValue<string>() == Exchange)!;
        exchange["activation"]!["maximumDuration"] = "PT3H";
        await File.WriteAllTextAsync(file, PolicyYaml.Write(document, ""));

        var plan = await Expect(ExitCodes.Changes, terminal.RunAsync("policy", "plan", "-f", file));
        Assert.Equal($"~ role settings {Exchange} at /: activation.maximumDuration: \"PT2H\" → \"PT3H\"\n1 change(s) to make (pim policy apply -f policy.yaml).\n", plan.Out);
        await Expect(0, terminal.RunAsync("policy", "apply", "-f", file));
        var settings = await s.Alice.GetAsync(s.Path($"/roles/{Exchange}/settings")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("PT3H", settings.GetProperty("activation").Str("maximumDuration"));
        Assert.Contains("roleSettings.updated", await s.AuditActionsAsync($"roleId={Exchange}"));
        await Expect(0, terminal.RunAsync("policy", "plan", "-f", file));
    }
}
