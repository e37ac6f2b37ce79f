using Pim.Api.Features.Settings;
using Pim.Domain;

namespace Pim.Api.Features.Activations;

public sealed record TicketDto(string Number, string? System = null);

public sealed record ActivationRequestBody(string RoleId, string? Scope = null, string? Duration = null, string? Justification = null,
    TicketDto? Ticket = null, DateTimeOffset? StartsAt = null)
{
    public ActivationAsk ToAsk() => new(RoleId, Scope, Duration is null ? null : IsoDuration.Parse(Duration), Justification,
        Ticket is null ? null : new Ticket(Ticket.Number, Ticket.System), Clock.Normalize(StartsAt));
}

public sealed record ExtendRequest(string Duration, string? Justification = null);

public sealed record BatchActivationRequest(IReadOnlyList<string>? RoleIds = null, bool All = false, string? Scope = null, string? Duration = null,
    string? Justification = null, TicketDto? Ticket = null)
{
    /// <summary>What every item of the batch asks for (each item then names its role and scope).</summary>
    public ActivationAsk ToCommonAsk() => new("", Scope, Duration is null ? null : IsoDuration.Parse(Duration), Justification,
        Ticket is null ? null : new Ticket(Ticket.Number, Ticket.System), null);
}

/// <summary>One item of a batch: <c>status</c> is the HTTP status this item would have had on its own.</summary>
public sealed record BatchItemResponse(string RoleId, string Scope, int Status, ActivationRequestResponse? Request, BatchProblem? Problem);

public sealed record BatchProblem(string Code, string Title, string Detail);

public sealed record BatchActivationResponse(IReadOnlyList<BatchItemResponse> Items);

public static class ApprovalDecisions
{
    public const string Approved = "approved";
    public const string Denied = "denied";
}

public sealed record DecisionResponse(string Decision, string DecidedBy, DateTimeOffset DecidedAt, string? Justification);

public sealed record ExtensionResponse(string Duration, string? Justification, DateTimeOffset RequestedAt, DateTimeOffset Deadline);

public sealed record ActivationRequestResponse(string Id, string PrincipalId, string RoleId, string Scope, string AssignmentId, string Status,
    string Duration, string? Justification, TicketDto? Ticket, DateTimeOffset RequestedAt, DateTimeOffset StartsAt, DateTimeOffset? EndsAt,
    DateTimeOffset? ApprovalDeadline, DecisionResponse? Decision, ExtensionResponse? Extension)
{
    /// <summary>The status is the status at the snapshot's instant: time alone may have moved it past the recorded one.</summary>
    public static ActivationRequestResponse From(ActivationSnapshot snapshot)
    {
        var r = snapshot.Request;
        return new(r.Id, r.PrincipalId, r.RoleId, r.Scope, r.AssignmentId, ActivationRequest.Wire(snapshot.Status), IsoDuration.Format(r.Duration),
            r.Justification, r.Ticket is null ? null : new TicketDto(r.Ticket.Number, r.Ticket.System), r.RequestedAt, r.StartsAt, r.EndsAt,
            r.ApprovalDeadline,
            r.Decision is null ? null : new DecisionResponse(r.Decision.Approved ? ApprovalDecisions.Approved : ApprovalDecisions.Denied, r.Decision.DecidedBy, r.Decision.DecidedAt,
                r.Decision.Justification),
            snapshot.PendingExtension is { } e ? new ExtensionResponse(IsoDuration.Format(e.Duration), e.Justification, e.RequestedAt, e.Deadline) : null);
    }
}

/// <summary>The filters and paging of <c>GET …/activation-requests</c>.</summary>
public sealed record ActivationListQuery(string? Status, string? RoleId, string? PrincipalId, int? PageSize, string? PageToken)
{
    public ActivationFilter ToFilter() =>
        new(PrincipalId, RoleId, Status is null ? null : ActivationRequest.ParseWire(Status), Http.PageTokens.Decode(PageToken), Http.PageTokens.Size(PageSize));
}

public sealed record MyRoleResponse(string RoleId, string RoleDisplayName, string Scope, string AssignmentId, string AssignmentType,
    string? ViaGroupId, string Status, DateTimeOffset? ValidUntil, string? ActivationRequestId, ActivationSettingsDto Requirements)
{
    public static MyRoleResponse From(MyRole r, Caller caller) => new(r.Assignment.RoleId, RoleCatalog.Get(r.Assignment.RoleId).DisplayName,
        r.Assignment.Scope, r.Assignment.Id, AssignmentTypes.ToText(r.Assignment.Type),
        r.Assignment.PrincipalId == caller.PrincipalId ? null : r.Assignment.PrincipalId, r.Status, r.ValidUntil, r.Request?.Id,
        ActivationSettingsDto.From(r.Requirements));
}

public sealed record MyRolesResponse(IReadOnlyList<MyRoleResponse> Items);
