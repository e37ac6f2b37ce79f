using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Telemetry;

/// <summary>When OpenTelemetry is on, what it is told by the standard OTEL_* settings, and that a collector that is down
/// or does not answer costs no request anything.</summary>
public sealed class TelemetrySetupTests
{
    /// <summary>Pim on SQLite with the given settings (OTEL_* ones among them).</summary>
    private sealed class ConfiguredApp(params (string Key, string Value)[] settings) : SqliteApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }

    [Fact]
    public async Task OpenTelemetry_is_off_without_any_OTEL_setting_or_with_OTEL_SDK_DISABLED()
    {
        foreach (var settings in new[] { Array.Empty<(string, string)>(), [("OTEL_SERVICE_NAME", "pim"), ("OTEL_SDK_DISABLED", "true")] })
        {
            await using var app = new ConfiguredApp(settings);
            await app.Anonymous().GetAsync("/health/live");
            Assert.Null(app.Services.GetService<TracerProvider>());
            Assert.Null(app.Services.GetService<MeterProvider>());
        }
    }

    [Fact]
    public async Task The_service_is_named_pim_unless_OTEL_SERVICE_NAME_says_otherwise()
    {
        foreach (var (settings, expected) in new[]
                 {
                     (new[] { ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9") }, "pim"),
                     ([("OTEL_SERVICE_NAME", "pim-eu-west"), ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging")], "pim-eu-west"),
                 })
        {
            await using var app = new ConfiguredApp(settings);
            await app.Anonymous().GetAsync("/health/live");
            var resource = app.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
            Assert.Equal(expected, resource["service.name"]);
            Assert.Equal(Pim.Infrastructure.PimTelemetry.Version, resource["service.version"]);
            if (expected != "pim") Assert.Equal("staging", resource["deployment.environment.name"]);
            Assert.Equal(expected, app.Services.GetRequiredService<MeterProvider>().GetResource().Attributes.Single(a => a.Key == "service.name").Value);
        }
    }

    /// <summary>An exporter Pim does not have is refused at start: <c>StartupTests.Pim_refuses_to_start_with_an_OpenTelemetry_exporter_it_has_not</c>.</summary>
    [Fact]
    public async Task A_signal_is_turned_off_with_its_exporter_none()
    {
        await using var app = new ConfiguredApp(("OTEL_SERVICE_NAME", "pim"), ("OTEL_METRICS_EXPORTER", "none"));
        await app.Anonymous().GetAsync("/health/live");
        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    /// <summary>A collector that accepts connections and never answers, or one that is not there at all.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = [];
        private readonly CancellationTokenSource _stop = new();

        public Collector(bool answersNothing)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            if (!answersNothing)
            {
                _listener.Stop(); // down: connections are refused
                return;
            }
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                        lock (_held) _held.Add(client); // read nothing, answer nothing
                    }
                    catch (Exception) { return; }
                }
            });
        }

        public int Port { get; }

        public int Connections
        {
            get { lock (_held) return _held.Count; }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_held) foreach (var client in _held) client.Dispose();
        }
    }

    [Theory]
    [InlineData("down", "grpc")]
    [InlineData("silent", "http/protobuf")]
    public async Task A_collector_that_is_down_or_does_not_answer_costs_no_request_anything(string collector, string protocol)
    {
        using var otlp = new Collector(answersNothing: collector == "silent");
        var app = new ConfiguredApp(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{otlp.Port}"), ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "120000"), ("OTEL_BSP_SCHEDULE_DELAY", "20"), ("OTEL_METRIC_EXPORT_INTERVAL", "50"));
        try
        {
            var s = await Scenario.OnboardAsync(app);
            await s.MakeBobEligibleAsync();
            await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
            var slowest = TimeSpan.Zero;
            for (var i = 0; i < 100; i++)
            {
                var clock = Stopwatch.StartNew();
                Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            }
            // Exporting waits up to 120 s for an answer that never comes: on a background thread, not in any request.
            Assert.True(slowest < TimeSpan.FromSeconds(15), $"the slowest evaluation took {slowest}");
            if (collector == "silent") Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(otlp.Connections > 0)));
        }
        finally
        {
            otlp.Dispose(); // connections reset: the exporters give up at once, so the app stops quickly
            await app.DisposeAsync();
        }
    }
}
