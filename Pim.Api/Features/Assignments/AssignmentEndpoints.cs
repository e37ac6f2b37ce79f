using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Assignments;

/// <summary>Eligible and active assignments, and "make eligible".</summary>
public static class AssignmentEndpoints
{
    public static void MapAssignments(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/role-assignments").WithTags("Role assignments");
        group.MapGet("", List).WithName("ListRoleAssignments").WithSummary("Role assignments, filtered by principal, role and type.");
        group.MapPost("", Create).WithName("CreateRoleAssignment")
            .WithSummary("Assign a role eligibly or actively (the operator may create active assignments at any time: directory sync).")
            .Validate<RoleAssignmentRequest>();
        group.MapGet("/{assignmentId:id}", Get).WithName("GetRoleAssignment").WithSummary("Read one role assignment.");
        group.MapDelete("/{assignmentId:id}", Remove).WithName("RemoveRoleAssignment")
            .WithSummary("Remove an assignment; activations made through an eligibility are revoked.");
        group.MapPost("/{assignmentId:id}/make-eligible", MakeEligible).WithName("MakeRoleAssignmentEligible")
            .WithSummary("Turn standing access into eligibility: the principal must activate to hold the role again. " +
                         "dryRun=true shows the impact without changing anything; warnings name scripts and services that relied on it in the last 30 days.");
        group.MapGet("/{assignmentId:id}/usage", Usage).WithName("GetRoleAssignmentUsage")
            .WithSummary("Which clients this assignment granted access to (access evaluation), and when last.");
        group.MapPost("/{assignmentId:id}/make-active", MakeActive).WithName("MakeRoleAssignmentActive")
            .WithSummary("Turn an eligibility into standing access.");
    }

    public static async Task<Ok<PageResponse<RoleAssignmentResponse>>> List([AsParameters] AssignmentListQuery query, CurrentCaller caller,
        AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok((await assignments.ListAsync(caller, query.ToFilter(), ct)).ToResponse(RoleAssignmentResponse.From));

    public static async Task<Created<RoleAssignmentResponse>> Create(RoleAssignmentRequest body, CurrentCaller caller, AssignmentService assignments,
        CancellationToken ct)
    {
        var assignment = await assignments.CreateAsync(caller, body.ToNewAssignment(), ct);
        return TypedResults.Created($"/v1/tenants/{assignment.TenantId}/role-assignments/{assignment.Id}", RoleAssignmentResponse.From(assignment));
    }

    public static async Task<Ok<RoleAssignmentResponse>> Get(string assignmentId, CurrentCaller caller, AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok(RoleAssignmentResponse.From(await assignments.GetAsync(caller, assignmentId, ct)));

    public static async Task<NoContent> Remove(string assignmentId, CurrentCaller caller, AssignmentService assignments, CancellationToken ct)
    {
        await assignments.RemoveAsync(caller, assignmentId, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<MakeEligibleResponse>> MakeEligible(string assignmentId, bool? dryRun, CurrentCaller caller, AssignmentService assignments,
        CancellationToken ct) =>
        TypedResults.Ok(MakeEligibleResponse.From(await assignments.MakeEligibleAsync(caller, assignmentId, dryRun ?? false, ct)));

    public static async Task<Ok<AssignmentUsageResponse>> Usage(string assignmentId, CurrentCaller caller, AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok(new AssignmentUsageResponse(assignmentId, (await assignments.UsageAsync(caller, assignmentId, ct)).Select(AssignmentUseResponse.From).ToList()));

    public static async Task<Ok<RoleAssignmentResponse>> MakeActive(string assignmentId, CurrentCaller caller, AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok(RoleAssignmentResponse.From(await assignments.MakeActiveAsync(caller, assignmentId, ct)));
}
