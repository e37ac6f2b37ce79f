using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Infrastructure;
using Pim.Domain;

namespace Pim.Api.Features.Access;

public sealed record EvaluationRequest(string PrincipalId, string RoleId, string? Scope = null);

public sealed record EvaluationResponse(string Decision, string PrincipalId, string RoleId, string Scope, DateTimeOffset? ValidUntil,
    string? AssignmentId, string? ActivationRequestId);

public sealed record ActiveRoleResponse(string RoleId, string Scope, DateTimeOffset? ValidUntil, string Source, string AssignmentId,
    string? ActivationRequestId, string? ViaGroupId)
{
    public static ActiveRoleResponse From(Grant g, string principalId) => new(g.RoleId, g.Scope, g.ValidUntil,
        g.ActivationRequestId is null ? "activeAssignment" : "activation", g.AssignmentId, g.ActivationRequestId,
        g.ViaPrincipalId == principalId ? null : g.ViaPrincipalId);
}

public sealed record ActiveRoleListResponse(IReadOnlyList<ActiveRoleResponse> Items);

public sealed class EvaluationRequestValidator : AbstractValidator<EvaluationRequest>
{
    public EvaluationRequestValidator()
    {
        RuleFor(r => r.PrincipalId).NotEmpty().MustBeId();
        RuleFor(r => r.RoleId).NotEmpty().MustBeRole();
        RuleFor(r => r.Scope).MustBeScope();
    }
}

/// <summary>The hot path: does this principal hold this role right now, and until when?</summary>
public static class AccessEndpoints
{
    public static void MapAccess(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/access/evaluation", Evaluate).WithTags("Access").WithName("EvaluateAccess")
            .WithSummary("Whether a principal holds a role now (operator, the principal itself, or the 'pim.evaluate' scope).")
            .Validate<EvaluationRequest>().IsEvaluation();
        tenant.MapGet("/principals/{principalId:id}/active-roles", ActiveRoles).WithTags("Access").WithName("ListActiveRoles")
            .WithSummary("The roles a principal holds right now, each with its validUntil.").IsEvaluation();
    }

    public static async Task<Ok<EvaluationResponse>> Evaluate(string tenantId, EvaluationRequest body, Callers callers, AccessService access, CancellationToken ct)
    {
        var scope = body.Scope ?? Scopes.Root;
        var decision = await access.EvaluateAsync(await callers.ResolveAsync(tenantId, ct), body.PrincipalId, body.RoleId, scope, ct);
        return TypedResults.Ok(new EvaluationResponse(decision.Granted ? "allow" : "deny", body.PrincipalId, body.RoleId, scope,
            decision.Grant?.ValidUntil, decision.Grant?.AssignmentId, decision.Grant?.ActivationRequestId));
    }

    public static async Task<Ok<ActiveRoleListResponse>> ActiveRoles(string tenantId, string principalId, Callers callers, AccessService access, CancellationToken ct)
    {
        var grants = await access.ActiveRolesAsync(await callers.ResolveAsync(tenantId, ct), principalId, ct);
        return TypedResults.Ok(new ActiveRoleListResponse(grants.Select(g => ActiveRoleResponse.From(g, principalId)).ToList()));
    }
}
