using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Features.Access;

/// <summary>The hot path: does this principal hold this role right now, and until when?</summary>
public static class AccessEndpoints
{
    public static void MapAccess(this RouteGroupBuilder tenant)
    {
        // The one SingleEvaluation's method, not a handler with service parameters: those are resolved from the request's DI scope.
        var single = ((IEndpointRouteBuilder)tenant).ServiceProvider.GetRequiredService<SingleEvaluation>();
        // It reads its body itself (SingleEvaluation.ReadAsync): Accepts says what, for the contract, as minimal APIs would.
        tenant.MapPost("/access/evaluation", (Func<HttpContext, Task>)single.EvaluateAsync).Accepts<EvaluationRequest>(JsonMediaType.Json)
            .WithTags("Access").WithName("EvaluateAccess")
            .WithSummary("Whether a principal holds a role now (operator, the principal itself, or the 'pim.evaluate' scope).")
            .Produces<EvaluationResponse>().ProducesValidationProblem().IsEvaluation(); // an unknown role is refused by AccessService itself, as for AuthZEN
        tenant.MapPost("/access/evaluations", EvaluateBatch).WithTags("Access").WithName("EvaluateAccessBatch")
            .WithSummary($"Several evaluations in one request (at most {BatchEvaluation.MaximumItems}), answered in order; options.evaluationsSemantic may stop at the first deny or allow.")
            .Validate<BatchEvaluationRequest>().IsEvaluation();
        tenant.MapGet("/principals/{principalId:id}/active-roles", ActiveRoles).WithTags("Access").WithName("ListActiveRoles")
            .WithSummary("The roles a principal holds right now, each with its validUntil.").IsEvaluation();
    }

    /// <summary>
    /// Each item is the single evaluation, with the same authorization and the same answer. A caller who may not ask about
    /// one of the principals is refused as a whole, as that question alone would be; an item about an unknown scope is a
    /// deny carrying the problem it would have answered alone (<see cref="BatchEvaluation"/>).
    /// </summary>
    public static async Task<Ok<BatchEvaluationResponse>> EvaluateBatch(BatchEvaluationRequest body, CurrentCaller caller, AccessService access,
        CancellationToken ct)
    {
        var questions = body.Questions();
        BatchEvaluation.EnsureMayEvaluateAll(questions.Select(q => (caller.Value, q.PrincipalId.Text)));
        var answers = await BatchEvaluation.RunAsync(questions, BatchEvaluationOptions.Of(body.Options),
            (q, cancel) => PimTelemetry.Evaluation(Stopwatch.GetTimestamp(), access.EvaluateAsync(caller, q.PrincipalId.Text, q.RoleId.Text, q.Scope?.Text ?? ScopePath.Root, cancel)),
            ct);
        return TypedResults.Ok(new BatchEvaluationResponse(answers.Select(a => a.Outcome.Error is { } refusal
            ? EvaluationResponse.Refused(a.Item, refusal)
            : EvaluationResponse.From(a.Item, a.Outcome.Decision!)).ToList()));
    }

    public static async Task<Ok<ActiveRoleListResponse>> ActiveRoles(string principalId, CurrentCaller caller, AccessService access, CancellationToken ct)
    {
        var grants = await access.ActiveRolesAsync(caller, principalId, ct);
        return TypedResults.Ok(new ActiveRoleListResponse(grants.Select(g => ActiveRoleResponse.From(g, principalId)).ToList()));
    }
}
