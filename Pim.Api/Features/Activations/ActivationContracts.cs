using Pim.Api.Features.Settings;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Activations;

/// <summary>The ticket an activation is made under.</summary>
public sealed record TicketDto(TicketNumber Number, TicketSystem? System = null)
{
    public Ticket ToDomain() => new(Number.Text, System?.Text);

    public static TicketDto Of(Ticket ticket) => new(TicketNumber.Of(ticket.Number), ticket.System is { } system ? TicketSystem.Of(system) : null);
}

/// <summary><c>breakGlass</c>: the emergency path — active at once without approval or ticket, where the role's settings allow it (justification required).</summary>
public sealed record ActivationRequestBody(RoleId RoleId, Scope? Scope = null, Duration? Duration = null, Justification? Justification = null,
    TicketDto? Ticket = null, DateTimeOffset? StartsAt = null, bool? BreakGlass = null)
{
    public ActivationAsk ToAsk() => new(RoleId.Text, Scope?.Text, Duration?.ToTimeSpan(), Justification?.Text,
        Ticket?.ToDomain(), Clock.Normalize(StartsAt), BreakGlass ?? false);
}

/// <summary>A Privileged Role or Security Administrator acknowledges a break-glass activation.</summary>
public sealed record AcknowledgeRequest(Justification Justification);

/// <summary>A PIM administrator ends someone's activation, saying why.</summary>
public sealed record RevokeRequest(Justification Reason);

public sealed record ExtendRequest(Duration Duration, Justification? Justification = null);

public sealed record BatchActivationRequest([MaxItems(ActivationService.MaximumBatch), Wire<RoleId>] IReadOnlyList<RoleId>? RoleIds = null,
    bool All = false, Scope? Scope = null, Duration? Duration = null,
    Justification? Justification = null, TicketDto? Ticket = null)
{
    /// <summary>What every item of the batch asks for (each item then names its role and scope).</summary>
    public ActivationAsk ToCommonAsk() => new("", Scope?.Text, Duration?.ToTimeSpan(), Justification?.Text,
        Ticket?.ToDomain(), null);
}

/// <summary>One item of a batch: <c>status</c> is the HTTP status this item would have had on its own.</summary>
public sealed record BatchItemResponse([Wire<RoleId>] string RoleId, [Wire<Scope>] string Scope, [Between(201, 599)] int Status,
    ActivationRequestResponse? Request, BatchProblem? Problem);

public sealed record BatchProblem([Wire<Bounds.ProblemCode>] string Code, [Text(128)] string Title, [Text(Problems.MaxDetail)] string Detail);

public sealed record BatchActivationResponse([MaxItems(ActivationService.MaximumBatch)] IReadOnlyList<BatchItemResponse> Items);

public static class ApprovalDecisions
{
    public const string Approved = "approved";
    public const string Denied = "denied";
}

public sealed record DecisionResponse([Wire<Vocabulary.ApprovalDecision>] string Decision, [Wire<Bounds.Subject>] string DecidedBy,
    DateTimeOffset DecidedAt, Justification? Justification);

public sealed record ExtensionResponse([Wire<Duration>] string Duration, Justification? Justification, DateTimeOffset RequestedAt,
    DateTimeOffset Deadline, ApprovalResponse? Approval);

/// <summary>One approver's answer in a stage.</summary>
public sealed record StageDecisionResponse([Wire<PrincipalId>] string ApproverId, [Wire<Vocabulary.ApprovalDecision>] string Decision,
    Justification? Justification, DateTimeOffset DecidedAt);

/// <summary>
/// One stage of a request's approval as it was when the request was made: its approvers (empty: the active Privileged
/// Role and Security Administrators), how many must approve, and, while it waits, its deadline and escalation.
/// </summary>
public sealed record ApprovalStageResponse([Wire<Vocabulary.StageStatus>] string Status, [Between(1, ApprovalStage.MaximumRequired)] int Required,
    [MaxItems(RoleSettings.MaximumApprovers), Wire<PrincipalId>] IReadOnlyList<string> Approvers,
    [MaxItems(RoleSettings.MaximumApprovers), Wire<PrincipalId>] IReadOnlyList<string> EscalateTo,
    DateTimeOffset? Deadline, DateTimeOffset? EscalatesAt, bool Escalated,
    [MaxItems(ApprovalStage.MaximumRequired)] IReadOnlyList<StageDecisionResponse> Decisions);

/// <summary>
/// A request's approval: the stage waiting (null once none waits), every stage with its decisions, and the
/// auto-approval rule that let the request skip them, if one did.
/// </summary>
public sealed record ApprovalResponse([Between(0, ApprovalStage.MaximumStages - 1)] int? CurrentStage, [Wire<Bounds.RuleName>] string? AutoApprovedBy,
    [MaxItems(ApprovalStage.MaximumStages)] IReadOnlyList<ApprovalStageResponse> Stages)
{
    /// <param name="closedAs">How the current stage ended when the request (or extension) stopped waiting without passing it.</param>
    public static ApprovalResponse From(ApprovalProgress p, DateTimeOffset now, bool waiting, string? closedAs) => new(
        waiting ? p.CurrentStage : null, null,
        p.Stages.Select((stage, i) => new ApprovalStageResponse(p.StatusOf(i, waiting || p.IsComplete ? null : closedAs), stage.Required, stage.Approvers,
            stage.EscalateTo, waiting && i == p.CurrentStage ? p.Deadline : null, waiting && i == p.CurrentStage ? p.EscalatesAt : null,
            waiting && i == p.CurrentStage && p.EscalatesAt <= now,
            p.Decisions.Where(d => d.Stage == i).Select(d => new StageDecisionResponse(d.ApproverId,
                d.Approved ? ApprovalDecisions.Approved : ApprovalDecisions.Denied, WireValues.OrNull<Justification>(d.Justification), d.DecidedAt)).ToList())).ToList());

    public static ApprovalResponse? Of(ActivationSnapshot snapshot)
    {
        var r = snapshot.Request;
        if (r.AutoApprovedBy is { } rule) return new ApprovalResponse(null, rule, []);
        if (r.Approval is not { } approval) return null;
        var status = snapshot.Status;
        var closedAs = status switch
        {
            ActivationStatus.Denied => StageStatus.Denied,
            ActivationStatus.TimedOut => StageStatus.TimedOut,
            _ => StageStatus.Canceled,
        };
        return From(approval, snapshot.At, status == ActivationStatus.PendingApproval, closedAs);
    }
}

/// <summary>What a break-glass activation owes: an administrator's acknowledgement by <c>dueAt</c>.</summary>
public sealed record FollowUpResponse([Wire<Vocabulary.FollowUpStatus>] string Status, DateTimeOffset DueAt,
    [Wire<PrincipalId>] string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, Justification? Justification)
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";

    public static FollowUpResponse? From(BreakGlassFollowUp? f) =>
        f is null ? null : new(f.IsOpen ? Open : Acknowledged, f.DueAt, f.AcknowledgedBy, f.AcknowledgedAt, WireValues.OrNull<Justification>(f.Justification));
}

/// <summary>
/// A role whose policy a grant of a group's role was held to: the group (<c>groupId</c>: the group itself, or one it is
/// nested in) holds <c>roleId</c> at <c>scope</c>, so its membership (or ownership) confers it.
/// </summary>
public sealed record GoverningRoleResponse([Wire<RoleId>] string RoleId, [Wire<Scope>] string Scope, [Wire<PrincipalId>] string GroupId)
{
    public static IReadOnlyList<GoverningRoleResponse> From(IReadOnlyList<GoverningRole> governing) =>
        governing.Select(g => new GoverningRoleResponse(g.RoleId, g.Scope, g.GroupId)).ToList();
}

/// <summary>
/// An activation request. <c>governedBy</c> lists the roles whose policy it was held to besides its own role's (empty
/// but for a group's roles: membership and ownership are held to the strictest policy of every role the group confers).
/// </summary>
public sealed record ActivationRequestResponse([Wire<Bounds.EntityId>] string Id, [Wire<PrincipalId>] string PrincipalId,
    [Wire<RoleId>] string RoleId, [Wire<Scope>] string Scope, [Wire<Bounds.EntityId>] string AssignmentId,
    [Wire<Vocabulary.ActivationStatus>] string Status,
    [Wire<Duration>] string Duration, Justification? Justification, TicketDto? Ticket, DateTimeOffset RequestedAt, DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    DateTimeOffset? ApprovalDeadline, DecisionResponse? Decision, ExtensionResponse? Extension, ApprovalResponse? Approval, bool BreakGlass,
    FollowUpResponse? FollowUp, [MaxItems(RoleAssignment.MaximumHeldByPrincipal)] IReadOnlyList<GoverningRoleResponse> GovernedBy)
{
    /// <summary>The status is the status at the snapshot's instant: time alone may have moved it past the recorded one.</summary>
    public static ActivationRequestResponse From(ActivationSnapshot snapshot)
    {
        var r = snapshot.Request;
        var waiting = snapshot.Status == ActivationStatus.PendingApproval;
        return new(r.Id, r.PrincipalId, r.RoleId, r.Scope, r.AssignmentId, ActivationRequest.Wire(snapshot.Status), IsoDuration.Format(r.Duration),
            WireValues.OrNull<Justification>(r.Justification), r.Ticket is null ? null : TicketDto.Of(r.Ticket), r.RequestedAt, r.StartsAt, r.EndsAt,
            r.ApprovalDeadline,
            r.Decision is null ? null : new DecisionResponse(r.Decision.Approved ? ApprovalDecisions.Approved : ApprovalDecisions.Denied, r.Decision.DecidedBy, r.Decision.DecidedAt,
                WireValues.OrNull<Justification>(r.Decision.Justification)),
            snapshot.PendingExtension is { } e
                ? new ExtensionResponse(IsoDuration.Format(e.Duration), WireValues.OrNull<Justification>(e.Justification), e.RequestedAt, e.Deadline,
                    e.Approval is null ? null : ApprovalResponse.From(e.Approval, snapshot.At, waiting: true, null))
                : null,
            ApprovalResponse.Of(snapshot), r.BreakGlass, FollowUpResponse.From(r.FollowUp), GoverningRoleResponse.From(r.GovernedBy));
    }
}

/// <summary>
/// A read that waits (<c>GET …/activation-requests/{id}?waitFor=active&amp;timeout=PT5M</c>): until the request is
/// <c>waitFor</c>, or its status changes, or <c>timeout</c> (default PT30S, at most PT5M) passes.
/// </summary>
public sealed record ActivationWaitQuery([Wire<Vocabulary.ActivationStatus>] string? WaitFor, [Wire<Duration>] string? Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public ActivationStatus? ToStatus() => WaitFor is null ? null : ActivationRequest.ParseWire(WaitFor);

    public TimeSpan ToTimeout() => Timeout is null ? DefaultTimeout : IsoDuration.Parse(Timeout);
}

/// <summary>The filters and paging of <c>GET …/activation-requests</c>.</summary>
public sealed record ActivationListQuery([Wire<Vocabulary.ActivationStatus>] string? Status, [Wire<RoleId>] string? RoleId,
    [Wire<PrincipalId>] string? PrincipalId, [Between(1, Paging.MaximumPageSize)] int? PageSize, [Wire<Bounds.PageTokenSent>] string? PageToken)
{
    public ActivationFilter ToFilter() =>
        new(PrincipalId, RoleId, Status is null ? null : ActivationRequest.ParseWire(Status), Http.PageTokens.Decode(PageToken), Http.PageTokens.Size(PageSize));
}

/// <summary>
/// A role of "my roles": <c>requirements</c> is what activating it asks now — for a group's role, the strictest policy of
/// every role the group confers, which <c>governedBy</c> lists (empty for a role held to its own settings alone).
/// </summary>
public sealed record MyRoleResponse([Wire<RoleId>] string RoleId, [Wire<DisplayName>] string RoleDisplayName, [Wire<Scope>] string Scope,
    [Wire<Bounds.EntityId>] string AssignmentId, [Wire<Vocabulary.AssignmentType>] string AssignmentType,
    [Wire<PrincipalId>] string? ViaGroupId, [Wire<Vocabulary.MyRoleStatus>] string Status, DateTimeOffset? ValidUntil,
    [Wire<Bounds.EntityId>] string? ActivationRequestId, ActivationSettingsDto Requirements,
    [MaxItems(RoleAssignment.MaximumHeldByPrincipal)] IReadOnlyList<GoverningRoleResponse> GovernedBy)
{
    public static MyRoleResponse From(MyRole r, Caller caller) => new(r.Assignment.RoleId, r.RoleDisplayName,
        r.Assignment.Scope, r.Assignment.Id, AssignmentTypes.ToText(r.Assignment.Type),
        r.Assignment.PrincipalId == caller.PrincipalId ? null : r.Assignment.PrincipalId, r.Status, r.ValidUntil, r.Request?.Id,
        ActivationSettingsDto.From(r.Assignment.RoleId, r.Requirements), GoverningRoleResponse.From(r.GovernedBy));
}

public sealed record MyRolesResponse([MaxItems(RoleAssignment.MaximumHeldByPrincipal)] IReadOnlyList<MyRoleResponse> Items);
