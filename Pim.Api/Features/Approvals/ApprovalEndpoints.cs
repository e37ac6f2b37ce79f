using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Features.Activations;
using Pim.Api.Http;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Features.Approvals;

/// <summary>What waits for the caller's decision, and approving or denying it (a request, or an extension of one).</summary>
public static class ApprovalEndpoints
{
    public static void MapApprovals(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/approvals", Approvals).WithTags("Approvals").WithName("ListApprovals")
            .WithSummary("Activation requests (and extensions) waiting for the caller's decision, oldest first, paged over every waiting request.");
        var group = tenant.MapGroup("/activation-requests").WithTags("Activation requests");
        group.MapPost("/{requestId:id}/approve", Approve).WithName("ApproveActivationRequest")
            .WithSummary("Approve a pending request (approvers; never one's own).").Validate<DecisionRequest>();
        group.MapPost("/{requestId:id}/deny", Deny).WithName("DenyActivationRequest")
            .WithSummary("Deny a pending request (approvers; never one's own).").Validate<DecisionRequest>();
    }

    public static async Task<Ok<PageResponse<ActivationRequestResponse>>> Approvals([AsParameters] PageQuery page, CurrentCaller caller,
        ApprovalService approvals, CancellationToken ct) =>
        TypedResults.Ok((await approvals.PendingApprovalsAsync(caller, page.After, page.Size, ct)).ToResponse(ActivationRequestResponse.From));

    public static async Task<Ok<ActivationRequestResponse>> Approve(string requestId, DecisionRequest body, CurrentCaller caller, ApprovalService approvals,
        CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(PimTelemetry.Decided(await approvals.ApproveAsync(caller, requestId, body.Justification.Text, ct), approved: true)));

    public static async Task<Ok<ActivationRequestResponse>> Deny(string requestId, DecisionRequest body, CurrentCaller caller, ApprovalService approvals,
        CancellationToken ct) =>
        TypedResults.Ok(ActivationRequestResponse.From(PimTelemetry.Decided(await approvals.DenyAsync(caller, requestId, body.Justification.Text, ct), approved: false)));
}
