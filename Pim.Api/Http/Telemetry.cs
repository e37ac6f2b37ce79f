using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pim.Infrastructure;

namespace Pim.Api.Http;

/// <summary>
/// OpenTelemetry, configured only by the standard <c>OTEL_*</c> variables and off when none is set (or
/// <c>OTEL_SDK_DISABLED=true</c>): traces of requests (ASP.NET Core, the route template as span name, the tenant as
/// <c>pim.tenant.id</c>), of outgoing HTTP (webhooks), of PostgreSQL commands and of Pim's own work (deliveries, sweeps);
/// metrics of ASP.NET Core, HttpClient, Npgsql, the runtime and Pim's <c>pim.*</c> instruments
/// (<see cref="PimTelemetry"/>). Exported over OTLP by batches on a background thread, so a collector that is slow or
/// down costs dropped telemetry, never a request. Request and response headers and bodies are not recorded; a request's
/// span names its route template, never its path or query, and an outbound call's its scheme, host and port only
/// (<see cref="HttpSpanRedaction"/>).
/// </summary>
public static class Telemetry
{
    public const string DefaultServiceName = "pim";

    /// <summary>Whether any <c>OTEL_*</c> setting is given (environment variables, or any other configuration source).</summary>
    public static bool IsConfigured(IConfiguration configuration) =>
        !string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase)
        && configuration.AsEnumerable().Any(setting => setting.Key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
                                                       && !string.IsNullOrWhiteSpace(setting.Value));

    public static void AddPimTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (!IsConfigured(configuration)) return;
        var otel = builder.Services.AddOpenTelemetry()
            // service.name is "pim" unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) says otherwise.
            .ConfigureResource(resource => resource.Clear().AddService(DefaultServiceName, serviceVersion: PimTelemetry.Version)
                .AddTelemetrySdk().AddEnvironmentVariableDetector());
        if (ExportsTraces(configuration))
            otel.WithTracing(tracing => tracing
                .AddSource(PimTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpResponse = (activity, response) =>
                {
                    // Requests refused before their caller was resolved still name the tenant of their path.
                    if (activity.GetTagItem(PimTelemetry.TenantId) is null && response.HttpContext.GetRouteValue("tenantId") is string tenantId)
                        activity.SetTag(PimTelemetry.TenantId, tenantId);
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                // Before every exporter: no URL path or query of an outbound call, no raw path or query of a request.
                .AddProcessor(new HttpSpanRedaction())
                .AddOtlpExporter());
        if (Exports(configuration, "OTEL_METRICS_EXPORTER"))
            otel.WithMetrics(metrics => metrics
                .AddMeter(PimTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("System.Runtime")
                .AddOtlpExporter());
    }

    /// <summary>The logger whose scope ASP.NET Core opens around every request (its id, path and connection id).</summary>
    public const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Off unless configured (<c>Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics</c>): while that
    /// logger is on, ASP.NET Core opens its log scope around every request, an object and two execution-context copies
    /// per request (issue 27), for properties the request log has (its path) or that mean nothing outside the process (the
    /// connection's and request's ids). It writes nothing else at the levels Pim logs at.
    /// </summary>
    public static void WithoutRequestLogScope(Serilog.LoggerConfiguration logger, IConfiguration configuration)
    {
        if (configuration[$"Serilog:MinimumLevel:Override:{HostingDiagnostics}"] is null)
            logger.MinimumLevel.Override(HostingDiagnostics, Serilog.Events.LevelAlias.Off);
    }

    /// <summary>
    /// The caller's W3C trace context (<c>traceparent</c>) continued by every request, when no trace is exported: the
    /// request's <see cref="System.Diagnostics.Activity"/> carries the trace id into the log and every problem's
    /// <c>traceId</c>. ASP.NET Core makes it only when something listens (or its hosting logger is on, which
    /// <see cref="WithoutRequestLogScope"/> turns off); this listener asks for the context alone, no span data.
    /// </summary>
    public static void ContinueTraceContext(this WebApplication app)
    {
        if (ExportsTraces(app.Configuration)) return;
        var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = static (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) =>
                System.Diagnostics.ActivitySamplingResult.PropagationData,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        app.Lifetime.ApplicationStopped.Register(listener.Dispose);
    }

    /// <summary>Whether OpenTelemetry exports traces (its listener then makes every request's <c>Activity</c>).</summary>
    private static bool ExportsTraces(IConfiguration configuration) => IsConfigured(configuration) && Exports(configuration, "OTEL_TRACES_EXPORTER");

    /// <summary><c>OTEL_TRACES_EXPORTER</c> / <c>OTEL_METRICS_EXPORTER</c>: <c>otlp</c> (the default) or <c>none</c>.</summary>
    private static bool Exports(IConfiguration configuration, string key) => configuration[key]?.Trim().ToLowerInvariant() switch
    {
        null or "" or "otlp" => true,
        "none" => false,
        var other => throw new InvalidOperationException($"{key} must be 'otlp' or 'none', not '{other}'."),
    };
}
