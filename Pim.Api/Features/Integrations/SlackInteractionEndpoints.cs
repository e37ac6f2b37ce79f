using System.Text;
using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Features.Integrations;

/// <summary>The errors a refused modal submission shows, by input block: the deny modal's reason.</summary>
public sealed record SlackModalErrors([property: JsonPropertyName("pim_reason")] SlackModalText PimReason);

/// <summary>
/// The answer to an interaction: to a modal submission, <c>clear</c> (it closes) or <c>errors</c> (shown in it, nothing
/// decided); to a click, nothing (<c>{}</c>; its outcome goes to the response_url).
/// </summary>
public sealed record SlackInteractionAnswer([property: JsonPropertyName("response_action")] SlackResponseAction? ResponseAction = null,
    [property: JsonPropertyName("errors")] SlackModalErrors? Errors = null);

/// <summary>What Slack POSTs to the interactivity URL: <c>application/x-www-form-urlencoded</c> with one field, <c>payload</c>.</summary>
public sealed record SlackInteractionForm(SlackInteractionPayload Payload);

/// <summary>
/// Slack's interactions (issue 29) at <c>POST /integrations/slack/interactions</c>, the Slack app's interactivity URL.
/// Anonymous, and a trust boundary: an interaction is Slack's only when it is signed with the app's signing secret over
/// its timestamp (within five minutes of now) and its raw body, compared in constant time; a replay of one already
/// answered is refused on every replica. Approve decides at once; Deny opens a modal for the reason, whose submission
/// decides. The person who clicked is told the outcome, or why nothing changed, in an ephemeral message.
/// </summary>
public static class SlackInteractionEndpoints
{
    public const string Path = "/integrations/slack/interactions";

    public static void MapSlackInteractions(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, Interact).AllowAnonymous().WithMetadata(new EndpointMarkers.SlackSigned()).WithTags("Integrations").WithName("SlackInteraction")
            .WithSummary("Slack's interactions (Approve / Deny buttons, the deny modal), signed with the Slack app's signing secret (X-Slack-Signature, X-Slack-Request-Timestamp).")
            .Accepts<SlackInteractionForm>("application/x-www-form-urlencoded")
            // Slack reads the answer of a modal submission (response_action: clear, or errors shown in the modal); a click's answer is {}.
            .Produces<SlackInteractionAnswer>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);

    public static async Task<IResult> Interact(HttpContext http, SlackOptions options, SlackMessageRepository answered, SlackConnectionRepository connections,
        ISecretProtector secrets, SlackClient slack, ChatApprovalService chat, IHttpClientFactory clients, TimeProvider time, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        var timestamp = http.Request.Headers[SlackSignature.TimestampHeader].ToString();
        var signature = http.Request.Headers[SlackSignature.SignatureHeader].ToString();
        var now = time.GetUtcNow();
        if (SlackSignature.Refusal(options.SigningSecret, timestamp, signature, body, now, options.TimestampTolerance) is { } refusal)
            throw new PimException(ErrorCodes.SlackSignatureInvalid, refusal);
        // Signed and fresh: answered once. Its record lasts as long as its timestamp would be accepted.
        if (!await answered.RecordInteractionAsync(signature, now, DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp)) + options.TimestampTolerance, ct))
            throw new PimException(ErrorCodes.SlackInteractionReplayed, "This Slack interaction was answered already.");

        var payload = QueryHelpers.ParseQuery(body).TryGetValue("payload", out var field) && JsonNode.Parse(field.ToString()) is JsonObject p ? p : null;
        if (payload is null) throw new PimException(ErrorCodes.MalformedRequest, "A Slack interaction carries its payload in the form field 'payload'.");
        var team = payload["team"]?["id"]?.GetValue<string>() ?? payload["user"]?["team_id"]?.GetValue<string>() ?? "";
        var user = payload["user"]?["id"]?.GetValue<string>() ?? "";
        var identity = new ChatIdentity(ChatIdentity.Slack, team, user);
        var origin = new RequestOrigin(http.ClientAddress(), "Slack", System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);

        var kind = payload["type"]?.GetValue<string>();
        if (kind == "view_submission" && payload["view"]?["callback_id"]?.GetValue<string>() != SlackMessages.DenyModal) kind = null;
        switch (kind)
        {
            case "block_actions":
            {
                var action = payload["actions"]?[0];
                var actionId = action?["action_id"]?.GetValue<string>();
                var responseUrl = payload["response_url"]?.GetValue<string>();
                if (actionId is not (SlackMessages.ApproveAction or SlackMessages.DenyAction) || !TryTarget(action?["value"]?.GetValue<string>(), out var tenantId, out var requestId))
                    return Answer("{}");
                if (await TokenOfAsync(tenantId, team) is not { } token)
                {
                    await EphemeralAsync(responseUrl, "This Slack workspace is not connected to the PIM tenant of this request: nothing was decided.");
                    return Answer("{}");
                }
                if (actionId == SlackMessages.DenyAction)
                {
                    await slack.OpenViewAsync(token, payload["trigger_id"]?.GetValue<string>() ?? "", SlackMessages.DenyView(SlackMessages.ButtonValue(tenantId, requestId)), ct);
                    return Answer("{}");
                }
                var outcome = await DecideAsync(token, tenantId, requestId, approve: true, reason: null);
                await EphemeralAsync(responseUrl, outcome.Message);
                return Answer("{}");
            }
            case "view_submission":
            {
                var view = payload["view"]!;
                var reason = view["state"]?["values"]?[SlackMessages.ReasonBlock]?[SlackMessages.ReasonInput]?["value"]?.GetValue<string>();
                if (!TryTarget(view["private_metadata"]?.GetValue<string>(), out var tenantId, out var requestId)) return Answer("{\"response_action\":\"clear\"}");
                var token = await TokenOfAsync(tenantId, team);
                var outcome = string.IsNullOrWhiteSpace(reason) ? new ChatOutcome(false, "A denial needs a reason.")
                    : token is null ? new ChatOutcome(false, "This Slack workspace is not connected to the PIM tenant of this request: nothing was decided.")
                    : await DecideAsync(token, tenantId, requestId, approve: false, reason.Trim());
                // Refused: the modal stays open and says why (Slack shows errors under the input block); denied: it closes.
                return Answer(outcome.Decided
                    ? "{\"response_action\":\"clear\"}"
                    : new JsonObject { ["response_action"] = "errors", ["errors"] = new JsonObject { ["pim_reason"] = Cut(outcome.Message) } }.ToJsonString());
            }
            default:
                return Answer("{}");
        }

        async Task<string?> TokenOfAsync(string tenantId, string teamId) =>
            await connections.FindAsync(tenantId, ct) is { } c && c.TeamId == teamId && await connections.FindTokenAsync(tenantId, ct) is { } sealedToken
                ? secrets.Unprotect(sealedToken)
                : null;

        async Task<ChatOutcome> DecideAsync(string token, string tenantId, string requestId, bool approve, string? reason)
        {
            string? email;
            try { email = await slack.UserEmailAsync(token, user, ct); }
            catch (Exception e) when (e is HttpRequestException or PermanentDeliveryException)
            {
                return new(false, "PIM could not ask Slack who you are (users.info): nothing was decided.");
            }
            return await chat.DecideAsync(identity, email, tenantId, requestId, approve, reason, origin, ct);
        }

        // The ephemeral answer goes to the interaction's response_url, and only where Slack's hooks are: a payload never
        // makes Pim post elsewhere.
        async Task EphemeralAsync(string? responseUrl, string text)
        {
            if (responseUrl is null || !responseUrl.StartsWith(options.ResponseUrlPrefix, StringComparison.Ordinal)) return;
            var message = new JsonObject { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = text };
            try
            {
                using var content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await clients.CreateClient(SlackClient.HttpClientName).PostAsync(responseUrl, content, ct);
            }
            catch (HttpRequestException) { } // the decision stands; only its message was lost
        }
    }

    private static bool TryTarget(string? value, out string tenantId, out string requestId)
    {
        var parts = (value ?? "").Split('/');
        (tenantId, requestId) = parts is [var t, var r] && Rules.IsId(t) && Rules.IsId(r) ? (t, r) : ("", "");
        return tenantId.Length > 0;
    }

    private static string Cut(string text) => text.Length <= 150 ? text : text[..149] + "…";

    private static IResult Answer(string json) => Results.Content(json, "application/json", Encoding.UTF8);
}
