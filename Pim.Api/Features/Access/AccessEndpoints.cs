using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Access;

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

    public static async Task<Ok<EvaluationResponse>> Evaluate(EvaluationRequest body, CurrentCaller caller, AccessService access, CancellationToken ct)
    {
        var scope = body.Scope ?? ScopePath.Root;
        var decision = await access.EvaluateAsync(caller, body.PrincipalId, body.RoleId, scope, ct);
        return TypedResults.Ok(new EvaluationResponse(decision.Granted ? EvaluationDecisions.Allow : EvaluationDecisions.Deny, body.PrincipalId, body.RoleId, scope,
            decision.Grant?.ValidUntil, decision.Grant?.AssignmentId, decision.Grant?.ActivationRequestId, decision.Reason));
    }

    public static async Task<Ok<ActiveRoleListResponse>> ActiveRoles(string principalId, CurrentCaller caller, AccessService access, CancellationToken ct)
    {
        var grants = await access.ActiveRolesAsync(caller, principalId, ct);
        return TypedResults.Ok(new ActiveRoleListResponse(grants.Select(g => ActiveRoleResponse.From(g, principalId)).ToList()));
    }
}
