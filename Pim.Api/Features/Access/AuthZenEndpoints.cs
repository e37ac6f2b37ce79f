using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Features.Access;

/// <summary>
/// The OpenID AuthZEN Authorization API 1.0 (final, 2026-01-11): the standard that policy enforcement points (API
/// gateways, identity products) speak, over the same evaluation as <c>POST …/access/evaluation</c>, with the same
/// authorization. Pim answers one question, "does this subject hold this role now": action <c>hold</c>, resource
/// <c>{"type":"role","id":&lt;role id&gt;,"properties":{"scope":…}}</c>, subject <c>{"type":&lt;principal kind&gt;,"id":…}</c>.
/// <list type="bullet">
/// <item>The tenant is the token's; a token without one (a platform identity, <c>Pim:Auth:PlatformIdentities</c>) names
/// it in <c>subject.properties.tenantId</c> (400 <c>tenant-required</c> otherwise). A tenant's token that names another
/// tenant is resolved there exactly as the native endpoint resolves it on that tenant's path: a stranger is told the
/// tenant does not exist (404) and its service scopes count for nothing there; a guest of it acts as that guest.</item>
/// <item>Decisions: <c>true</c> with <c>context.validUntil</c> (absent when the grant does not end); <c>false</c> with
/// <c>context.reason</c>. A question outside Pim's vocabulary (another action or resource type, a role that does not
/// exist, a subject type that is no principal kind) is a deny with its reason, not an error: AuthZEN's own examples
/// are answered, and nothing Pim does not know is granted.</item>
/// <item>Errors are HTTP statuses with a problem (AuthZEN: "an error message string"; Pim's is the problem's
/// <c>detail</c>, in application/problem+json as everywhere else). In a batch, what can be decided from the request and
/// the token alone refuses it as a whole, as it would refuse each question alone: a body Pim cannot read, a subject,
/// action or resource missing once the defaults are applied, more than <see cref="BatchEvaluation.MaximumItems"/> items,
/// a tenant a platform identity did not name, a principal the caller may not ask about. What only the directory knows
/// (that the tenant or the scope exists) is the item's own <c>{"decision":false,"context":{"error":{status,code,message}}}</c>,
/// the problem it would have answered alone; the other items are answered.</item>
/// </list>
/// </summary>
public static class AuthZenEndpoints
{
    public static void MapAuthZen(this IEndpointRouteBuilder app)
    {
        var access = app.MapGroup("/access/v1").RequireAuthorization().AcceptsJsonOnly().HoldToWireBounds().EchoesRequestId().WithTags(Tag);
        access.MapPost("/evaluation", Evaluate).WithName("AuthZenEvaluation")
            .WithSummary("AuthZEN Access Evaluation: whether a subject holds a role now (operator, the principal itself, or the 'pim.evaluate' scope).")
            .IsEvaluation();
        access.MapPost("/evaluations", EvaluateAll).WithName("AuthZenEvaluations")
            .WithSummary($"AuthZEN Access Evaluations: several evaluations (at most {BatchEvaluation.MaximumItems}) with top-level defaults, answered in order; options.evaluations_semantic may stop at the first deny or permit.")
            .Validate<AuthZenEvaluationsRequest>().IsEvaluation();
        app.MapGet(AuthZen.ConfigurationPath, Configuration).AllowAnonymous().EchoesRequestId().WithTags(Tag).WithName("GetAuthZenConfiguration")
            .WithSummary("AuthZEN Policy Decision Point metadata: where the evaluation endpoints are.");
    }

    public const string Tag = "AuthZEN";

    public static async Task<Ok<AuthZenDecision>> Evaluate(AuthZenEvaluationRequest body, HttpContext http, AccessService access, CancellationToken ct)
    {
        var caller = await CurrentCaller.ResolveAsync(http, TenantOf(body.Subject, CurrentCaller.TokenOf(http), "subject.properties.tenantId"));
        return TypedResults.Ok(Decision(await AnswerAsync(caller, body, access, ct)));
    }

    public static async Task<Ok<AuthZenEvaluationsResponse>> EvaluateAll(AuthZenEvaluationsRequest body, HttpContext http, AccessService access,
        CancellationToken ct)
    {
        var token = CurrentCaller.TokenOf(http);
        var questions = body.Questions();
        // The caller as it acts in each tenant asked about (one resolution per tenant), and whether it may ask each question
        // (question by question, before any is evaluated, as BatchEvaluation has it): a stranger is refused at its first question.
        var callers = new Dictionary<string, Caller>(StringComparer.Ordinal);
        var asked = new List<(AuthZenEvaluationRequest Question, Caller Caller)>(questions.Count);
        for (var i = 0; i < questions.Count; i++)
        {
            var tenant = TenantOf(questions[i].Subject, token,
                body.IsBatch && body.Evaluations![i]!.Subject is not null ? $"evaluations[{i}].subject.properties.tenantId" : "subject.properties.tenantId");
            if (!callers.TryGetValue(tenant, out var caller)) callers[tenant] = caller = await CurrentCaller.ResolveAsync(http, tenant);
            AccessService.EnsureMayEvaluate(caller, questions[i].Subject.Id);
            asked.Add((questions[i], caller));
        }
        if (!body.IsBatch)
        {
            // AuthZEN: without items, the request is the single evaluation of its top level, answered as one.
            var single = Decision(await AnswerAsync(asked[0].Caller, asked[0].Question, access, ct));
            return TypedResults.Ok(new AuthZenEvaluationsResponse(single.Decision, single.Context));
        }
        var semantic = body.Options?.EvaluationsSemantic is { } name ? AuthZen.Semantics[name] : EvaluationsSemantic.ExecuteAll;
        var answers = await BatchEvaluation.RunAsync(asked, semantic, (item, cancel) => AnswerAsync(item.Caller, item.Question, access, cancel), ct);
        return TypedResults.Ok(new AuthZenEvaluationsResponse(Evaluations: answers.Select(a => a.Outcome.Error is { } refusal
            ? new AuthZenDecision(false, new AuthZenDecisionContext(Error: new AuthZenError(Problems.StatusOf(refusal.Code), refusal.Code, refusal.Message)))
            : Decision(a.Outcome.Decision!)).ToList()));
    }

    /// <summary>
    /// The metadata, with absolute URLs built from the request as it reached Pim: its scheme (<c>X-Forwarded-Proto</c>
    /// counts only from a proxy of <c>Pim:Network:TrustedProxies</c>), its Host and its path base. AuthZEN has a PEP check
    /// that <c>policy_decision_point</c> is the URL it fetched the metadata from, so it must be the one the PEP used.
    /// </summary>
    public static Ok<AuthZenConfiguration> Configuration(HttpContext http)
    {
        var pdp = RequestBase.Of(http.Request, room: 32);
        return TypedResults.Ok(new AuthZenConfiguration(pdp, pdp + AuthZen.EvaluationPath, pdp + AuthZen.EvaluationsPath));
    }


    /// <summary>
    /// One question: authorization first (as the native endpoint: the operator, the 'pim.evaluate' scope, or the principal
    /// itself), then what is asked. A question outside Pim's vocabulary is denied with its reason.
    /// </summary>
    private static ValueTask<AccessDecision> AnswerAsync(Caller caller, AuthZenEvaluationRequest question, AccessService access, CancellationToken ct)
    {
        AccessService.EnsureMayEvaluate(caller, question.Subject.Id);
        var kind = PrincipalKinds.Parse(question.Subject.Type);
        return PimTelemetry.Evaluation(Stopwatch.GetTimestamp(), AnswerKnownAsync());

        // A tenant's own role is known only to its tenant: looked up after the question is in Pim's vocabulary.
        async ValueTask<AccessDecision> AnswerKnownAsync() =>
            OutsideVocabulary(question, kind) is { } reason ? Deny(reason)
            : !await access.IsKnownRoleAsync(caller.TenantId, question.Resource.Id, ct) ? Deny(AuthZen.UnknownRole)
            : await access.EvaluateAsync(caller, question.Subject.Id, question.Resource.Id, question.Resource.Properties?.Scope?.Text ?? ScopePath.Root, ct, kind);
    }

    private static string? OutsideVocabulary(AuthZenEvaluationRequest question, PrincipalKind? kind) =>
        question.Action.Name != AuthZen.Hold ? AuthZen.UnsupportedAction
        : question.Resource.Type != AuthZen.RoleType ? AuthZen.UnsupportedResourceType
        : RoleCatalog.Find(question.Resource.Id) is null && !RoleDefinition.IsCustomId(question.Resource.Id) ? AuthZen.UnknownRole
        : kind is null ? DenyReasons.UnknownPrincipal
        : null;

    private static AccessDecision Deny(string reason) => new(false, null, reason);

    private static AuthZenDecision Decision(AccessDecision decision) => decision.Granted
        ? new AuthZenDecision(true, decision.Grant?.ValidUntil is { } until ? new AuthZenDecisionContext(ValidUntil: until) : null)
        : new AuthZenDecision(false, new AuthZenDecisionContext(Reason: decision.Reason));

    /// <summary>The tenant a subject is asked about: the one it names, else the token's; a token without a tenant must name it.</summary>
    private static string TenantOf(AuthZenSubject subject, TokenFacts token, string field) =>
        subject.Properties?.TenantId ?? token.TenantId ?? throw new PimException(ErrorCodes.TenantRequired,
            "A token without a tenant (a platform identity) must name the tenant it asks about in subject.properties.tenantId.",
            new Dictionary<string, string[]> { [field] = ["Name the subject's tenant: this token has none."] });
}
