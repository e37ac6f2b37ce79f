namespace Pim.Domain;

/// <summary>What a decision made in chat came to: whether it decided anything, and what to tell the person who clicked.</summary>
public sealed record ChatOutcome(bool Decided, string Message);

/// <summary>
/// Deciding a request from chat (issue 29). A chat account decides as a principal only through a verified link: the
/// workspace is the one the request's tenant connected, and the email chat vouches for (Slack's users.info) is the email
/// of exactly one enabled user of that tenant. The decision then runs the approval use case as the API does — rights
/// re-checked now, no self-approval, quorum, approver MFA (which chat never has) — as that principal, and its audit
/// events name the chat, the team and the user. Anything refused changes nothing and is told why.
/// </summary>
public sealed class ChatApprovalService(ISlackConnections connections, IPrincipals principals, ApprovalService approvals)
{
    public async Task<ChatOutcome> DecideAsync(ChatIdentity chat, string? email, string tenantId, string requestId, bool approve, string? reason,
        RequestOrigin origin, CancellationToken ct)
    {
        if (await connections.FindAsync(tenantId, ct) is not { } connection || connection.TeamId != chat.TeamId)
            return new(false, "This Slack workspace is not connected to the PIM tenant of this request: nothing was decided.");
        if (!PrincipalValues.IsEmail(email))
            return new(false, "Your Slack profile shows no email address, so PIM cannot tell who you are: nothing was decided.");
        var filter = new DirectoryFilter.Compare(DirectoryAttribute.Email, FilterOperator.Equal, email);
        var found = await principals.ListAsync(tenantId, new PrincipalQuery(Kinds: [PrincipalKind.User], Filter: filter, Limit: 2), ct);
        if (found is not [{ Enabled: true } principal])
            return new(false, $"No one person of this PIM tenant has your Slack email ({email}): nothing was decided.");
        var caller = new Caller(tenantId, principal.Id,
            new TokenFacts($"{chat.Channel}:{chat.TeamId}:{chat.UserId}", tenantId, new HashSet<string>(), Mfa: false, AuthTime: null),
            origin with { Chat = chat });
        try
        {
            var decided = approve
                ? await approvals.ApproveAsync(caller, requestId, reason ?? "Approved in Slack.", ct)
                : await approvals.DenyAsync(caller, requestId, reason, ct);
            var status = decided.Request.Status;
            return new(true, approve
                ? status == ActivationStatus.PendingApproval || decided.Request.Extension is not null
                    ? $"Your approval of request {requestId} was recorded; it waits for more."
                    : $"You approved request {requestId}."
                : $"You denied request {requestId}.");
        }
        catch (PimException e)
        {
            return new(false, $"Nothing was decided: {e.Message}");
        }
    }
}
