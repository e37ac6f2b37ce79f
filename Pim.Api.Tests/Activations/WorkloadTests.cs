using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Activations;

[Collection(SqliteCollection.Name)]
public sealed class WorkloadTests_Sqlite(SqliteApp app) : WorkloadTests(app);

[Collection(PostgresCollection.Name)]
public sealed class WorkloadTests_Postgres(PostgresApp app) : WorkloadTests(app);

/// <summary>Workloads and CI: service principals activate where the settings allow it, and a pipeline waits for the decision.</summary>
public abstract class WorkloadTests(PimApp app)
{
    /// <summary>The CI pipeline's service principal, eligible for Exchange Administrator; its token shows no MFA.</summary>
    private static async Task<(Scenario S, HttpClient Pipeline)> PipelineAsync(PimApp app, string roleId = "exchange-administrator")
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/ci-deployer"), new { kind = "servicePrincipal", displayName = "CI deployer" })
            .ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Alice, "ci-deployer", roleId, "eligible", HttpStatusCode.Created);
        return (s, s.User("ci-deployer", mfa: false));
    }

    private static Task<HttpResponseMessage> Activate(Scenario s, HttpClient pipeline, string roleId = "exchange-administrator", object? ticket = null) =>
        pipeline.PostJsonAsync(s.Path("/activation-requests"), new { roleId, justification = "Release 4.2 pipeline", ticket });

    private static object Settings(bool allowWorkloads = true, bool requireApproval = false, bool requireTicket = false) => new
    {
        activation = new
        {
            maximumDuration = "PT1H", requireMfa = true, mfaMaxAge = (string?)null, requireJustification = true, requireTicket, requireApproval,
            approvers = Array.Empty<string>(), approvalTimeout = "P1D", allowWorkloads,
        },
        assignment = new { allowPermanentEligible = true, maximumEligibleDuration = "P365D", allowPermanentActive = true, maximumActiveDuration = "P180D" },
        notifications = new { onActivation = new { notifyRoleAdministrators = true, additionalRecipients = Array.Empty<string>() } },
    };

    [Fact]
    public async Task A_service_principal_activates_without_MFA_where_the_settings_allow_workloads_explicitly()
    {
        var (s, pipeline) = await PipelineAsync(app);
        // Exchange Administrator is privileged: by default no workload activates it.
        var defaults = await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(defaults.GetProperty("activation").GetProperty("allowWorkloads").GetBoolean());
        await Activate(s, pipeline).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "workload-not-allowed");
        await s.SetSettingsAsync("exchange-administrator", Settings(allowWorkloads: true));
        var active = await Activate(s, pipeline).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("active", active.Str("status"));
        Assert.True(await s.EvaluateAsync("ci-deployer", "exchange-administrator"));

        // A person's token without MFA is still refused: MFA is only not applicable to workloads.
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.User("bob", mfa: false)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa-required");
    }

    [Fact]
    public async Task Workloads_are_refused_where_the_settings_do_not_allow_them_and_by_default_for_the_two_directory_rulers()
    {
        var (s, pipeline) = await PipelineAsync(app, "global-administrator");
        await Activate(s, pipeline, "global-administrator").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "workload-not-allowed");
        await s.AssignAsync(s.Alice, "ci-deployer", "exchange-administrator", "eligible", HttpStatusCode.Created);
        await s.SetSettingsAsync("exchange-administrator", Settings(allowWorkloads: false));
        await Activate(s, pipeline).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "workload-not-allowed");
        Assert.False(await s.EvaluateAsync("ci-deployer", "exchange-administrator"));
    }

    [Fact]
    public async Task Justification_ticket_and_approval_apply_to_workloads_as_set()
    {
        var (s, pipeline) = await PipelineAsync(app);
        await s.SetSettingsAsync("exchange-administrator", Settings(requireApproval: true, requireTicket: true));
        await Activate(s, pipeline).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "ticket-required");
        var pending = await Activate(s, pipeline, ticket: new { number = "CHG-9", system = "ServiceNow" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pendingApproval", pending.Str("status"));
    }

    [Fact]
    public async Task A_pipeline_waits_for_the_decision_and_is_answered_at_the_first_change()
    {
        var (s, pipeline) = await PipelineAsync(app);
        await s.SetSettingsAsync("exchange-administrator", Settings(requireApproval: true));
        var id = (await Activate(s, pipeline).ExpectAsync(HttpStatusCode.Created)).Str("id");

        var approved = pipeline.GetAsync(s.Path($"/activation-requests/{id}?waitFor=active&timeout=PT5M"));
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "Release approved" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", (await approved.ExpectAsync(HttpStatusCode.OK)).Str("status"));
        // Already what it waits for: answered at once.
        Assert.Equal("active", (await pipeline.GetAsync(s.Path($"/activation-requests/{id}?waitFor=active")).ExpectAsync(HttpStatusCode.OK)).Str("status"));

        // Another request, denied: the first change answers, whatever was waited for.
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/revoke"), new { reason = "Next release" }).ExpectAsync(HttpStatusCode.OK);
        var next = (await Activate(s, pipeline).ExpectAsync(HttpStatusCode.Created)).Str("id");
        var denied = pipeline.GetAsync(s.Path($"/activation-requests/{next}?waitFor=active&timeout=PT5M"));
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{next}/deny"), new { justification = "Not today" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("denied", (await denied.ExpectAsync(HttpStatusCode.OK)).Str("status"));
        // A request that has ended is answered at once, whatever is waited for: it changes no more.
        Assert.Equal("denied", (await pipeline.GetAsync(s.Path($"/activation-requests/{next}?waitFor=active&timeout=PT5M"))
            .ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task A_wait_is_bounded_in_time_and_in_number()
    {
        var (s, pipeline) = await PipelineAsync(app);
        await s.SetSettingsAsync("exchange-administrator", Settings(requireApproval: true));
        var id = (await Activate(s, pipeline).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await pipeline.GetAsync(s.Path($"/activation-requests/{id}?waitFor=active&timeout=PT6M")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await pipeline.GetAsync(s.Path($"/activation-requests/{id}?timeout=PT1M")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await pipeline.GetAsync(s.Path($"/activation-requests/{id}?waitFor=sleeping")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        // The timeout passes on Pim's clock: the answer is the request as it stands.
        var timedOut = pipeline.GetAsync(s.Path($"/activation-requests/{id}?waitFor=active&timeout=PT1M"));
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(20), () =>
        {
            app.Time.Advance(TimeSpan.FromSeconds(5));
            return Task.FromResult(timedOut.IsCompleted);
        }));
        Assert.Equal("pendingApproval", (await timedOut.ExpectAsync(HttpStatusCode.OK)).Str("status"));

        // At most ten waits of one caller at once: of eleven, the one over the bound is answered at once, the others wait.
        var waits = Enumerable.Range(0, 11).Select(_ => pipeline.GetAsync(s.Path($"/activation-requests/{id}?waitFor=active&timeout=PT5M"))).ToList();
        var over = await await Task.WhenAny(waits);
        await over.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.NotNull(over.Headers.RetryAfter);
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        var answers = await Task.WhenAll(waits);
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        foreach (var answer in answers.Where(a => a.StatusCode == HttpStatusCode.OK)) Assert.Equal("active", (await answer.ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }
}

/// <summary>A wait is released when Pim stops (SIGTERM): answered with the request as it stands, not cut off.</summary>
public sealed class WorkloadShutdownTests
{
    [Fact]
    public async Task A_waiting_read_is_answered_when_Pim_stops()
    {
        var data = Directory.CreateTempSubdirectory("pim-stop-").FullName;
        try
        {
            await using var pim = await PimProcess.StartAsync("sqlite", $"Data Source={Path.Combine(data, "pim.db")}", data);
            const string t = "stopping";
            var op = await pim.ClientAsync("sync", t, false, "pim.operator");
            var alice = await pim.ClientAsync("alice", t);
            var pipeline = await pim.ClientAsync("ci-deployer", t, mfa: false);
            await op.PutJsonAsync($"/v1/tenants/{t}", new { displayName = "Stopping" }).ExpectAsync(HttpStatusCode.Created);
            await op.PutJsonAsync($"/v1/tenants/{t}/principals/alice", new { kind = "user", displayName = "Alice" }).ExpectAsync(HttpStatusCode.Created);
            await op.PutJsonAsync($"/v1/tenants/{t}/principals/ci-deployer", new { kind = "servicePrincipal", displayName = "CI" }).ExpectAsync(HttpStatusCode.Created);
            await op.PostJsonAsync($"/v1/tenants/{t}/role-assignments", new { principalId = "alice", roleId = "global-administrator", type = "active" })
                .ExpectAsync(HttpStatusCode.Created);
            await alice.PostJsonAsync($"/v1/tenants/{t}/consent").ExpectAsync(HttpStatusCode.OK);
            await alice.PostJsonAsync($"/v1/tenants/{t}/sign-ups", new { area = "directoryRoles" }).ExpectAsync(HttpStatusCode.Created);
            await alice.PostJsonAsync($"/v1/tenants/{t}/role-assignments", new { principalId = "ci-deployer", roleId = "exchange-administrator", type = "eligible" })
                .ExpectAsync(HttpStatusCode.Created);
            using (var current = await alice.GetAsync($"/v1/tenants/{t}/roles/exchange-administrator/settings"))
            {
                var put = new HttpRequestMessage(HttpMethod.Put, $"/v1/tenants/{t}/roles/exchange-administrator/settings")
                {
                    Content = System.Net.Http.Json.JsonContent.Create(ScenarioSettings.Document(requireApproval: true, allowWorkloads: true), options: HttpAssertions.Json),
                };
                put.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
                await (await alice.SendAsync(put)).ExpectAsync(HttpStatusCode.OK);
            }
            var id = (await pipeline.PostJsonAsync($"/v1/tenants/{t}/activation-requests", new { roleId = "exchange-administrator", justification = "Release" })
                .ExpectAsync(HttpStatusCode.Created)).Str("id");

            var waiting = pipeline.GetAsync($"/v1/tenants/{t}/activation-requests/{id}?waitFor=active&timeout=PT5M");
            Assert.False(await Eventually.WithinAsync(TimeSpan.FromSeconds(1), () => Task.FromResult(waiting.IsCompleted)), "the read did not wait");
            pim.Terminate();
            Assert.Equal("pendingApproval", (await waiting.ExpectAsync(HttpStatusCode.OK)).Str("status"));
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
