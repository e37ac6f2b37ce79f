using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Delivers the outbox's Slack notices: posts a request's approval message to the channel its connection routes it to
/// (and keeps where it went), updates every copy, or tells the requester the outcome in a direct message. The message
/// is composed now, from the request as it is; a tenant disconnected meanwhile, or a request gone, makes it nothing to do.
/// </summary>
public sealed class SlackDelivery(SlackClient slack, ISecretProtector secrets, TimeProvider time)
{
    public async Task DeliverAsync(IServiceProvider services, ClaimedMessage message, CancellationToken ct)
    {
        var notice = JsonSerializer.Deserialize<ChatNotice>(message.Payload, JsonSerializerOptions.Web)!;
        var connections = services.GetRequiredService<SlackConnectionRepository>();
        if (await connections.FindTokenAsync(notice.TenantId, ct) is not { } sealedToken
            || await connections.FindAsync(notice.TenantId, ct) is not { } connection) return;
        var token = secrets.Unprotect(sealedToken);
        if (await services.GetRequiredService<IActivationRequests>().FindAsync(notice.TenantId, notice.RequestId, ct) is not { } request) return;
        var view = await ViewAsync(services, request, ct);
        var messages = services.GetRequiredService<SlackMessageRepository>();
        switch (notice.Kind)
        {
            case ChatNotice.Post:
                var (text, blocks) = SlackMessages.Approval(view);
                var copy = await slack.PostMessageAsync(token, connection.ChannelFor(request.RoleId, request.Scope), text, blocks, ct);
                await messages.AddCopyAsync(request.TenantId, request.Id, copy, time.Now(), ct);
                break;
            case ChatNotice.Update:
                var (updated, updatedBlocks) = SlackMessages.Approval(view);
                foreach (var each in await messages.ListCopiesAsync(request.TenantId, request.Id, ct))
                    await slack.UpdateMessageAsync(token, each, updated, updatedBlocks, ct);
                break;
            case ChatNotice.DirectMessage:
                if (notice.Email is null || await slack.UserByEmailAsync(token, notice.Email, ct) is not { } user) return;
                var dm = await slack.OpenConversationAsync(token, user, ct);
                await slack.PostMessageAsync(token, dm, SlackMessages.Outcome(view), null, ct);
                break;
            default:
                throw new PermanentDeliveryException($"Unknown Slack notice '{notice.Kind}'.");
        }
    }

    private async Task<SlackApprovalView> ViewAsync(IServiceProvider services, ActivationRequest request, CancellationToken ct)
    {
        var principals = services.GetRequiredService<IPrincipals>();
        var role = await services.GetRequiredService<ICustomRoles>().RoleNameAsync(request.TenantId, request.RoleId, ct);
        var requester = await principals.FindAsync(request.TenantId, request.PrincipalId, ct);
        var decider = request.Decision is { } d ? await principals.FindAsync(request.TenantId, d.DecidedBy, ct) : null;
        var policy = (await services.GetRequiredService<RoleSettingsService>().PolicyAtAsync(request.TenantId, request.RoleId, request.Scope, ct)).Settings;
        var links = services.GetService<ConsoleLinks>() ?? ConsoleLinks.None;
        return new SlackApprovalView(request, PrincipalValues.OneLine(role), PrincipalValues.OneLine(requester?.DisplayName ?? request.PrincipalId),
            request.Decision is { } decision ? PrincipalValues.OneLine(decider?.DisplayName ?? decision.DecidedBy) : null,
            policy.ChatButtonsAllowed, links.Approval(request.TenantId, request.Id), time.Now());
    }
}
