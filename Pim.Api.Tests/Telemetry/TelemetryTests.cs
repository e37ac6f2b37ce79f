using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests_Sqlite(TelemetrySqliteApp app) : TelemetryTests(app, app.Telemetry)
{
    /// <summary>Pim with a budget of two evaluations per caller and window.</summary>
    private sealed class LimitedApp : SqliteApp
    {
        public TelemetryRecorder Telemetry { get; } = new();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Pim:RateLimits:Evaluation:PerCaller", "2");
            Telemetry.Apply(builder);
        }
    }

    [Fact]
    public async Task Rate_limit_rejections_are_counted_by_request_class_and_budget()
    {
        await using var limited = new LimitedApp();
        var s = await Scenario.OnboardAsync(limited);
        var before = limited.Telemetry.Collect(limited.Services);
        var evaluator = limited.Evaluator();
        for (var i = 0; i < 2; i++)
            await evaluator.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" }).ExpectAsync(HttpStatusCode.OK);
        await evaluator.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" })
            .ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        var after = limited.Telemetry.Collect(limited.Services);
        Assert.Equal(1, TelemetryRecorder.Count(after, "pim.rate_limit.rejections", (PimTelemetry.RateLimitClass, "evaluation"), (PimTelemetry.RateLimitBudget, "caller"))
            - TelemetryRecorder.Count(before, "pim.rate_limit.rejections", (PimTelemetry.RateLimitClass, "evaluation"), (PimTelemetry.RateLimitBudget, "caller")));
    }
}

[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests_Postgres(TelemetryPostgresApp app) : TelemetryTests(app, app.Telemetry)
{
    /// <summary>Each PostgreSQL command is a span of the request that ran it; background polls (the change feed's heartbeat
    /// every 250 ms, outbox claims) are no trace of their own.</summary>
    [Fact]
    public async Task PostgreSQL_commands_are_spans_of_the_request_that_ran_them_and_polls_are_not_traced()
    {
        var s = await Scenario.OnboardAsync(app);
        var (request, trace) = InTrace(HttpMethod.Post, s.Path("/role-assignments"), new { principalId = "carol", roleId = "security-reader", type = "eligible" });
        await (await s.Alice.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);
        var server = await ServerSpanAsync(trace);
        var commands = app.Telemetry.Spans.Where(x => x.TraceId == trace && x.Source.Name == "Npgsql").ToList();
        Assert.NotEmpty(commands);
        Assert.Contains(commands, c => c.ParentSpanId == server.SpanId);
        var insert = Assert.Single(commands, c => $"{c.GetTagItem("db.query.text")}".Contains("INSERT INTO role_assignments", StringComparison.Ordinal));
        Assert.Equal("INSERT", insert.DisplayName);

        app.Telemetry.Spans.Clear();
        await app.DispatchAllAsync();
        await Task.Delay(TimeSpan.FromSeconds(1)); // four heartbeats of the change feed
        Assert.DoesNotContain(app.Telemetry.Spans, x => x.Source.Name == "Npgsql" && x.Parent is null && x.ParentSpanId == default);
    }
}

/// <summary>
/// OpenTelemetry on (an OTEL_* setting), read back through the in-memory exporters: request spans named by route with
/// the tenant and no secret, trace ids shared by problems and logs, outbox deliveries linked to the request that wrote
/// them, sweeps, and Pim's own instruments.
/// </summary>
public abstract class TelemetryTests(PimApp app, TelemetryRecorder telemetry)
{
    private static readonly TimeSpan Export = TimeSpan.FromSeconds(5);

    /// <summary>A request in a trace the test starts (W3C traceparent), so that its spans can be told from others'.</summary>
    protected static (HttpRequestMessage Request, ActivityTraceId Trace) InTrace(HttpMethod method, string path, object? body = null)
    {
        var trace = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: HttpAssertions.Json) };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        return (request, trace);
    }

    /// <summary>The request's server span: ASP.NET Core ends it once the answer is written, so it may come a moment later.</summary>
    protected async Task<Activity> ServerSpanAsync(ActivityTraceId trace)
    {
        Assert.True(await Eventually.WithinAsync(Export, () => Task.FromResult(
            telemetry.Spans.Any(s => s.TraceId == trace && s.Kind == ActivityKind.Server))), $"no server span in trace {trace}");
        return telemetry.Spans.Single(s => s.TraceId == trace && s.Kind == ActivityKind.Server);
    }

    private static string Everything(Activity span) => string.Join("\n", new[] { span.DisplayName, span.OperationName, span.StatusDescription ?? "" }
        .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
        .Concat(span.Events.SelectMany(e => new[] { e.Name }.Concat(e.Tags.Select(t => $"{t.Key}={t.Value}"))))
        .Concat(span.Links.SelectMany(l => l.Tags?.Select(t => $"{t.Key}={t.Value}") ?? []))
        .Concat(span.Baggage.Select(b => $"{b.Key}={b.Value}")));

    [Fact]
    public async Task A_request_is_a_span_named_by_its_route_template_with_its_tenant_and_no_token_or_justification()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        var justification = "Mailbox migration " + Guid.NewGuid().ToString("N");
        var ticket = "CHG-" + Random.Shared.Next(100_000, 999_999);
        var bob = s.Bob;
        var (request, trace) = InTrace(HttpMethod.Post, s.Path("/activation-requests"),
            new { roleId = "exchange-administrator", justification, ticket = new { number = ticket, system = "Jira" } });
        await (await bob.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);

        var span = await ServerSpanAsync(trace);
        Assert.Equal("POST /v1/tenants/{tenantId:id}/activation-requests/", span.DisplayName); // MapPost("") in the group's "/activation-requests"
        Assert.Equal("/v1/tenants/{tenantId:id}/activation-requests/", span.GetTagItem("http.route"));
        Assert.Equal(s.Id, span.GetTagItem(PimTelemetry.TenantId));
        Assert.Equal(201, span.GetTagItem("http.response.status_code"));

        // What an attacker would look for in the traces: the bearer token (also a forged one, and one in the query
        // string), the justification, the ticket.
        var token = bob.DefaultRequestHeaders.Authorization!.Parameter!;
        const string forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.forged-signature-4711";
        var anonymous = app.Anonymous();
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", forged);
        var (refused, refusedTrace) = InTrace(HttpMethod.Get, s.Path($"/activation-requests?access_token={token}"));
        await (await anonymous.SendAsync(refused)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        var refusedSpan = await ServerSpanAsync(refusedTrace);
        Assert.Equal(401, refusedSpan.GetTagItem("http.response.status_code"));
        Assert.Equal(s.Id, refusedSpan.GetTagItem(PimTelemetry.TenantId)); // refused before any caller was resolved: the path's tenant
        var exported = string.Join("\n", telemetry.Spans.Select(Everything));
        foreach (var secret in new[] { token, token.Split('.')[2], forged, justification, ticket })
            Assert.DoesNotContain(secret, exported);
    }

    [Fact]
    public async Task Problems_and_request_logs_carry_the_trace_id_of_the_request_span()
    {
        var s = await Scenario.OnboardAsync(app);
        var path = s.Path("/activation-requests/nothing-here");
        var problem = await s.Alice.GetAsync(path).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        var traceId = problem.Str("traceId");

        Assert.True(await Eventually.WithinAsync(Export, () => Task.FromResult(telemetry.Spans.Any(x =>
            x.Kind == ActivityKind.Server && (string?)x.GetTagItem(PimTelemetry.TenantId) == s.Id && x.GetTagItem("http.response.status_code") is 404))));
        var span = telemetry.Spans.Single(x =>
            x.Kind == ActivityKind.Server && (string?)x.GetTagItem(PimTelemetry.TenantId) == s.Id && x.GetTagItem("http.response.status_code") is 404);
        Assert.Equal(span.TraceId.ToString(), traceId);
        Assert.True(await Eventually.WithinAsync(Export, () => Task.FromResult(telemetry.Logs.Any(e =>
            e.Properties.TryGetValue("RequestPath", out var logged) && logged.ToString() == $"\"{path}\""))));
        var log = telemetry.Logs.Single(e => e.Properties.TryGetValue("RequestPath", out var logged) && logged.ToString() == $"\"{path}\"");
        Assert.Equal(span.TraceId, log.TraceId);
        Assert.Equal((Serilog.Events.LogEventLevel.Information, "\"GET\"", "404", "\"Pim.Api.Http.RequestLog\""),
            (log.Level, log.Properties["RequestMethod"].ToString(), log.Properties["StatusCode"].ToString(), log.Properties["SourceContext"].ToString()));
        Assert.StartsWith($"HTTP \"GET\" \"{path}\" responded 404 in ", log.RenderMessage());

        // A caller's own trace context is continued: the problem names the caller's trace.
        var (request, trace) = InTrace(HttpMethod.Get, path);
        Assert.Equal(trace.ToString(), (await (await s.Alice.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found")).Str("traceId"));
        Assert.Equal(trace, (await ServerSpanAsync(trace)).TraceId);
    }

    [Fact]
    public async Task Outbox_deliveries_are_spans_of_their_own_linked_to_the_request_that_wrote_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var s = await Scenario.OnboardAsync(app);
        const string key = "hook-key-0123456789";
        await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = receiver.Url + "?key=" + key, eventTypes = new[] { "pim.activation.activated" } })
            .ExpectAsync(HttpStatusCode.Created);
        await s.MakeBobEligibleAsync();
        var (request, trace) = InTrace(HttpMethod.Post, s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "Migration" });
        await (await s.Bob.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);
        var cause = await ServerSpanAsync(trace);

        await app.DispatchAllAsync();
        Assert.Single(receiver.Deliveries);
        var deliveries = telemetry.Spans.Where(x => x.Source.Name == PimTelemetry.Name && x.Links.Any(l => l.Context.TraceId == trace)).ToList();
        Assert.Equal(["deliver email", "deliver webhook"], deliveries.Select(d => d.DisplayName).Order().ToArray());
        foreach (var delivery in deliveries)
        {
            Assert.NotEqual(trace, delivery.TraceId); // a trace of its own, not the request's
            Assert.Equal(ActivityKind.Consumer, delivery.Kind);
            Assert.Equal(cause.SpanId, Assert.Single(delivery.Links).Context.SpanId);
            Assert.Equal(s.Id, delivery.GetTagItem(PimTelemetry.TenantId));
            Assert.Equal(PimTelemetry.Delivered, delivery.GetTagItem(PimTelemetry.DeliveryOutcome));
            Assert.Equal(1, delivery.GetTagItem(PimTelemetry.DeliveryAttempt));
        }
        // The webhook's POST is a child span of its delivery, its query string (a key, here) not recorded.
        var webhook = deliveries.Single(d => d.DisplayName == "deliver webhook");
        var post = Assert.Single(telemetry.Spans, x => x.ParentSpanId == webhook.SpanId && x.Source.Name == "System.Net.Http");
        Assert.Equal("POST", post.GetTagItem("http.request.method"));
        Assert.DoesNotContain(key, Everything(post));
        Assert.DoesNotContain(key, string.Join("\n", telemetry.Spans.Select(Everything)));
    }

    /// <summary>Everything logged, rendered and with its properties.</summary>
    private string Logged() => string.Join("\n", telemetry.Logs.Select(e =>
        e.RenderMessage() + " " + string.Join(" ", e.Properties.Select(p => $"{p.Key}={p.Value}")) + " " + e.Exception));

    [Fact]
    public async Task An_outbound_call_exports_its_scheme_host_and_port_and_nothing_of_its_path_or_query()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var s = await Scenario.OnboardAsync(app);
        // Where Slack and Teams put a webhook's credential: in its path; others in its query.
        var url = receiver.Root + "/services/T000/B000/SECRETTOKEN?sig=abc";
        await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url, eventTypes = new[] { "pim.principal.upserted" } }).ExpectAsync(HttpStatusCode.Created);
        await s.Operator.PutJsonAsync(s.Path("/principals/dora"), new { kind = "user", displayName = "Dora" }).ExpectAsync(HttpStatusCode.Created);
        await app.DispatchAllAsync();
        Assert.Equal("/services/T000/B000/SECRETTOKEN?sig=abc", Assert.Single(receiver.Deliveries).Target);

        var webhook = telemetry.Spans.Last(x => x.DisplayName == "deliver webhook" && (string?)x.GetTagItem(PimTelemetry.TenantId) == s.Id);
        var post = Assert.Single(telemetry.Spans, x => x.ParentSpanId == webhook.SpanId && x.Source.Name == "System.Net.Http");
        var root = new Uri(receiver.Root);
        Assert.Equal(($"http://127.0.0.1:{root.Port}", "127.0.0.1", root.Port), (post.GetTagItem("url.full"), post.GetTagItem("server.address"), post.GetTagItem("server.port")));
        Assert.Equal("POST", post.DisplayName);
        foreach (var tag in new[] { "url.path", "url.query", "http.url", "http.target" }) Assert.Null(post.GetTagItem(tag));
        var exported = string.Join("\n", telemetry.Spans.Select(Everything)) + "\n" + Logged();
        foreach (var secret in new[] { "SECRETTOKEN", "sig=abc", "T000/B000" }) Assert.DoesNotContain(secret, exported);
    }

    [Fact]
    public async Task An_inbound_request_exports_its_route_template_and_not_its_path_or_query()
    {
        var s = await Scenario.OnboardAsync(app);
        var (request, trace) = InTrace(HttpMethod.Get, s.Path("/principals/carol?access_token=SECRETQUERY"));
        await (await s.Alice.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        var span = await ServerSpanAsync(trace);
        Assert.Equal("/v1/tenants/{tenantId:id}/principals/{principalId:id}", span.GetTagItem("http.route"));
        Assert.Equal("GET /v1/tenants/{tenantId:id}/principals/{principalId:id}", span.DisplayName);
        foreach (var tag in new[] { "url.path", "url.query", "url.full", "http.url", "http.target" }) Assert.Null(span.GetTagItem(tag));
        Assert.DoesNotContain("/principals/carol", Everything(span));
        Assert.DoesNotContain("SECRETQUERY", string.Join("\n", telemetry.Spans.Select(Everything)) + "\n" + Logged());
    }

    [Fact]
    public async Task A_sweep_that_records_something_is_a_span_and_idle_sweeps_leave_no_trace()
    {
        await app.SweepAsync(); // what other tests left due
        telemetry.Spans.Clear();
        await app.SweepAsync();
        Assert.DoesNotContain(telemetry.Spans, x => x.Source.Name == PimTelemetry.Name && x.DisplayName == "sweep");

        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.SweepAsync();
        var sweep = Assert.Single(telemetry.Spans, x => x.Source.Name == PimTelemetry.Name && x.DisplayName == "sweep");
        Assert.True((int)sweep.GetTagItem(PimTelemetry.SweepSettled)! >= 1);
        Assert.Equal(default, sweep.ParentSpanId);
        if (app.Provider == "postgres") Assert.Contains(telemetry.Spans, x => x.Source.Name == "Npgsql" && x.TraceId == sweep.TraceId);
    }

    private double Delta(IReadOnlyList<OpenTelemetry.Metrics.MetricSnapshot> before, IReadOnlyList<OpenTelemetry.Metrics.MetricSnapshot> after, string name,
        params (string Key, object Value)[] tags) => TelemetryRecorder.Count(after, name, tags) - TelemetryRecorder.Count(before, name, tags);

    [Fact]
    public async Task Activations_are_counted_by_outcome_and_approvals_by_decision_with_their_wait()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var role in new[] { "helpdesk-administrator", "user-administrator", "billing-administrator" })
        {
            await s.AssignAsync(s.Alice, "bob", role, "eligible", HttpStatusCode.Created);
            await s.SetSettingsAsync(role, ScenarioSettings.Document(requireApproval: true, approvalTimeout: "PT1H"));
        }
        await s.MakeBobEligibleAsync();
        await app.SweepAsync();
        var before = telemetry.Collect(app.Services);

        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        await s.ActivateAsync(s.Carol).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not-eligible");
        var approved = await s.ActivateAsync(s.Bob, roleId: "helpdesk-administrator").ExpectAsync(HttpStatusCode.Created);
        var denied = await s.ActivateAsync(s.Bob, roleId: "user-administrator").ExpectAsync(HttpStatusCode.Created);
        await s.ActivateAsync(s.Bob, roleId: "billing-administrator").ExpectAsync(HttpStatusCode.Created);
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{approved.Str("id")}/approve"), new { justification = "ok" }).ExpectAsync(HttpStatusCode.OK);
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{denied.Str("id")}/deny"), new { justification = "no" }).ExpectAsync(HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromMinutes(50)); // the third waited its hour: the sweeper times it out
        await app.SweepAsync();
        var after = telemetry.Collect(app.Services);

        Assert.Equal(1, Delta(before, after, "pim.activations", (PimTelemetry.ActivationOutcome, "active")));
        Assert.Equal(1, Delta(before, after, "pim.activations", (PimTelemetry.ActivationOutcome, "not-eligible")));
        Assert.Equal(3, Delta(before, after, "pim.activations", (PimTelemetry.ActivationOutcome, "pendingApproval")));
        foreach (var (decision, waited) in new[] { ("approved", 600), ("denied", 600), ("timedOut", 3600) })
        {
            Assert.Equal(1, Delta(before, after, "pim.approvals", (PimTelemetry.ApprovalDecision, decision), (PimTelemetry.ApprovalTarget, "activation")));
            Assert.Equal(1, Delta(before, after, "pim.approval.wait_time", (PimTelemetry.ApprovalDecision, decision)));
            Assert.Equal(waited, TelemetryRecorder.Sum(after, "pim.approval.wait_time", (PimTelemetry.ApprovalDecision, decision))
                - TelemetryRecorder.Sum(before, "pim.approval.wait_time", (PimTelemetry.ApprovalDecision, decision)), 3);
        }
    }

    [Fact]
    public async Task Evaluations_are_measured_by_decision_one_per_question()
    {
        var s = await Scenario.OnboardAsync(app);
        var evaluator = app.Evaluator();
        var before = telemetry.Collect(app.Services);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.False(await s.EvaluateAsync("carol", "exchange-administrator"));
        await evaluator.PostJsonAsync(s.Path("/access/evaluations"), new
        {
            principalId = "alice",
            evaluations = new object[] { new { roleId = "global-administrator" }, new { roleId = "exchange-administrator" }, new { roleId = "teams-administrator" } },
        }).ExpectAsync(HttpStatusCode.OK);
        await evaluator.PostJsonAsync("/access/v1/evaluation", new
        {
            subject = new { type = "user", id = "bob", properties = new { tenantId = s.Id } },
            action = new { name = "hold" },
            resource = new { type = "role", id = "exchange-administrator" },
        }).ExpectAsync(HttpStatusCode.OK);
        var after = telemetry.Collect(app.Services);

        Assert.Equal(3, Delta(before, after, "pim.evaluation.duration", (PimTelemetry.EvaluationDecision, "allow")));
        Assert.Equal(3, Delta(before, after, "pim.evaluation.duration", (PimTelemetry.EvaluationDecision, "deny")));
        Assert.Equal("s", after.First(m => m.Name == "pim.evaluation.duration").Unit);
        // Bob's standing assignment was relied on: its first use waits for the next flush, and the gauge counts it.
        var waiting = app.Services.GetRequiredService<UsageRecorder>().Unwritten;
        Assert.True(waiting >= 1);
        Assert.True(TelemetryRecorder.Count(after, "pim.usage.unwritten") >= waiting);
    }

    [Fact]
    public async Task Delivery_attempts_are_counted_by_outcome_and_the_outbox_depth_is_observed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        var s = await Scenario.OnboardAsync(app);
        await app.DispatchAllAsync(); // the onboarding's emails
        await s.Alice.PostJsonAsync(s.Path("/webhooks"), new { url = receiver.Url, eventTypes = new[] { "pim.principal.upserted" } }).ExpectAsync(HttpStatusCode.Created);
        var before = telemetry.Collect(app.Services);
        await s.Operator.PutJsonAsync(s.Path("/principals/dora"), new { kind = "user", displayName = "Dora" }).ExpectAsync(HttpStatusCode.Created);

        await app.DispatchAllAsync(); // fails: tried again later, and waits in the outbox
        var waiting = telemetry.Collect(app.Services);
        Assert.Equal(1, Delta(before, waiting, "pim.outbox.delivery_attempts", (PimTelemetry.NotificationKind, "webhook"), (PimTelemetry.DeliveryOutcome, PimTelemetry.Rescheduled)));
        Assert.True(TelemetryRecorder.Count(waiting, "pim.outbox.depth", (PimTelemetry.NotificationKind, "webhook")) >= 1);
        var failedAttempt = telemetry.Spans.Last(x => x.DisplayName == "deliver webhook" && (string?)x.GetTagItem(PimTelemetry.TenantId) == s.Id);
        Assert.Equal(ActivityStatusCode.Error, failedAttempt.Status);
        Assert.Contains("500", failedAttempt.StatusDescription);

        for (var attempt = 2; attempt <= 3; attempt++) // Pim:Outbox:MaxAttempts is 3 in the tests
        {
            app.Time.Advance(TimeSpan.FromHours(2));
            await app.DispatchAllAsync();
        }
        var failed = telemetry.Collect(app.Services);
        Assert.Equal(2, Delta(before, failed, "pim.outbox.delivery_attempts", (PimTelemetry.NotificationKind, "webhook"), (PimTelemetry.DeliveryOutcome, PimTelemetry.Rescheduled)));
        Assert.Equal(1, Delta(before, failed, "pim.outbox.delivery_attempts", (PimTelemetry.NotificationKind, "webhook"), (PimTelemetry.DeliveryOutcome, PimTelemetry.Failed)));

        receiver.Status = 204;
        var message = (await s.Alice.GetAsync(s.Path("/notifications?status=failed")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0].Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/notifications/{message}/retry")).ExpectAsync(HttpStatusCode.OK);
        await app.DispatchAllAsync();
        var delivered = telemetry.Collect(app.Services);
        Assert.Equal(1, Delta(before, delivered, "pim.outbox.delivery_attempts", (PimTelemetry.NotificationKind, "webhook"), (PimTelemetry.DeliveryOutcome, PimTelemetry.Delivered)));
    }
}
