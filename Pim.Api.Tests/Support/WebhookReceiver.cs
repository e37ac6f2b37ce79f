using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pim.Api.Tests.Support;

/// <summary>A real HTTP receiver on loopback that records what Pim POSTs, and answers as the test says.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    /// <param name="Target">The path and query it was posted to.</param>
    public sealed record Delivery(string Id, string Timestamp, string Signature, string ContentType, string Body, string Target = "/hook");

    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();
    public int Status { get; set; } = 200;
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Run when a delivery arrives, before it is answered: what happens while Pim waits for the answer.</summary>
    public Func<Task>? OnArrival { get; set; }
    public string Url { get; private set; } = "";

    /// <summary>Scheme, host and port: it answers a POST to any path under it (<see cref="Url"/> is one).</summary>
    public string Root { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**target}", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            if (receiver.OnArrival is { } arrival) await arrival();
            if (receiver.Delay > TimeSpan.Zero) await Task.Delay(receiver.Delay);
            receiver.Deliveries.Enqueue(new Delivery(http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), http.Request.ContentType ?? "", body, http.Request.Path + http.Request.QueryString));
            http.Response.StatusCode = receiver.Status;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Root = address;
        receiver.Url = address + "/hook";
        return receiver;
    }

    /// <summary>Standard Webhooks verification, written from the spec: HMAC-SHA256 over "id.timestamp.body" with the
    /// base64 key after "whsec_", compared with each "v1,&lt;base64&gt;" signature.</summary>
    public static bool Verify(string secret, Delivery delivery)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key,
            System.Text.Encoding.UTF8.GetBytes($"{delivery.Id}.{delivery.Timestamp}.{delivery.Body}")));
        return delivery.Signature.Split(' ').Any(s => s == "v1," + expected);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
