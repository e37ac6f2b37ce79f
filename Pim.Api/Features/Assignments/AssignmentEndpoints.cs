using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Infrastructure;
using Pim.Domain;

namespace Pim.Api.Features.Assignments;

public sealed record RoleAssignmentRequest(string PrincipalId, string RoleId, string Type, string? Scope = null,
    DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null, string? Justification = null);

public sealed record RoleAssignmentResponse(string Id, string PrincipalId, string RoleId, string Scope, string Type,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string? Justification, DateTimeOffset CreatedAt, string CreatedBy)
{
    public static RoleAssignmentResponse From(RoleAssignment a) => new(a.Id, a.PrincipalId, a.RoleId, a.Scope, AssignmentTypes.ToText(a.Type),
        a.StartsAt, a.EndsAt, a.Justification, a.CreatedAt, a.CreatedBy);
}

public sealed record AssignmentUseResponse(string ClientId, string ClientKind, bool NonInteractive, DateTimeOffset FirstUsedAt, DateTimeOffset LastUsedAt, long Uses)
{
    public static AssignmentUseResponse From(AssignmentUse u) => new(u.ClientId, u.ClientKind, u.NonInteractive, u.FirstUsedAt, u.LastUsedAt, u.Uses);
}

public sealed record AssignmentUsageResponse(string AssignmentId, IReadOnlyList<AssignmentUseResponse> Items);

/// <summary>The assignment after (or, in a dry run, as it would be after) "make eligible", and what it breaks.</summary>
public sealed record MakeEligibleResponse(string Id, string PrincipalId, string RoleId, string Scope, string Type, DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt, bool DryRun, IReadOnlyList<AssignmentUseResponse> RecentNonInteractiveUse, IReadOnlyList<string> Warnings);

public sealed class RoleAssignmentRequestValidator : AbstractValidator<RoleAssignmentRequest>
{
    public RoleAssignmentRequestValidator()
    {
        RuleFor(r => r.PrincipalId).NotEmpty().MustBeId();
        RuleFor(r => r.RoleId).NotEmpty().MustBeRole();
        RuleFor(r => r.Type).NotEmpty().Must(t => AssignmentTypes.Parse(t) is not null).WithMessage("'type' must be eligible or active.");
        RuleFor(r => r.Scope).MustBeScope();
        RuleFor(r => r.StartsAt).MustBeInstant();
        RuleFor(r => r.EndsAt).MustBeInstant();
        RuleFor(r => r.EndsAt).GreaterThan(r => r.StartsAt).When(r => r.StartsAt is not null && r.EndsAt is not null)
            .WithMessage("'endsAt' must be after 'startsAt'.");
        RuleFor(r => r.Justification).MaximumLength(Rules.MaxJustification);
    }
}

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

    public static async Task<Ok<PageResponse<RoleAssignmentResponse>>> List(string tenantId, string? principalId, string? roleId, string? type,
        int? pageSize, string? pageToken, Callers callers, AssignmentService assignments, CancellationToken ct)
    {
        AssignmentType? parsedType = type is null ? null : AssignmentTypes.Parse(type)
            ?? throw Errors.InvalidField("type", "type must be eligible or active.");
        var filter = new AssignmentFilter(principalId, roleId, parsedType, PageTokens.Decode(pageToken), PageTokens.Size(pageSize));
        var page = await assignments.ListAsync(await callers.ResolveAsync(tenantId, ct), filter, ct);
        return TypedResults.Ok(page.Map(RoleAssignmentResponse.From));
    }

    public static async Task<Created<RoleAssignmentResponse>> Create(string tenantId, RoleAssignmentRequest body, Callers callers,
        AssignmentService assignments, CancellationToken ct)
    {
        var request = new NewAssignment(body.PrincipalId, body.RoleId, body.Scope ?? Scopes.Root, AssignmentTypes.Parse(body.Type)!.Value,
            Clock.Normalize(body.StartsAt), Clock.Normalize(body.EndsAt), body.Justification);
        var assignment = await assignments.CreateAsync(await callers.ResolveAsync(tenantId, ct), request, ct);
        return TypedResults.Created($"/v1/tenants/{tenantId}/role-assignments/{assignment.Id}", RoleAssignmentResponse.From(assignment));
    }

    public static async Task<Ok<RoleAssignmentResponse>> Get(string tenantId, string assignmentId, Callers callers, AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok(RoleAssignmentResponse.From(await assignments.GetAsync(await callers.ResolveAsync(tenantId, ct), assignmentId, ct)));

    public static async Task<NoContent> Remove(string tenantId, string assignmentId, Callers callers, AssignmentService assignments, CancellationToken ct)
    {
        await assignments.RemoveAsync(await callers.ResolveAsync(tenantId, ct), assignmentId, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<MakeEligibleResponse>> MakeEligible(string tenantId, string assignmentId, bool? dryRun, Callers callers,
        AssignmentService assignments, CancellationToken ct)
    {
        var outcome = await assignments.MakeEligibleAsync(await callers.ResolveAsync(tenantId, ct), assignmentId, dryRun ?? false, ct);
        var a = outcome.Assignment;
        return TypedResults.Ok(new MakeEligibleResponse(a.Id, a.PrincipalId, a.RoleId, a.Scope, AssignmentTypes.ToText(a.Type), a.StartsAt, a.EndsAt,
            outcome.DryRun, outcome.RecentNonInteractiveUse.Select(AssignmentUseResponse.From).ToList(), outcome.Warnings));
    }

    public static async Task<Ok<AssignmentUsageResponse>> Usage(string tenantId, string assignmentId, Callers callers, AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok(new AssignmentUsageResponse(assignmentId,
            (await assignments.UsageAsync(await callers.ResolveAsync(tenantId, ct), assignmentId, ct)).Select(AssignmentUseResponse.From).ToList()));

    public static async Task<Ok<RoleAssignmentResponse>> MakeActive(string tenantId, string assignmentId, Callers callers, AssignmentService assignments, CancellationToken ct) =>
        TypedResults.Ok(RoleAssignmentResponse.From(await assignments.MakeActiveAsync(await callers.ResolveAsync(tenantId, ct), assignmentId, ct)));
}
