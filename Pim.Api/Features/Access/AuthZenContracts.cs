using System.Text.Json.Serialization;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Access;

// The wire of the OpenID AuthZEN Authorization API 1.0 (final, 2026-01-11), as Pim serves it under /access/v1.
//
// AuthZEN's HTTPS binding says that "receivers MUST ignore unknown fields present in request or response bodies", and
// its entities carry open `properties` objects and a free-form `context`. So, unlike the rest of Pim's wire (which
// refuses unknown fields), these requests skip what Pim does not read: the top-level and per-item `context`, the
// action's `properties`, and any property of a subject or resource other than the ones named here. What is skipped is
// still bounded: by the body limit (256 KiB) and System.Text.Json's depth limit (64).
//
// Answers follow AuthZEN's advice to omit members that would be null.

/// <summary>Who is asked about: a principal of the tenant, by id; <c>type</c> is its kind (<see cref="PrincipalKind"/>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenSubject([Wire<Bounds.AuthZenName>] string Type, [Wire<Bounds.EntityId>] string Id,
    AuthZenSubjectProperties? Properties = null);

/// <param name="TenantId">The tenant of the principal. A token without a tenant (a platform identity) must name it; a token of
/// a tenant asks in its own tenant when it names none.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenSubjectProperties([Wire<TenantId>] string? TenantId = null);

/// <summary>What the subject would do: Pim answers <see cref="AuthZen.Hold"/>, "holds the role now".</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenAction([Wire<Bounds.AuthZenName>] string Name);

/// <summary>What it is done to: a role (<c>type</c> <see cref="AuthZen.RoleType"/>, <c>id</c> a role id) at a scope.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenResource([Wire<Bounds.AuthZenName>] string Type, [Wire<Bounds.EntityId>] string Id,
    AuthZenResourceProperties? Properties = null);

/// <param name="Scope">Where the role is held; <c>/</c> (the directory) when absent. An assignment above it counts.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenResourceProperties(Scope? Scope = null);

/// <summary>An Access Evaluation API request (AuthZEN); its <c>context</c>, if any, is not read.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenEvaluationRequest(AuthZenSubject Subject, AuthZenAction Action, AuthZenResource Resource);

/// <summary>One item of an Access Evaluations request: what it leaves out comes from the request's top level.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenEvaluationItem(AuthZenSubject? Subject = null, AuthZenAction? Action = null, AuthZenResource? Resource = null);

/// <param name="EvaluationsSemantic"><c>execute_all</c> (the default), <c>deny_on_first_deny</c> or <c>permit_on_first_permit</c>.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenOptions(
    [property: JsonPropertyName("evaluations_semantic")] [Wire<Vocabulary.AuthZenEvaluationsSemantic>] string? EvaluationsSemantic = null);

/// <summary>
/// An Access Evaluations API request (AuthZEN): the top-level <c>subject</c>, <c>action</c> and <c>resource</c> are the
/// defaults of every item of <c>evaluations</c>; without items (or with none), it is a single evaluation of them.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record AuthZenEvaluationsRequest(AuthZenSubject? Subject = null, AuthZenAction? Action = null, AuthZenResource? Resource = null,
    [MaxItems(BatchEvaluation.MaximumItems)] IReadOnlyList<AuthZenEvaluationItem?>? Evaluations = null, AuthZenOptions? Options = null)
{
    /// <summary>Whether this is a batch; AuthZEN: a request without items (or with an empty list) is one evaluation of the top level.</summary>
    [JsonIgnore]
    public bool IsBatch => Evaluations is { Count: > 0 };

    /// <summary>The questions asked, defaults filled in; the validator has made sure that each is complete.</summary>
    public IReadOnlyList<AuthZenEvaluationRequest> Questions() => IsBatch
        ? Evaluations!.Select(item => new AuthZenEvaluationRequest(BatchEvaluation.OrDefault(item!.Subject, Subject)!,
            BatchEvaluation.OrDefault(item.Action, Action)!, BatchEvaluation.OrDefault(item.Resource, Resource)!)).ToList()
        : [new AuthZenEvaluationRequest(Subject!, Action!, Resource!)];
}

/// <summary>Why an item of a batch could not be evaluated: the status and problem the same evaluation alone would have answered.</summary>
public sealed record AuthZenError([Between(400, 499)] int Status, [Wire<Bounds.ProblemCode>] string Code, [Text(Problems.MaxDetail)] string Message);

/// <param name="Reason">On a deny, why: one of <see cref="AuthZen.Reasons"/>.</param>
/// <param name="ValidUntil">On an allow, when the grant ends; absent when it does not.</param>
/// <param name="Error">In a batch, the error of an item that could not be evaluated (its decision is false).</param>
public sealed record AuthZenDecisionContext(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] [Wire<Vocabulary.AuthZenReason>] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ValidUntil = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuthZenError? Error = null);

/// <summary>A Decision (AuthZEN information model): <c>true</c> while the subject holds the role at the scope.</summary>
public sealed record AuthZenDecision(bool Decision,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuthZenDecisionContext? Context = null);

/// <summary>
/// The answer of <c>POST /access/v1/evaluations</c>: <c>evaluations</c>, one Decision per evaluated item in the order
/// asked, for a batch; <c>decision</c> (and <c>context</c>) for a request without items, which is a single evaluation.
/// </summary>
public sealed record AuthZenEvaluationsResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Decision = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuthZenDecisionContext? Context = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] [MaxItems(BatchEvaluation.MaximumItems)] IReadOnlyList<AuthZenDecision>? Evaluations = null);

/// <summary>The Policy Decision Point metadata (AuthZEN) at <c>/.well-known/authzen-configuration</c>.</summary>
public sealed record AuthZenConfiguration(
    [property: JsonPropertyName("policy_decision_point")] [Wire<Bounds.Url>] string PolicyDecisionPoint,
    [property: JsonPropertyName("access_evaluation_endpoint")] [Wire<Bounds.Url>] string AccessEvaluationEndpoint,
    [property: JsonPropertyName("access_evaluations_endpoint")] [Wire<Bounds.Url>] string AccessEvaluationsEndpoint);

/// <summary>Pim's AuthZEN vocabulary: the one action and resource type it answers, its semantics' names, and its reasons.</summary>
public static class AuthZen
{
    /// <summary>"Holds the role now" — the only question Pim can answer truthfully about a principal and a role.</summary>
    public const string Hold = "hold";
    public const string RoleType = "role";

    /// <summary>The action is not one Pim answers (only <see cref="Hold"/>): nothing is granted by it.</summary>
    public const string UnsupportedAction = "unsupported-action";
    /// <summary>The resource is not a role: Pim grants nothing else.</summary>
    public const string UnsupportedResourceType = "unsupported-resource-type";
    /// <summary>The resource names no role of the catalog.</summary>
    public const string UnknownRole = "unknown-role";

    /// <summary>Every <c>context.reason</c> of a deny: the native evaluation's reasons, then the vocabulary's.</summary>
    public static readonly string[] Reasons = [.. DenyReasons.All, UnsupportedAction, UnsupportedResourceType, UnknownRole];

    public static readonly IReadOnlyDictionary<string, EvaluationsSemantic> Semantics = new Dictionary<string, EvaluationsSemantic>(StringComparer.Ordinal)
    {
        ["execute_all"] = EvaluationsSemantic.ExecuteAll,
        ["deny_on_first_deny"] = EvaluationsSemantic.DenyOnFirstDeny,
        ["permit_on_first_permit"] = EvaluationsSemantic.PermitOnFirstPermit,
    };

    public const string EvaluationPath = "/access/v1/evaluation";
    public const string EvaluationsPath = "/access/v1/evaluations";
    public const string ConfigurationPath = "/.well-known/authzen-configuration";
}
