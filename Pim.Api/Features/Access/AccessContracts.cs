using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Access;

public sealed record EvaluationRequest(PrincipalId PrincipalId, RoleId RoleId, Scope? Scope = null);

/// <summary>
/// Several evaluations in one request (<c>POST …/access/evaluations</c>): each item asks about a principal, a role and a
/// scope, and takes what it leaves out from the top-level defaults.
/// </summary>
public sealed record BatchEvaluationRequest([MaxItems(BatchEvaluation.MaximumItems, MinItems = 1)] IReadOnlyList<BatchEvaluationItem> Evaluations,
    PrincipalId? PrincipalId = null, RoleId? RoleId = null,
    Scope? Scope = null, BatchEvaluationOptions? Options = null)
{
    /// <summary>The items with the defaults filled in, in the order they were asked.</summary>
    public IReadOnlyList<EvaluationRequest> Questions() => Evaluations.Select(item => new EvaluationRequest(
        (item.PrincipalId ?? PrincipalId).GetValueOrDefault(), (item.RoleId ?? RoleId).GetValueOrDefault(),
        item.Scope ?? Scope)).ToList();
}

/// <summary>One evaluation of a batch: what it names overrides the batch's default.</summary>
public sealed record BatchEvaluationItem(PrincipalId? PrincipalId = null, RoleId? RoleId = null, Scope? Scope = null);

/// <param name="EvaluationsSemantic">Which items are answered: all (<c>executeAll</c>, the default), up to the first deny
/// (<c>denyOnFirstDeny</c>), or up to the first allow (<c>permitOnFirstPermit</c>).</param>
public sealed record BatchEvaluationOptions([Wire<Vocabulary.EvaluationsSemantic>] string? EvaluationsSemantic = null)
{
    /// <summary>The semantics by their names on the native wire (camelCase; AuthZEN's are snake_case).</summary>
    public static readonly IReadOnlyDictionary<string, EvaluationsSemantic> Semantics = new Dictionary<string, EvaluationsSemantic>(StringComparer.Ordinal)
    {
        ["executeAll"] = Domain.EvaluationsSemantic.ExecuteAll,
        ["denyOnFirstDeny"] = Domain.EvaluationsSemantic.DenyOnFirstDeny,
        ["permitOnFirstPermit"] = Domain.EvaluationsSemantic.PermitOnFirstPermit,
    };

    /// <summary>The semantic asked for (the wire bounds hold its name to the keys of <see cref="Semantics"/>).</summary>
    public static EvaluationsSemantic Of(BatchEvaluationOptions? options) =>
        options?.EvaluationsSemantic is { } name ? Semantics[name] : Domain.EvaluationsSemantic.ExecuteAll;
}

/// <summary>The answers of a batch, in the order asked; a batch that stopped early (its semantic) answers fewer items.</summary>
public sealed record BatchEvaluationResponse([MaxItems(BatchEvaluation.MaximumItems)] IReadOnlyList<EvaluationResponse> Evaluations);

/// <summary>Why an item of a batch could not be evaluated: the problem the same evaluation alone would have answered.</summary>
public sealed record EvaluationError([Between(400, 499)] int Status, [Wire<Bounds.ProblemCode>] string Code,
    [Text(Problems.MaxDetail)] string Detail);

/// <summary>The answer of an evaluation: <see cref="Allow"/> while the principal holds the role, else <see cref="Deny"/>.</summary>
public static class EvaluationDecisions
{
    public const string Allow = "allow";
    public const string Deny = "deny";
}

/// <summary>What a held role rests on: an active assignment, or an activation of an eligible one.</summary>
public static class GrantSources
{
    public const string ActiveAssignment = "activeAssignment";
    public const string Activation = "activation";
}

/// <param name="Reason">On a deny, why (<see cref="DenyReasons"/>); null on an allow and on an error.</param>
/// <param name="Error">In a batch, an item that could not be evaluated (a deny): the problem it would have answered alone.</param>
public sealed record EvaluationResponse([Wire<Vocabulary.EvaluationDecision>] string Decision, [Wire<PrincipalId>] string PrincipalId,
    [Wire<RoleId>] string RoleId, [Wire<Scope>] string Scope, DateTimeOffset? ValidUntil,
    [Wire<Bounds.EntityId>] string? AssignmentId, [Wire<Bounds.EntityId>] string? ActivationRequestId, [Wire<Vocabulary.DenyReason>] string? Reason,
    EvaluationError? Error = null)
{
    public static EvaluationResponse From(EvaluationRequest question, AccessDecision decision) => new(
        decision.Granted ? EvaluationDecisions.Allow : EvaluationDecisions.Deny, question.PrincipalId.Text, question.RoleId.Text, question.Scope?.Text ?? ScopePath.Root,
        decision.Grant?.ValidUntil, decision.Grant?.AssignmentId, decision.Grant?.ActivationRequestId, decision.Reason);

    public static EvaluationResponse Refused(EvaluationRequest question, PimException refusal) => new(EvaluationDecisions.Deny,
        question.PrincipalId.Text, question.RoleId.Text, question.Scope?.Text ?? ScopePath.Root, null, null, null, null,
        new EvaluationError(Http.Problems.StatusOf(refusal.Code), refusal.Code, refusal.Message));
}

public sealed record ActiveRoleResponse([Wire<RoleId>] string RoleId, [Wire<Scope>] string Scope, DateTimeOffset? ValidUntil,
    [Wire<Vocabulary.GrantSource>] string Source, [Wire<Bounds.EntityId>] string AssignmentId,
    [Wire<Bounds.EntityId>] string? ActivationRequestId, [Wire<PrincipalId>] string? ViaGroupId)
{
    public static ActiveRoleResponse From(Grant g, string principalId) => new(g.RoleId, g.Scope, g.ValidUntil,
        g.ActivationRequestId is null ? GrantSources.ActiveAssignment : GrantSources.Activation, g.AssignmentId, g.ActivationRequestId,
        g.ViaPrincipalId == principalId ? null : g.ViaPrincipalId);
}

public sealed record ActiveRoleListResponse([MaxItems(RoleAssignment.MaximumHeldByPrincipal)] IReadOnlyList<ActiveRoleResponse> Items);
