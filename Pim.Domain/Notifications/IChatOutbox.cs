namespace Pim.Domain;

/// <summary>
/// Something to tell chat about a request, written in the transaction of the change: post its approval message (a
/// stage begins, an escalation), update every copy of it (anything changed), or tell its requester the outcome
/// (<see cref="Email"/>: whom). What the message says is composed when it is delivered, from the request as it then is,
/// so that a message delivered late never shows a stale state.
/// </summary>
public sealed record ChatNotice(string Kind, string TenantId, string RequestId, string RoleId, string Scope, string? Email = null)
{
    public const string Post = "post";
    public const string Update = "update";
    public const string DirectMessage = "dm";
}

/// <summary>The outbox of chat notices (Slack): a tenant that has connected no workspace gets none.</summary>
public interface IChatOutbox
{
    Task EnqueueAsync(ChatNotice notice, CancellationToken ct);
}
