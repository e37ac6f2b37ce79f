using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Features.Roles;
using Pim.Api.Infrastructure;
using Pim.Domain;

namespace Pim.Api.Features.Activations;

public sealed record TicketDto(string Number, string? System = null);

public sealed record ActivationRequestBody(string RoleId, string? Scope = null, string? Duration = null, string? Justification = null,
    TicketDto? Ticket = null, DateTimeOffset? StartsAt = null);

public sealed record DecisionRequest(string Justification);

public sealed record DecisionResponse(string Decision, string DecidedBy, DateTimeOffset DecidedAt, string? Justification);

public sealed record ExtensionResponse(string Duration, string? Justification, DateTimeOffset RequestedAt, DateTimeOffset Deadline);

public sealed record ExtendRequest(string Duration, string? Justification = null);

public sealed record BatchActivationRequest(IReadOnlyList<string>? RoleIds = null, bool All = false, string? Scope = null, string? Duration = null,
    string? Justification = null, TicketDto? Ticket = null);

/// <summary>One item of a batch: <c>status</c> is the HTTP status this item would have had on its own.</summary>
public sealed record BatchItemResponse(string RoleId, string Scope, int Status, ActivationRequestResponse? Request, BatchProblem? Problem);

public sealed record BatchProblem(string Code, string Title, string Detail);

public sealed record BatchActivationResponse(IReadOnlyList<BatchItemResponse> Items);

public sealed record ActivationRequestResponse(string Id, string PrincipalId, string RoleId, string Scope, string AssignmentId, string Status,
    string Duration, string? Justification, TicketDto? Ticket, DateTimeOffset RequestedAt, DateTimeOffset StartsAt, DateTimeOffset? EndsAt,
    DateTimeOffset? ApprovalDeadline, DecisionResponse? Decision, ExtensionResponse? Extension)
{
    /// <summary>The status is the status now: time alone may have moved it past the recorded one.</summary>
    public static ActivationRequestResponse From(ActivationRequest r, DateTimeOffset now) => new(r.Id, r.PrincipalId, r.RoleId, r.Scope,
        r.AssignmentId, ActivationRequest.Wire(r.StatusAt(now)), IsoDuration.Format(r.Duration), r.Justification,
        r.Ticket is null ? null : new TicketDto(r.Ticket.Number, r.Ticket.System), r.RequestedAt, r.StartsAt, r.EndsAt, r.ApprovalDeadline,
        r.Decision is null ? null : new DecisionResponse(r.Decision.Approved ? "approved" : "denied", r.Decision.DecidedBy, r.Decision.DecidedAt,
            r.Decision.Justification),
        r.Extension is { } e && r.HasPendingExtensionAt(now) ? new ExtensionResponse(IsoDuration.Format(e.Duration), e.Justification, e.RequestedAt, e.Deadline) : null);
}

public sealed record MyRoleResponse(string RoleId, string RoleDisplayName, string Scope, string AssignmentId, string AssignmentType,
    string? ViaGroupId, string Status, DateTimeOffset? ValidUntil, string? ActivationRequestId, ActivationSettingsDto Requirements);

public sealed record MyRolesResponse(IReadOnlyList<MyRoleResponse> Items);

public sealed class ActivationRequestValidator : AbstractValidator<ActivationRequestBody>
{
    public ActivationRequestValidator()
    {
        RuleFor(r => r.RoleId).NotEmpty().MustBeRole();
        RuleFor(r => r.Scope).MustBeScope();
        RuleFor(r => r.Duration).MustBeDuration();
        RuleFor(r => r.StartsAt).MustBeInstant();
        RuleFor(r => r.Justification).MaximumLength(Rules.MaxJustification);
        RuleFor(r => r.Ticket!.Number).NotEmpty().MaximumLength(Rules.MaxTicketNumber).When(r => r.Ticket is not null);
        RuleFor(r => r.Ticket!.System).MaximumLength(Rules.MaxTicketSystem).When(r => r.Ticket is not null);
    }
}

public sealed class ExtendRequestValidator : AbstractValidator<ExtendRequest>
{
    public ExtendRequestValidator()
    {
        RuleFor(r => r.Duration).NotEmpty().MustBeDuration();
        RuleFor(r => r.Justification).MaximumLength(Rules.MaxJustification);
    }
}

public sealed class BatchActivationRequestValidator : AbstractValidator<BatchActivationRequest>
{
    public BatchActivationRequestValidator()
    {
        RuleFor(r => r.RoleIds).NotEmpty().When(r => !r.All).WithMessage("Name roleIds, or ask for all: true.");
        RuleFor(r => r.RoleIds).Null().When(r => r.All).WithMessage("Name roleIds or ask for all: true, not both.");
        RuleFor(r => r.RoleIds).Must(r => r is null || r.Count <= ActivationService.MaximumBatch)
            .WithMessage($"A batch activates at most {ActivationService.MaximumBatch} roles.");
        RuleForEach(r => r.RoleIds).NotEmpty().MustBeRole();
        RuleFor(r => r.Scope).MustBeScope();
        RuleFor(r => r.Duration).MustBeDuration();
        RuleFor(r => r.Justification).MaximumLength(Rules.MaxJustification);
        RuleFor(r => r.Ticket!.Number).NotEmpty().MaximumLength(Rules.MaxTicketNumber).When(r => r.Ticket is not null);
        RuleFor(r => r.Ticket!.System).MaximumLength(Rules.MaxTicketSystem).When(r => r.Ticket is not null);
    }
}

public sealed class DecisionRequestValidator : AbstractValidator<DecisionRequest>
{
    public DecisionRequestValidator() => RuleFor(r => r.Justification).NotEmpty().MaximumLength(Rules.MaxJustification);
}

/// <summary>"My roles", activation requests, and approvals.</summary>
public static class ActivationEndpoints
{
    public static void MapActivations(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/me/roles", MyRoles).WithTags("My roles").WithName("ListMyRoles")
            .WithSummary("The caller's eligible and active roles: status, access valid until, and what activating requires.");
        tenant.MapGet("/approvals", Approvals).WithTags("Approvals").WithName("ListApprovals")
            .WithSummary("Activation requests (and extensions) waiting for the caller's decision, oldest first, paged over every waiting request.");

        var group = tenant.MapGroup("/activation-requests").WithTags("Activation requests");
        group.MapPost("", Request).WithName("RequestActivation")
            .WithSummary("Activate an eligible role for the caller, under the role's settings.").Validate<ActivationRequestBody>();
        group.MapPost("/batch", RequestBatch).WithName("RequestActivationBatch")
            .WithSummary($"Activate several eligible roles (or all: true) with one justification, ticket and duration; at most {ActivationService.MaximumBatch}. Each item answers its own status.")
            .Validate<BatchActivationRequest>();
        group.MapGet("", List).WithName("ListActivationRequests")
            .WithSummary("The caller's requests; every request for security administrators and auditors.");
        group.MapGet("/{requestId:id}", Get).WithName("GetActivationRequest").WithSummary("Read one activation request.");
        group.MapPost("/{requestId:id}/cancel", Cancel).WithName("CancelActivationRequest")
            .WithSummary("Withdraw a request that is pending approval or scheduled (requester).");
        group.MapPost("/{requestId:id}/deactivate", Deactivate).WithName("DeactivateActivationRequest")
            .WithSummary("End an active activation now (requester or PIM administrator).");
        group.MapPost("/{requestId:id}/extend", Extend).WithName("ExtendActivationRequest")
            .WithSummary("Lengthen an active activation (requester), up to the role's maximum in all; with approval required the extension waits for an approver.")
            .Validate<ExtendRequest>();
        group.MapPost("/{requestId:id}/approve", Approve).WithName("ApproveActivationRequest")
            .WithSummary("Approve a pending request (approvers; never one's own).").Validate<DecisionRequest>();
        group.MapPost("/{requestId:id}/deny", Deny).WithName("DenyActivationRequest")
            .WithSummary("Deny a pending request (approvers; never one's own).").Validate<DecisionRequest>();
    }

    public static async Task<Created<ActivationRequestResponse>> Request(string tenantId, ActivationRequestBody body, Callers callers,
        ActivationService activations, TimeProvider time, CancellationToken ct)
    {
        var ask = new ActivationAsk(body.RoleId, body.Scope, body.Duration is null ? null : IsoDuration.Parse(body.Duration), body.Justification,
            body.Ticket is null ? null : new Ticket(body.Ticket.Number, body.Ticket.System), Clock.Normalize(body.StartsAt));
        var request = await activations.RequestAsync(await callers.ResolveAsync(tenantId, ct), ask, ct);
        return TypedResults.Created($"/v1/tenants/{tenantId}/activation-requests/{request.Id}", ActivationRequestResponse.From(request, time.Now()));
    }

    public static async Task<Ok<BatchActivationResponse>> RequestBatch(string tenantId, BatchActivationRequest body, Callers callers,
        ActivationService activations, TimeProvider time, CancellationToken ct)
    {
        var common = new ActivationAsk("", body.Scope, body.Duration is null ? null : IsoDuration.Parse(body.Duration), body.Justification,
            body.Ticket is null ? null : new Ticket(body.Ticket.Number, body.Ticket.System), null);
        var items = await activations.RequestBatchAsync(await callers.ResolveAsync(tenantId, ct), body.RoleIds, body.All, common, ct);
        var now = time.Now();
        return TypedResults.Ok(new BatchActivationResponse(items.Select(i => i.Problem is { } p
            ? new BatchItemResponse(i.RoleId, i.Scope, Problems.StatusOf(p.Code), null, new BatchProblem(p.Code, Problems.TitleOf(p.Code), p.Message))
            : new BatchItemResponse(i.RoleId, i.Scope, StatusCodes.Status201Created, ActivationRequestResponse.From(i.Request!, now), null)).ToList()));
    }

    public static async Task<Ok<ActivationRequestResponse>> Extend(string tenantId, string requestId, ExtendRequest body, Callers callers,
        ActivationService activations, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await activations.ExtendAsync(await callers.ResolveAsync(tenantId, ct), requestId,
            IsoDuration.Parse(body.Duration), body.Justification, ct), time.Now()));

    public static async Task<Ok<PageResponse<ActivationRequestResponse>>> List(string tenantId, string? status, string? roleId, string? principalId,
        int? pageSize, string? pageToken, Callers callers, ActivationService activations, TimeProvider time, CancellationToken ct)
    {
        ActivationStatus? parsed = status is null ? null
            : ActivationRequest.ParseWire(status)
              ?? throw Errors.InvalidField("status",
                  $"status must be one of: {string.Join(", ", Enum.GetValues<ActivationStatus>().Select(ActivationRequest.Wire))}.", "Unknown status.");
        var filter = new ActivationFilter(principalId, roleId, parsed, PageTokens.Decode(pageToken), PageTokens.Size(pageSize));
        var page = await activations.ListAsync(await callers.ResolveAsync(tenantId, ct), filter, ct);
        var now = time.Now();
        return TypedResults.Ok(page.Map(r => ActivationRequestResponse.From(r, now)));
    }

    public static async Task<Ok<ActivationRequestResponse>> Get(string tenantId, string requestId, Callers callers, ActivationService activations,
        TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await activations.GetAsync(await callers.ResolveAsync(tenantId, ct), requestId, ct), time.Now()));

    public static async Task<Ok<ActivationRequestResponse>> Cancel(string tenantId, string requestId, Callers callers, ActivationService activations,
        TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await activations.CancelAsync(await callers.ResolveAsync(tenantId, ct), requestId, ct), time.Now()));

    public static async Task<Ok<ActivationRequestResponse>> Deactivate(string tenantId, string requestId, Callers callers, ActivationService activations,
        TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await activations.DeactivateAsync(await callers.ResolveAsync(tenantId, ct), requestId, ct), time.Now()));

    public static async Task<Ok<ActivationRequestResponse>> Approve(string tenantId, string requestId, DecisionRequest body, Callers callers,
        ActivationService activations, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(
            await activations.ApproveAsync(await callers.ResolveAsync(tenantId, ct), requestId, body.Justification, ct), time.Now()));

    public static async Task<Ok<ActivationRequestResponse>> Deny(string tenantId, string requestId, DecisionRequest body, Callers callers,
        ActivationService activations, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(
            await activations.DenyAsync(await callers.ResolveAsync(tenantId, ct), requestId, body.Justification, ct), time.Now()));

    public static async Task<Ok<PageResponse<ActivationRequestResponse>>> Approvals(string tenantId, int? pageSize, string? pageToken, Callers callers,
        ActivationService activations, TimeProvider time, CancellationToken ct)
    {
        var page = await activations.PendingApprovalsAsync(await callers.ResolveAsync(tenantId, ct), PageTokens.Decode(pageToken), PageTokens.Size(pageSize), ct);
        var now = time.Now();
        return TypedResults.Ok(page.Map(r => ActivationRequestResponse.From(r, now)));
    }

    public static async Task<Ok<MyRolesResponse>> MyRoles(string tenantId, Callers callers, ActivationService activations, CancellationToken ct)
    {
        var caller = await callers.ResolveAsync(tenantId, ct);
        var roles = await activations.MyRolesAsync(caller, ct);
        return TypedResults.Ok(new MyRolesResponse(roles.Select(r => new MyRoleResponse(
            r.Assignment.RoleId, RoleCatalog.Get(r.Assignment.RoleId).DisplayName, r.Assignment.Scope, r.Assignment.Id,
            AssignmentTypes.ToText(r.Assignment.Type), r.Assignment.PrincipalId == caller.PrincipalId ? null : r.Assignment.PrincipalId,
            r.Status, r.ValidUntil, r.Request?.Id, ActivationSettingsDto.From(r.Requirements))).ToList()));
    }
}
