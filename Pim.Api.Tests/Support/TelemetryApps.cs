using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serilog.Core;
using Serilog.Events;

namespace Pim.Api.Tests.Support;

/// <summary>
/// What Pim exported, through OpenTelemetry's in-memory exporters (spans, metric snapshots) and a Serilog sink (log events).
/// Activity sources and meters are process-wide, so every app with OpenTelemetry on records every app's telemetry: the
/// tests that read it run in <see cref="TelemetryCollection"/>, alone, and pick their spans by the trace they started.
/// </summary>
public sealed class TelemetryRecorder
{
    public Recorded<Activity> Spans { get; } = new();
    public Recorded<MetricSnapshot> Metrics { get; } = new();
    public Recorded<LogEvent> Logs { get; } = new();

    /// <summary>OpenTelemetry on, as an OTEL_* variable turns it on; its OTLP exporters aim at a port where nothing listens.</summary>
    public void Apply(IWebHostBuilder builder, string serviceName = "pim-tests")
    {
        builder.UseSetting("OTEL_SERVICE_NAME", serviceName);
        builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9");
        // Request logs (Information) reach the sink, and HttpClient's (Information, as in production, where the default level
        // is Information); everything else stays at the tests' Warning.
        builder.UseSetting("Serilog:MinimumLevel:Override:Pim.Api.Http.RequestLog", "Information");
        builder.UseSetting("Serilog:MinimumLevel:Override:System.Net.Http.HttpClient", "Information");
        builder.ConfigureServices(services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
            services.AddSingleton<ILogEventSink>(new Sink(Logs));
        });
    }

    private sealed class Sink(Recorded<LogEvent> logs) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => logs.Add(logEvent);
    }

    /// <summary>The metrics as they stand now (cumulative since the app started).</summary>
    public IReadOnlyList<MetricSnapshot> Collect(IServiceProvider services)
    {
        Metrics.Clear();
        services.GetRequiredService<MeterProvider>().ForceFlush();
        return Metrics.ToList();
    }

    /// <summary>A counter's sum, a histogram's count or a gauge's value, over the points whose attributes include <paramref name="tags"/>.</summary>
    public static double Count(IReadOnlyList<MetricSnapshot> metrics, string name, params (string Key, object Value)[] tags) =>
        Points(metrics, name, tags).Sum(p => p.Type switch
        {
            MetricType.LongSum or MetricType.LongSumNonMonotonic => p.Point.GetSumLong(),
            MetricType.DoubleSum => p.Point.GetSumDouble(),
            MetricType.Histogram => p.Point.GetHistogramCount(),
            MetricType.LongGauge => p.Point.GetGaugeLastValueLong(),
            _ => throw new InvalidOperationException($"{name} is a {p.Type}"),
        });

    /// <summary>A histogram's sum over the points whose attributes include <paramref name="tags"/>.</summary>
    public static double Sum(IReadOnlyList<MetricSnapshot> metrics, string name, params (string Key, object Value)[] tags) =>
        Points(metrics, name, tags).Sum(p => p.Point.GetHistogramSum());

    private static IEnumerable<(MetricType Type, MetricPoint Point)> Points(IReadOnlyList<MetricSnapshot> metrics, string name, (string Key, object Value)[] tags)
    {
        foreach (var metric in metrics.Where(m => m.Name == name))
            foreach (var point in metric.MetricPoints)
            {
                var attributes = new Dictionary<string, object?>();
                foreach (var tag in point.Tags) attributes[tag.Key] = tag.Value;
                if (tags.All(t => Equals(attributes.GetValueOrDefault(t.Key), t.Value))) yield return (metric.MetricType, point);
            }
    }
}

/// <summary>A list that exporters on other threads may add to while a test reads it.</summary>
public sealed class Recorded<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public int Count
    {
        get { lock (_items) return _items.Count; }
    }

    public bool IsReadOnly => false;

    public void Add(T item)
    {
        lock (_items) _items.Add(item);
    }

    public void Clear()
    {
        lock (_items) _items.Clear();
    }

    public bool Contains(T item)
    {
        lock (_items) return _items.Contains(item);
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_items) _items.CopyTo(array, arrayIndex);
    }

    public bool Remove(T item)
    {
        lock (_items) return _items.Remove(item);
    }

    public IEnumerator<T> GetEnumerator()
    {
        List<T> copy;
        lock (_items) copy = [.. _items];
        return copy.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

public sealed class TelemetrySqliteApp : SqliteApp
{
    public TelemetryRecorder Telemetry { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Telemetry.Apply(builder);
    }
}

public sealed class TelemetryPostgresApp : PostgresApp
{
    public TelemetryRecorder Telemetry { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Telemetry.Apply(builder);
    }
}

/// <summary>The tests that read telemetry: run alone (after the parallel collections), so that they see only their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetrySqliteApp>, ICollectionFixture<TelemetryPostgresApp>
{
    public const string Name = "telemetry";
}
