using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pim.Api.Tests.Support;

/// <summary>
/// Slack's Web API on loopback, for the methods Pim calls (chat.postMessage, chat.update, views.open, users.info,
/// users.lookupByEmail, conversations.open) with the request and response shapes of Slack's documentation: a bearer bot
/// token, JSON or form bodies, <c>{"ok":true,…}</c> or <c>{"ok":false,"error":…}</c>, and 429 with Retry-After when a
/// test says. Each bot token is a workspace of its own (one per test), so tests share one server; response_url posts
/// (ephemeral answers) land under /respond/.
/// </summary>
public sealed class FakeSlack
{
    public const string SigningSecret = "test-signing-secret-0123456789abcdef";

    private static readonly Lazy<FakeSlack> Instance = new(() => StartAsync().GetAwaiter().GetResult());
    public static FakeSlack Shared => Instance.Value;

    public string Root { get; private set; } = "";
    private readonly ConcurrentDictionary<string, Workspace> _workspaces = new();
    public ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> Responses { get; } = new();

    public sealed record Call(string Method, JsonObject Body);

    public sealed class Workspace(string teamId)
    {
        public string TeamId { get; } = teamId;
        public ConcurrentDictionary<string, string> Emails { get; } = new();
        public ConcurrentQueue<Call> Calls { get; } = new();
        private int _ts;
        public string NextTs() => $"1700000000.{Interlocked.Increment(ref _ts):D6}";
        /// <summary>How many of the next calls are answered 429 with Retry-After: <see cref="RetryAfterSeconds"/>.</summary>
        public int RateLimitNext;
        public int RetryAfterSeconds = 30;
        public IEnumerable<JsonObject> Of(string method) => Calls.Where(c => c.Method == method).Select(c => c.Body);
    }

    public Workspace Connect(string token, string teamId) => _workspaces.GetOrAdd(token, _ => new Workspace(teamId));

    public IReadOnlyList<JsonObject> ResponsesTo(string key) => Responses.TryGetValue(key, out var q) ? [.. q] : [];

    private static async Task<FakeSlack> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var slack = new FakeSlack();
        app.MapPost("/respond/{key}", async (string key, HttpContext http) =>
        {
            var body = JsonNode.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync())!.AsObject();
            slack.Responses.GetOrAdd(key, _ => new()).Enqueue(body);
            return Results.Ok();
        });
        app.MapPost("/api/{method}", async (string method, HttpContext http) =>
        {
            var token = http.Request.Headers.Authorization.ToString().Replace("Bearer ", "");
            JsonObject body;
            if (http.Request.HasFormContentType)
            {
                body = [];
                foreach (var (k, v) in await http.Request.ReadFormAsync()) body[k] = v.ToString();
            }
            else body = JsonNode.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync())!.AsObject();
            if (!slack._workspaces.TryGetValue(token, out var ws)) return Results.Json(new { ok = false, error = "invalid_auth" });
            if (Interlocked.Decrement(ref ws.RateLimitNext) >= 0)
            {
                http.Response.Headers.RetryAfter = ws.RetryAfterSeconds.ToString();
                return Results.StatusCode(429);
            }
            Interlocked.Exchange(ref ws.RateLimitNext, 0);
            ws.Calls.Enqueue(new Call(method, body));
            switch (method)
            {
                case "chat.postMessage":
                    var channel = body["channel"]!.GetValue<string>();
                    return Results.Json(new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ws.NextTs(), ["message"] = new JsonObject { ["text"] = body["text"]?.DeepClone() } });
                case "chat.update":
                    return Results.Json(new JsonObject { ["ok"] = true, ["channel"] = body["channel"]!.DeepClone(), ["ts"] = body["ts"]!.DeepClone(), ["text"] = body["text"]?.DeepClone() });
                case "views.open":
                    return Results.Json(new JsonObject { ["ok"] = true, ["view"] = new JsonObject { ["id"] = "V" + ws.NextTs().Replace(".", "") } });
                case "users.info":
                    var user = body["user"]!.GetValue<string>();
                    return ws.Emails.TryGetValue(user, out var email)
                        ? Results.Json(new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = user, ["team_id"] = ws.TeamId, ["profile"] = new JsonObject { ["email"] = email } } })
                        : Results.Json(new { ok = false, error = "user_not_found" });
                case "users.lookupByEmail":
                    var wanted = body["email"]!.GetValue<string>();
                    var found = ws.Emails.FirstOrDefault(e => string.Equals(e.Value, wanted, StringComparison.OrdinalIgnoreCase)).Key;
                    return found is null ? Results.Json(new { ok = false, error = "users_not_found" })
                        : Results.Json(new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = found, ["team_id"] = ws.TeamId } });
                case "conversations.open":
                    return Results.Json(new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + body["users"]!.GetValue<string>() } });
                default:
                    return Results.Json(new { ok = false, error = "unknown_method" });
            }
        });
        await app.StartAsync();
        slack.Root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return slack;
    }
}
