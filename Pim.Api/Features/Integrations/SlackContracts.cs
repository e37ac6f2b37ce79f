using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Integrations;

/// <summary>A route: requests of <c>roleId</c> (any when left out) at <c>scope</c> (any when left out; a subscription's takes its resource groups) go to <c>channel</c>.</summary>
public sealed record SlackRouteDto(SlackChannelId Channel, RoleId? RoleId = null, Scope? Scope = null)
{
    public static SlackRouteDto From(SlackRoute r) => new(SlackChannelId.Of(r.Channel), r.RoleId is { } role ? Http.Values.RoleId.Of(role) : null,
        r.Scope is { } scope ? Http.Values.Scope.Of(scope) : null);

    public SlackRoute ToDomain() => new(RoleId?.Text, Scope?.Text, Channel.Text);
}

/// <summary>Connects the tenant's Slack workspace: its team, the app's bot token (never answered), the default channel and the routes.</summary>
public sealed record SlackConnectionRequest(SlackTeamId TeamId, SlackBotToken BotToken, SlackChannelId Channel,
    [MaxItems(SlackConnection.MaximumRoutes)] IReadOnlyList<SlackRouteDto>? Routes = null);

/// <summary>The tenant's Slack connection, without its bot token.</summary>
public sealed record SlackConnectionResponse(SlackTeamId TeamId, SlackChannelId Channel,
    [MaxItems(SlackConnection.MaximumRoutes)] IReadOnlyList<SlackRouteDto> Routes, DateTimeOffset CreatedAt, [Wire<Bounds.Subject>] string CreatedBy)
{
    public static SlackConnectionResponse From(SlackConnection c) => new(SlackTeamId.Of(c.TeamId), SlackChannelId.Of(c.Channel),
        c.Routes.Select(SlackRouteDto.From).ToList(), c.ConnectedAt, c.ConnectedBy);
}
