using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using FluentValidation;
using Pim.Api.Features.Access;
using Pim.Api.Features.Activations;
using Pim.Api.Features.Alerts;
using Pim.Api.Features.Approvals;
using Pim.Api.Features.Assignments;
using Pim.Api.Features.Audit;
using Pim.Api.Features.Dev;
using Pim.Api.Features.Notifications;
using Pim.Api.Features.Principals;
using Pim.Api.Features.Reviews;
using Pim.Api.Features.Roles;
using Pim.Api.Features.Scim;
using Pim.Api.Features.Scopes;
using Pim.Api.Features.Settings;
using Pim.Api.Features.Tenants;
using Pim.Api.Console;
using Pim.Api.Http;
using Pim.Infrastructure;
using Serilog;
using Serilog.Formatting.Compact;

// Start-up failures are written here; once built, the host logs through its own configured logger.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    var production = builder.Environment.IsProduction();

    builder.Services.AddSerilog((services, logger) =>
    {
        logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
        if (production) logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        else logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} (trace {TraceId}){NewLine}{Exception}");
    }, preserveStaticLogger: true);

    // OpenTelemetry, only when OTEL_* variables are set (Http/Telemetry.cs); the trace id of logs and problems is the traces' own.
    builder.AddPimTelemetry();

    // Store: SQLite by default (a file under the content root), Postgres in production.
    var provider = (builder.Configuration["Pim:Store:Provider"] ?? "sqlite").ToLowerInvariant() switch
    {
        "sqlite" => StoreProvider.Sqlite,
        "postgres" => StoreProvider.Postgres,
        var other => throw new InvalidOperationException($"Pim:Store:Provider must be 'sqlite' or 'postgres', not '{other}'."),
    };
    var connectionString = builder.Configuration.GetConnectionString("Pim")
        ?? throw new InvalidOperationException("ConnectionStrings:Pim is not set.");
    if (provider == StoreProvider.Sqlite) connectionString = SqlitePaths.UnderContentRoot(connectionString, builder.Environment.ContentRootPath);
    builder.Services.AddPimStore(provider, connectionString,
        builder.Configuration.GetSection("Pim:Access:Cache").Get<AccessCacheOptions>() ?? new AccessCacheOptions());
    builder.Services.TryAddSingleton(TimeProvider.System);

    // Notifications: email to a pickup directory (default) or SMTP, signed webhooks, all through the outbox.
    var email = builder.Configuration.GetSection("Pim:Email").Get<EmailOptions>() ?? new EmailOptions();
    email.PickupDirectory = Path.Combine(builder.Environment.ContentRootPath, email.PickupDirectory);
    if (email.Smtp.TrustedCaCertificatePath is { Length: > 0 } trustedCa)
        email.Smtp.TrustedCaCertificatePath = Path.Combine(builder.Environment.ContentRootPath, trustedCa);
    var outbox = builder.Configuration.GetSection("Pim:Outbox").Get<OutboxOptions>() ?? new OutboxOptions();
    if (outbox.MaxAttempts is < 1 or > Pim.Domain.OutboxMessage.MaximumAttempts)
        throw new InvalidOperationException($"Pim:Outbox:MaxAttempts must be between 1 and {Pim.Domain.OutboxMessage.MaximumAttempts}.");
    var webhooks = builder.Configuration.GetSection("Pim:Webhooks").Get<WebhookOptions>() ?? new WebhookOptions();
    webhooks.AllowInsecureTargets = builder.Configuration.GetValue<bool?>("Pim:Webhooks:AllowInsecureTargets") ?? builder.Environment.IsDevelopment();
    if (production && webhooks.AllowInsecureTargets)
        throw new InvalidOperationException("Pim:Webhooks:AllowInsecureTargets is true in Production: webhooks could reach internal addresses (SSRF).");
    var limits = builder.Configuration.GetSection("Pim:Notifications").Get<NotificationLimitOptions>() ?? new NotificationLimitOptions();
    builder.Services.AddPimNotifications(email, outbox, webhooks, new Pim.Domain.NotificationLimits(limits.MaxPerRolePerWindow, limits.Window));
    // Governance: how often each tenant's security alerts are evaluated.
    var alertInterval = builder.Configuration.GetValue<TimeSpan?>("Pim:Alerts:EvaluationInterval") ?? Pim.Domain.AlertSchedule.Default.Interval;
    if (alertInterval < TimeSpan.FromMinutes(1))
        throw new InvalidOperationException("Pim:Alerts:EvaluationInterval must be at least 00:01:00.");
    builder.Services.AddSingleton(new Pim.Domain.AlertSchedule(alertInterval));

    // Authentication: the organisation's identity provider, or the development issuer (never in Production).
    var auth = builder.Configuration.GetSection("Pim:Auth").Get<AuthOptions>() ?? new AuthOptions();
    auth.DevIssuer.Enabled = builder.Configuration.GetValue<bool?>("Pim:Auth:DevIssuer:Enabled") ?? builder.Environment.IsDevelopment();
    if (production && auth.DevIssuer.Enabled)
        throw new InvalidOperationException("Pim:Auth:DevIssuer:Enabled is true in Production: the development issuer mints tokens for anyone. Turn it off and set Pim:Auth:Authority.");
    var dataDirectory = Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["Pim:DataDirectory"] ?? "data");
    builder.AddPimAuthentication(auth, dataDirectory);
    // Pim Console (/console): a backend-for-frontend on the same use cases, signed in with OpenID Connect (or, in
    // Development, the development issuer's sign-in page); off when neither is configured.
    var console = builder.AddPimConsole(auth);
    // Capacity is per tenant: budgets per window, requests running at once (below the store's pool), reads waiting at once.
    builder.Services.AddPimRateLimits(builder.Configuration.GetSection("Pim:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions(),
        Store.ConnectionLimit(provider, connectionString));
    builder.Services.AddSingleton(builder.Configuration.GetSection("Pim:Idempotency").Get<IdempotencyOptions>() ?? new IdempotencyOptions());
    var longPolls = builder.Configuration.GetSection("Pim:LongPolls").Get<LongPollOptions>() ?? new LongPollOptions();
    longPolls.Check();
    builder.Services.AddSingleton(longPolls);
    builder.Services.AddSingleton<LongPolls>();
    builder.Services.AddPimCors(builder.Configuration);

    // The wire: camelCase JSON, enums as camelCase strings, unknown fields and missing required fields refused.
    builder.Services.ConfigureHttpJsonOptions(json =>
    {
        json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.SerializerOptions.RespectNullableAnnotations = true;
        json.SerializerOptions.RespectRequiredConstructorParameters = true;
        json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    });
    builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
    builder.Services.Configure<RouteOptions>(o => o.SetParameterPolicy<IdRouteConstraint>("id"));
    builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 256 * 1024);
    // Validators hold no state; building one compiles its rules, so build each once.
    builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton, includeInternalTypes: true);
    builder.Services.AddProblemDetails();
    builder.Services.RemoveAll<IProblemDetailsWriter>();
    builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
    builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
    builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"])
        .AddCheck<AccessCacheHealthCheck>("access-cache", tags: ["ready"]);
    builder.Services.AddPimOpenApi();

    var app = builder.Build();
    app.Services.GetRequiredService<Migrator>().Apply();

    // X-Forwarded-For is honoured only from the proxies named in Pim:Network:TrustedProxies.
    app.UseClientAddress(builder.Configuration);
    app.UsePimCors();
    if (console) app.UsePimConsoleHeaders();
    // AuthZEN endpoints echo X-Request-ID on every answer, refusals included.
    app.UseRequestIdEcho();
    // Request logs go through the host's configured logger (levels, JSON in Production, trace id), not the start-up one;
    // outside everything that answers (the exception handler, the store outage, rate limits, Idempotency-Key replays), so
    // that every answer is logged with the status it was answered with.
    app.UseSerilogRequestLogging(o => o.Logger = app.Services.GetRequiredService<Serilog.ILogger>());
    app.UseStoreOutageAnswers();
    // A request over its budget, or beyond its tenant's running requests, is refused before anything of it touches the
    // store: it claims no Idempotency-Key and opens no transaction, so a refusal costs nothing and leaves nothing.
    app.UseAuthentication();
    app.UsePimRateLimits();
    app.UseMiddleware<IdempotencyMiddleware>();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseSwagger();
    if (builder.Configuration.GetValue<bool?>("Pim:Swagger:UiEnabled") ?? app.Environment.IsDevelopment()) app.UseSwaggerUI(ui => ui.SwaggerEndpoint("/swagger/v1/swagger.json", "Pim v1"));
    app.UseAuthorization();

    app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
    app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
    if (app.Environment.IsDevelopment() && auth.DevIssuer.Enabled) app.MapDevToken();
    // bench/: a bare endpoint with the same authentication and JSON, to compare access evaluation against.
    // bench/ also reads the evaluation query as the code composes it, for EXPLAIN and pgbench.
    if (builder.Configuration.GetValue<bool>("Pim:Benchmark:BareEndpoint"))
    {
        app.MapPost("/bench/bare", (EvaluationRequest body) => TypedResults.Ok(new { decision = "deny", body.PrincipalId }))
            .RequireAuthorization().ExcludeFromDescription().IsEvaluation();
        app.MapGet("/bench/grants-sql", () => TypedResults.Text(AccessReader.Grants)).RequireAuthorization().ExcludeFromDescription();
        // bench/alerts.sh: one evaluation of a tenant's alerts, timed, and each alert's statement as the code composes it.
        app.MapPost("/bench/alerts/{tenantId}", async (string tenantId, Pim.Domain.AlertService alerts, CancellationToken ct) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var evaluation = await alerts.EvaluateNowAsync(tenantId, ct);
            return TypedResults.Ok(new { elapsedMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, evaluation.Raised, evaluation.Resolved });
        }).RequireAuthorization().ExcludeFromDescription();
        app.MapGet("/bench/alerts-sql", (AlertConditions conditions) =>
            TypedResults.Ok(Pim.Domain.AlertCatalog.Types.ToDictionary(type => type, conditions.FindingsSql))).RequireAuthorization().ExcludeFromDescription();
    }

    var tenant = app.MapGroup("/v1/tenants/{tenantId:id}").RequireAuthorization().AcceptsJsonOnly().HoldToWireBounds().RetryReads()
        .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests);
    tenant.MapTenants();
    tenant.MapPrincipals();
    tenant.MapRoles();
    tenant.MapSettings();
    tenant.MapAssignments();
    tenant.MapActivations();
    tenant.MapApprovals();
    tenant.MapAccess();
    tenant.MapAudit();
    tenant.MapNotifications();
    tenant.MapScopes();
    tenant.MapAlerts();
    tenant.MapAccessReviews();
    if (console) app.MapPimConsole();
    // AuthZEN (OpenID Authorization API 1.0) for gateways and identity products: /access/v1/… and its metadata.
    app.MapAuthZen();
    // SCIM 2.0 for identity systems that provision Pim's directory: /scim/v2/… (the token's tenant) and /scim/v2/tenants/{tenantId}/….
    app.MapScim();

    app.Run();
    return 0;
}
catch (Exception e) when (e is not HostAbortedException)
{
    Log.Fatal(e, "Pim failed to start: {Reason}", e.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

internal static class SqlitePaths
{
    /// <summary>A relative SQLite file is kept under the content root, not wherever the process was started.</summary>
    public static string UnderContentRoot(string connectionString, string contentRoot)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        return builder.ToString();
    }
}
