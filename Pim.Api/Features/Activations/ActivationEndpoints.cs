using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Features.Activations;

/// <summary>"My roles", and activation requests: request (one or a batch), read, list, extend, cancel, deactivate, revoke, acknowledge.</summary>
public static class ActivationEndpoints
{
    public static void MapActivations(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/me/roles", MyRoles).WithTags("My roles").WithName("ListMyRoles")
            .WithSummary("The caller's eligible and active roles: status, access valid until, and what activating requires.");

        var group = tenant.MapGroup("/activation-requests").WithTags("Activation requests");
        group.MapPost("", Request).WithName("RequestActivation")
            .WithSummary("Activate an eligible role for the caller, under the role's settings.").Validate<ActivationRequestBody>();
        group.MapPost("/batch", RequestBatch).WithName("RequestActivationBatch")
            .WithSummary($"Activate several eligible roles (or all: true) with one justification, ticket and duration; at most {ActivationService.MaximumBatch}. Each item answers its own status.")
            .Validate<BatchActivationRequest>();
        group.MapGet("", List).WithName("ListActivationRequests")
            .WithSummary("The caller's requests; every request for security administrators and auditors.");
        group.MapGet("/{requestId:id}", Get).WithName("GetActivationRequest")
            .WithSummary($"Read one activation request; with waitFor (and timeout, at most PT5M), wait until it is that status or its status changes (long-poll); the waits of a caller, of a tenant and in all are bounded (Pim:LongPolls).")
            .Validate<ActivationWaitQuery>();
        group.MapPost("/{requestId:id}/cancel", Cancel).WithName("CancelActivationRequest")
            .WithSummary("Withdraw a request that is pending approval or scheduled (requester).");
        group.MapPost("/{requestId:id}/deactivate", Deactivate).WithName("DeactivateActivationRequest")
            .WithSummary("End an active activation now (requester or PIM administrator).");
        group.MapPost("/{requestId:id}/extend", Extend).WithName("ExtendActivationRequest")
            .WithSummary("Lengthen an active activation (requester), up to the role's maximum in all; with approval required the extension waits for an approver.")
            .Validate<ExtendRequest>();
        group.MapPost("/{requestId:id}/revoke", Revoke).WithName("RevokeActivationRequest")
            .WithSummary("End someone's open request (active, scheduled or waiting) now, with a reason (PIM administrators of the role at its scope).")
            .Validate<RevokeRequest>();
        group.MapPost("/{requestId:id}/acknowledge", Acknowledge).WithName("AcknowledgeBreakGlass")
            .WithSummary("Acknowledge a break-glass activation, closing its follow-up (an active Privileged Role or Security Administrator, not its requester).")
            .Validate<AcknowledgeRequest>();
    }

    public static async Task<Created<ActivationRequestResponse>> Request(ActivationRequestBody body, CurrentCaller caller, ActivationService activations,
        CancellationToken ct)
    {
        var request = await PimTelemetry.ActivationAsync(activations.RequestAsync(caller, body.ToAsk(), ct));
        return TypedResults.Created($"/v1/tenants/{caller.Value.TenantId}/activation-requests/{request.Request.Id}", ActivationRequestResponse.From(request));
    }

    public static async Task<Ok<BatchActivationResponse>> RequestBatch(BatchActivationRequest body, CurrentCaller caller, ActivationService activations,
        CancellationToken ct)
    {
        var items = await PimTelemetry.ActivationsAsync(activations.RequestBatchAsync(caller, body.RoleIds?.Select(r => r.Text).ToList(), body.All, body.ToCommonAsk(), ct));
        return TypedResults.Ok(new BatchActivationResponse(items.Select(i => i.Problem is { } p
            ? new BatchItemResponse(i.RoleId, i.Scope, Problems.StatusOf(p.Code), null, new BatchProblem(p.Code, Problems.TitleOf(p.Code), p.Message))
            : new BatchItemResponse(i.RoleId, i.Scope, StatusCodes.Status201Created, ActivationRequestResponse.From(i.Request!), null)).ToList()));
    }

    public static async Task<Ok<PageResponse<ActivationRequestResponse>>> List([AsParameters] ActivationListQuery query, CurrentCaller caller,
        ActivationService activations, CancellationToken ct) =>
        TypedResults.Ok((await activations.ListAsync(caller, query.ToFilter(), ct)).ToResponse(ActivationRequestResponse.From));

    public static async Task<Ok<ActivationRequestResponse>> Get(string requestId, [AsParameters] ActivationWaitQuery wait, CurrentCaller caller,
        ActivationService activations, LongPolls polls, HttpContext http, CancellationToken ct)
    {
        if (wait.ToStatus() is not { } waitFor) return TypedResults.Ok(ActivationRequestResponse.From(await activations.GetAsync(caller, requestId, ct)));
        using var waiting = polls.Enter(caller, http);
        return TypedResults.Ok(ActivationRequestResponse.From(await activations.WaitAsync(caller, requestId, waitFor, wait.ToTimeout(), polls.Stopping, ct)));
    }

    public static async Task<Ok<ActivationRequestResponse>> Extend(string requestId, ExtendRequest body, CurrentCaller caller,
        ActivationLifecycleService lifecycle, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await lifecycle.ExtendAsync(caller, requestId, body.Duration.ToTimeSpan(), body.Justification?.Text, ct)));

    public static async Task<Ok<ActivationRequestResponse>> Cancel(string requestId, CurrentCaller caller, ActivationLifecycleService lifecycle,
        CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await lifecycle.CancelAsync(caller, requestId, ct)));

    public static async Task<Ok<ActivationRequestResponse>> Deactivate(string requestId, CurrentCaller caller, ActivationLifecycleService lifecycle,
        CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await lifecycle.DeactivateAsync(caller, requestId, ct)));

    public static async Task<Ok<ActivationRequestResponse>> Revoke(string requestId, RevokeRequest body, CurrentCaller caller,
        ActivationLifecycleService lifecycle, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await lifecycle.RevokeAsync(caller, requestId, body.Reason.Text, ct)));

    public static async Task<Ok<ActivationRequestResponse>> Acknowledge(string requestId, AcknowledgeRequest body, CurrentCaller caller,
        ActivationLifecycleService lifecycle, CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(await lifecycle.AcknowledgeAsync(caller, requestId, body.Justification.Text, ct)));

    public static async Task<Ok<MyRolesResponse>> MyRoles(CurrentCaller caller, ActivationService activations, CancellationToken ct) =>
        TypedResults.Ok(new MyRolesResponse((await activations.MyRolesAsync(caller, ct)).Select(r => MyRoleResponse.From(r, caller)).ToList()));
}
