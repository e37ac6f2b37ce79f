using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Integrations;

/// <summary>The tenant's Slack workspace (issue 29): connected, read (without its token) and disconnected by a PIM administrator.</summary>
public static class SlackEndpoints
{
    public static void MapIntegrations(this RouteGroupBuilder tenant)
    {
        var slack = tenant.MapGroup("/integrations/slack").WithTags("Integrations");
        slack.MapPut("", Connect).WithName("ConnectSlack")
            .WithSummary("Connect the tenant's Slack workspace, or replace the connection (PIM administrators); the bot token is stored encrypted and never answered.")
            .Validate<SlackConnectionRequest>();
        slack.MapGet("", Get).WithName("GetSlackConnection").WithSummary("The tenant's Slack connection, without its bot token (PIM administrators).");
        slack.MapDelete("", Disconnect).WithName("DisconnectSlack")
            .WithSummary("Disconnect Slack: nothing more is posted, and the workspace's buttons decide nothing (PIM administrators).");
    }

    public static async Task<Results<Created<SlackConnectionResponse>, Ok<SlackConnectionResponse>>> Connect(SlackConnectionRequest body,
        CurrentCaller caller, SlackIntegrationService slack, CancellationToken ct)
    {
        var (connection, created) = await slack.ConnectAsync(caller, body.TeamId.Text, body.BotToken.Text, body.Channel.Text,
            (body.Routes ?? []).Select(r => r.ToDomain()).ToList(), ct);
        var response = SlackConnectionResponse.From(connection);
        return created ? TypedResults.Created($"/v1/tenants/{connection.TenantId}/integrations/slack", response) : TypedResults.Ok(response);
    }

    public static async Task<Ok<SlackConnectionResponse>> Get(CurrentCaller caller, SlackIntegrationService slack, CancellationToken ct) =>
        TypedResults.Ok(SlackConnectionResponse.From(await slack.GetAsync(caller, ct)));

    public static async Task<NoContent> Disconnect(CurrentCaller caller, SlackIntegrationService slack, CancellationToken ct)
    {
        await slack.DisconnectAsync(caller, ct);
        return TypedResults.NoContent();
    }
}
