using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
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
using Pim.Api.Features.Integrations;
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
    // JSON bodies are read from the request's Stream, as before .NET 10, not from its PipeReader: on that path System.Text.Json,
    // disposing its buffer state, reads a ReadOnlySequence<byte>'s fields through reflection (the allocation stacks: a
    // FieldInfo[], boxed Int32s and the boxed sequence under PipeReadBufferState.Dispose), ~0.25 KB per body read, every
    // evaluation's among them (issue 27, bench/README.md). The Stream path also hands converters one contiguous buffer,
    // never a value sequence. ASP.NET Core's documented switch.
    AppContext.SetSwitch("Microsoft.AspNetCore.UseStreamBasedJsonParsing", true);
    var builder = WebApplication.CreateBuilder(args);
    var production = builder.Environment.IsProduction();

    builder.Services.AddSerilog((services, logger) =>
    {
        logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
        Telemetry.WithoutRequestLogScope(logger, builder.Configuration);
        if (production) logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        else logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} (trace {TraceId}){NewLine}{Exception}");
    }, preserveStaticLogger: true);
    // Serilog's factory makes a new logger each time one is asked for, and ASP.NET Core asks per request: one per category.
    CachedLoggers.Wrap(builder.Services);

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
    // Settings (Http/PimSettings.cs): each bound from its section and checked at start, naming the key it refuses.
    builder.AddPimSettings(provider, connectionString);
    // Whether evaluation answers from memory shapes the services themselves (the change feed, the reader).
    builder.Services.AddPimStore(provider, connectionString, builder.Configuration.GetValue("Pim:Access:Cache:Enabled", true));
    builder.Services.TryAddSingleton(TimeProvider.System);

    // Notifications: email to a pickup directory (default) or SMTP, signed webhooks, all through the outbox.
    builder.Services.AddPimNotifications(smtp: !string.IsNullOrWhiteSpace(builder.Configuration["Pim:Email:Smtp:Host"]),
        background: builder.Configuration.GetValue("Pim:Outbox:BackgroundEnabled", true));

    // Authentication: the organisation's identity provider, or the development issuer (never in Production).
    var dataDirectory = Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["Pim:DataDirectory"] ?? "data");
    builder.AddPimAuthentication(dataDirectory);
    // Data Protection (console cookies, the tenants' Slack bot tokens at rest): its keys in a directory of their own,
    // outside the database (Pim:DataProtection:KeysPath, default <data>/keys); replicas share it.
    builder.Services.AddDataProtection().SetApplicationName("Pim").PersistKeysToFileSystem(new DirectoryInfo(
        Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["Pim:DataProtection:KeysPath"] ?? Path.Combine(dataDirectory, "keys"))));
    // Pim Console (/console): a backend-for-frontend on the same use cases, signed in with OpenID Connect (or, in
    // Development, the development issuer's sign-in page); off when neither is configured.
    var console = builder.AddPimConsole(builder.AuthAtStart());
    // Capacity is per tenant: budgets per window, requests running at once (below the store's pool), reads waiting at once.
    builder.Services.AddPimRateLimits();
    builder.Services.AddSingleton<LongPolls>();
    builder.Services.AddSingleton<SingleEvaluation>();
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
    // Every setting is checked before anything reads one or touches the store; every failure is named at once.
    app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
    app.Services.GetRequiredService<Migrator>().Apply();

    // A caller's traceparent is continued even when no trace is exported (the trace id of logs, problems and audit events).
    app.ContinueTraceContext();
    // X-Forwarded-For is honoured only from the proxies named in Pim:Network:TrustedProxies.
    app.UseClientAddress(builder.Configuration);
    app.UsePimCors();
    if (console) app.UsePimConsoleHeaders();
    // AuthZEN endpoints echo X-Request-ID on every answer, refusals included.
    app.UseRequestIdEcho();
    // Request logs go through the host's configured logger (levels, JSON in Production, trace id), not the start-up one;
    // outside everything that answers (the exception handler, the store outage, rate limits, Idempotency-Key replays), so
    // that every answer is logged with the status it was answered with.
    app.UseMiddleware<RequestLog>();
    app.UseStoreOutageAnswers();
    // A request over its budget, or beyond its tenant's running requests, is refused before anything of it touches the
    // store: it claims no Idempotency-Key and opens no transaction, so a refusal costs nothing and leaves nothing.
    app.UsePimAuthentication();
    app.UsePimRateLimits();
    app.UseMiddleware<IdempotencyMiddleware>();
    app.UseExceptionHandler();
    app.UseProblemStatusPages();
    if (builder.Configuration.GetValue<bool?>("Pim:Swagger:UiEnabled") ?? app.Environment.IsDevelopment()) app.UseSwaggerUI(ui => ui.SwaggerEndpoint("/swagger/v1/swagger.json", "Pim v1"));
    app.UsePimAuthorization();

    // OpenAPI 3.1: its schemas are JSON Schema 2020-12, which says "or null" exactly (type: [T, "null"], oneOf with {type: "null"}).
    // An endpoint, not Swashbuckle's middleware: the middleware resolves the document generator for every request.
    app.MapSwagger(setupAction: swagger => swagger.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1).AllowAnonymous();
    app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
    app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
    if (app.Environment.IsDevelopment() && app.Services.GetRequiredService<AuthOptions>().DevIssuer.Enabled) app.MapDevToken();
    // Where Pim's tokens come from (RFC 9728), for clients that sign in from Pim's URL alone (pim login).
    app.MapProtectedResourceMetadata();
    // A host's own endpoints, beside Pim's (the benchmark host's: bench/host); none when Pim runs on its own.
    app.MapContributedEndpoints();

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
    tenant.MapIntegrations();
    if (console) app.MapPimConsole();
    // AuthZEN (OpenID Authorization API 1.0) for gateways and identity products: /access/v1/… and its metadata.
    app.MapAuthZen();
    // Slack's interactions (buttons, the deny modal): anonymous, but signed with the Slack app's signing secret.
    app.MapSlackInteractions();
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
