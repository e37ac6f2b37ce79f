using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pim.Infrastructure;

/// <summary>Slack answered 429: the method may be called again after <see cref="RetryAfter"/>.</summary>
public sealed class SlackRateLimitedException(TimeSpan retryAfter, string method)
    : HttpRequestException($"Slack rate-limited {method}: retry after {retryAfter.TotalSeconds:0} s.", null, HttpStatusCode.TooManyRequests)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The Slack Web API methods Pim calls (<c>Pim:Slack:ApiBaseUrl</c>), with the tenant's bot token. Slack answers 200 with
/// <c>{"ok":false,"error":"…"}</c> when a call fails: errors that another attempt may cure (rate limits, Slack's own
/// failures) are thrown as transient (the outbox tries again later), the others (a revoked token, a channel the bot is not
/// in, a missing scope) as permanent (the message fails, and shows why). A 429 carries Retry-After, which is honoured.
/// </summary>
public sealed class SlackClient(IHttpClientFactory clients, SlackOptions options)
{
    public const string HttpClientName = "pim-slack";

    private static readonly HashSet<string> Transient = ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"];

    /// <summary>Posts a message; answers where it went (channel id and ts), what chat.update needs.</summary>
    public async Task<SlackCopy> PostMessageAsync(string token, string channel, string text, JsonArray? blocks, CancellationToken ct)
    {
        var answer = await CallAsync(token, "chat.postMessage", new JsonObject { ["channel"] = channel, ["text"] = text, ["blocks"] = blocks }, ct);
        return new SlackCopy(answer["channel"]!.GetValue<string>(), answer["ts"]!.GetValue<string>());
    }

    public Task UpdateMessageAsync(string token, SlackCopy copy, string text, JsonArray? blocks, CancellationToken ct) =>
        CallAsync(token, "chat.update", new JsonObject { ["channel"] = copy.Channel, ["ts"] = copy.Ts, ["text"] = text, ["blocks"] = blocks ?? [] }, ct);

    public Task OpenViewAsync(string token, string triggerId, JsonObject view, CancellationToken ct) =>
        CallAsync(token, "views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, ct);

    /// <summary>The direct message conversation with a user (conversations.open).</summary>
    public async Task<string> OpenConversationAsync(string token, string userId, CancellationToken ct) =>
        (await CallAsync(token, "conversations.open", new JsonObject { ["users"] = userId }, ct))["channel"]!["id"]!.GetValue<string>();

    /// <summary>A user's email (users.info; the bot needs users:read.email), or null when the profile shows none.</summary>
    public async Task<string?> UserEmailAsync(string token, string userId, CancellationToken ct) =>
        (await CallFormAsync(token, "users.info", [new("user", userId)], ct))["user"]?["profile"]?["email"]?.GetValue<string>();

    /// <summary>The user of an email in the workspace (users.lookupByEmail), or null when none has it.</summary>
    public async Task<string?> UserByEmailAsync(string token, string email, CancellationToken ct)
    {
        try
        {
            return (await CallFormAsync(token, "users.lookupByEmail", [new("email", email)], ct))["user"]?["id"]?.GetValue<string>();
        }
        catch (PermanentDeliveryException e) when (e.Message.Contains("users_not_found", StringComparison.Ordinal))
        {
            return null;
        }
    }

    private async Task<JsonNode> CallAsync(string token, string method, JsonObject body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ApiBase, method))
        {
            Content = JsonContent.Create(body, options: JsonSerializerOptions.Web),
        };
        return await SendAsync(token, method, request, ct);
    }

    private async Task<JsonNode> CallFormAsync(string token, string method, KeyValuePair<string, string>[] form, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ApiBase, method)) { Content = new FormUrlEncodedContent(form) };
        return await SendAsync(token, method, request, ct);
    }

    private async Task<JsonNode> SendAsync(string token, string method, HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
            throw new SlackRateLimitedException(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(30), method);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Slack answered {(int)response.StatusCode} to {method}.", null, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) ?? throw new HttpRequestException($"Slack answered {method} with nothing.");
        if (answer["ok"]?.GetValue<bool>() == true) return answer;
        var error = answer["error"]?.GetValue<string>() ?? "unknown_error";
        if (Transient.Contains(error)) throw new HttpRequestException($"Slack failed {method}: {error}.");
        throw new PermanentDeliveryException($"Slack refused {method}: {error}.");
    }
}
