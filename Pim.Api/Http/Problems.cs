using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>One problem code: the HTTP status it always comes with, and what it means to a client.</summary>
public sealed record ProblemKind(string Code, int Status, string Meaning);

/// <summary>
/// The one place where problem codes become HTTP statuses and problem details (RFC 9457). <see cref="Catalog"/> is the
/// complete list: the contract's <c>ProblemCode</c> enumerates it and the README's table of problem codes repeats it.
/// Every problem is written as <c>application/problem+json</c>, whatever the request accepts.
/// </summary>
public static class Problems
{
    public const string MethodNotAllowed = "method-not-allowed";
    public const string PayloadTooLarge = "payload-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";

    /// <summary>Bounds of what a problem carries, declared in the contract's Problem schema.</summary>
    public const int MaxDetail = 2000;
    public const int MaxInstance = 8192; // a path, within Kestrel's request line limit
    public const int MaxFieldErrors = 50;
    public const int MaxMessagesPerField = 10;

    public static readonly IReadOnlyList<ProblemKind> Catalog =
    [
        new(ErrorCodes.ValidationFailed, 400, "One or more fields are invalid; `errors` maps each field to what is wrong with it."),
        new(ErrorCodes.MalformedRequest, 400, "The request cannot be read: not JSON, a wrong type, an unknown or missing field, a bad header."),
        new(ErrorCodes.InvalidPageToken, 400, "`pageToken` is not a token this API gave out."),
        new(ErrorCodes.TenantRequired, 400, "A token without a tenant (a platform identity) asked an AuthZEN question without naming the tenant: subject.properties.tenantId."),
        new(ErrorCodes.BatchTooLarge, 400, "A batch activation names more roles than one batch may hold."),
        new(ErrorCodes.InvalidFilter, 400, "A SCIM filter cannot be read, or filters on what Pim does not (SCIM scimType invalidFilter)."),
        new(ErrorCodes.InvalidPath, 400, "A SCIM PATCH path cannot be read, or names no attribute of the resource (scimType invalidPath)."),
        new(ErrorCodes.NoTarget, 400, "A SCIM PATCH path's filter matches no value to change, or a remove names no path (scimType noTarget)."),
        new(ErrorCodes.Unauthenticated, 401, "No bearer token, or one that is invalid, expired, too long-lived or from an unknown issuer."),
        new(ErrorCodes.MfaRequired, 401, "The role requires multifactor authentication (recent enough); sign in again with MFA."),
        new(ErrorCodes.SlackSignatureInvalid, 401, "A Slack interaction is not signed with the Slack app's signing secret (Pim:Slack:SigningSecret), or its timestamp is not within five minutes of now."),
        new(ErrorCodes.Forbidden, 403, "The caller may not do this (Pim decides on the roles the caller holds now, not on token claims)."),
        new(ErrorCodes.SelfApprovalForbidden, 403, "Requesters may not approve or deny their own requests."),
        new(ErrorCodes.PrincipalDisabled, 403, "The caller's account is disabled in the directory."),
        new(ErrorCodes.SelfAssignmentForbidden, 403, "Nobody grants a role to themselves, or to a group they are a member of (the consent bootstrap aside): another administrator must."),
        new(ErrorCodes.SelfReviewForbidden, 403, "Reviewers may not decide on their own assignments (or their groups'), unless the access review is a self-review."),
        new(ErrorCodes.NotFound, 404, "Nothing by that name in this tenant (also the answer for another tenant's data)."),
        new(MethodNotAllowed, 405, "The path exists, but not with this method."),
        new(ErrorCodes.ConsentRequired, 409, "The tenant has not consented to Pim yet (POST …/consent)."),
        new(ErrorCodes.SignUpRequired, 409, "The directory roles (or the resource scope) are not signed up with Pim yet (POST …/sign-ups)."),
        new(ErrorCodes.ActivationAlreadyOpen, 409, "The principal already has an open (pending, scheduled or active) request for this role and scope."),
        new(ErrorCodes.InvalidStateTransition, 409, "The activation request is not in a state that allows this (e.g. approving a cancelled request)."),
        new(ErrorCodes.AssignmentExists, 409, "An assignment of this principal, role and scope already exists."),
        new(ErrorCodes.Conflict, 409, "The change conflicts with the current state of the resource."),
        new(ErrorCodes.LimitReached, 409, "The tenant holds as many as it may (webhooks, scopes, assignments of one principal, a principal's groups, a group's members, how deep groups nest, the tenant's own roles): remove one first."),
        new(ErrorCodes.MembershipCycle, 409, "The membership would make a group a member of itself, directly or through nested groups."),
        new(ErrorCodes.EligibilityCycle, 409, "The eligibility would let a group's membership lead back to itself: a group eligible for its own membership, or for one that leads back to it through nesting or other groups' eligibilities."),
        new(ErrorCodes.NotUnique, 409, "The userName, externalId or id is another principal's already in this tenant (SCIM scimType uniqueness)."),
        new(ErrorCodes.BuiltInRole, 409, "The role is built-in: it is read-only (a tenant's own roles have ids that begin with custom-)."),
        new(ErrorCodes.RoleInUse, 409, "The role is assigned: it is not removed, nor its kind changed, while it is."),
        new(ErrorCodes.SlackInteractionReplayed, 409, "This Slack interaction (its signature) was answered already: a replay is answered once."),
        new(ErrorCodes.AlreadyDecided, 409, "The approver already decided a stage of this request: a person's decision counts in one stage only."),
        new(ErrorCodes.IdempotencyKeyInUse, 409, "The first request with this Idempotency-Key is still running; retry shortly."),
        new(ErrorCodes.IdempotencyAnswerWithheld, 409, "The first request with this Idempotency-Key succeeded, but its answer carried a one-time secret Pim does not keep."),
        new(ErrorCodes.PreconditionFailed, 412, "If-Match names a version that is no longer current: read the resource again."),
        new(PayloadTooLarge, 413, "The request body is larger than Pim accepts (256 KiB)."),
        new(UnsupportedMediaType, 415, "The request body is not application/json (SCIM: application/scim+json or application/json)."),
        new(ErrorCodes.NotEligible, 422, "The principal has no eligible assignment for this role and scope."),
        new(ErrorCodes.DurationExceedsMaximum, 422, "The requested activation duration is longer than the role's settings allow."),
        new(ErrorCodes.JustificationRequired, 422, "The role's settings require a justification."),
        new(ErrorCodes.TicketRequired, 422, "The role's settings require a ticket number and ticket system."),
        new(ErrorCodes.PermanentAssignmentForbidden, 422, "The role's settings do not allow a permanent assignment of this type."),
        new(ErrorCodes.AssignmentDurationExceedsMaximum, 422, "The assignment lasts longer than the role's settings allow."),
        new(ErrorCodes.UnknownApprover, 422, "An approver named in the settings is not a principal of the tenant."),
        new(ErrorCodes.UnknownPrincipal, 422, "The principal is not known in the tenant's directory."),
        new(ErrorCodes.InvalidScope, 422, "The scope does not exist in the tenant, or the role cannot be assigned there."),
        new(ErrorCodes.WebhookUrlRefused, 422, "The webhook URL is not https, or resolves to a loopback, private or reserved address."),
        new(ErrorCodes.ReadOnlyField, 422, "A field the server keeps (an id, a scope, where settings are inherited from) was sent back with another value than it has: send it as read, or leave it out."),
        new(ErrorCodes.GuestNotAllowed, 422, "The role's settings do not allow guests."),
        new(ErrorCodes.WorkloadNotAllowed, 422, "The role's settings do not let service principals (workloads) activate it."),
        new(ErrorCodes.BreakGlassNotAllowed, 422, "The role's settings do not allow break-glass activations."),
        new(ErrorCodes.ApprovalSettingsConflict, 422, "requireApproval / approvers / approvalTimeout (the one-stage shorthand) and approval.stages were both changed and disagree, or the shorthand was changed on an approval of several stages."),
        new(ErrorCodes.ApprovalStageUnsatisfiable, 422, "An approval stage requires more approvals than its approvers (all people, no group) can give."),
        new(ErrorCodes.IdempotencyKeyReused, 422, "This Idempotency-Key was used with another request; use a new key."),
        new(ErrorCodes.PreconditionRequired, 428, "The change requires If-Match with the ETag of the version it replaces."),
        new(ErrorCodes.RateLimited, 429, "The caller or its tenant has used its budget, or its room for requests that run or wait at once, for now; retry after Retry-After seconds."),
        new(ErrorCodes.IdempotencyKeyLimit, 429, "The caller holds too many live Idempotency-Keys in this tenant; retry after Retry-After seconds."),
        new(ErrorCodes.InternalError, 500, "Pim failed; the traceId finds the error in its logs."),
        new(ErrorCodes.StoreUnavailable, 503, "Pim's store does not answer now. Retry after Retry-After seconds; a write sent with an Idempotency-Key is applied at most once."),
        new(ErrorCodes.IdentityProviderUnavailable, 503, "Pim cannot read the identity provider's signing keys now, so it cannot tell whether the bearer token is good. Retry after Retry-After seconds; signing in again does not help."),
    ];

    private static readonly Dictionary<string, ProblemKind> ByCode = Catalog.ToDictionary(k => k.Code);

    /// <summary>The code a bare status gets when nothing more specific is known (routing 404, auth 401/403, …).</summary>
    private static readonly Dictionary<int, string> CodeByStatus = new()
    {
        [400] = ErrorCodes.MalformedRequest,
        [401] = ErrorCodes.Unauthenticated,
        [403] = ErrorCodes.Forbidden,
        [404] = ErrorCodes.NotFound,
        [405] = MethodNotAllowed,
        [409] = ErrorCodes.Conflict,
        [413] = PayloadTooLarge,
        [415] = UnsupportedMediaType,
        [429] = ErrorCodes.RateLimited,
        [503] = ErrorCodes.StoreUnavailable,
    };

    public static int StatusOf(string code) => ByCode.TryGetValue(code, out var kind) ? kind.Status
        : throw new InvalidOperationException($"Problem code '{code}' is not in Problems.Catalog.");

    public static string TypeOf(string code) => $"https://pim.dev/problems/{code}";

    public static string TitleOf(string code) => string.Join(' ', code.Split('-')) is var words && words.Length > 0
        ? char.ToUpperInvariant(words[0]) + words[1..]
        : code;

    public static ProblemDetails Create(HttpContext http, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = StatusOf(code),
            Title = TitleOf(code),
            Detail = detail,
            Type = TypeOf(code),
        };
        problem.Extensions["code"] = code;
        if (errors is not null) problem.Extensions["errors"] = errors;
        Enrich(http, problem);
        return problem;
    }

    /// <summary>
    /// Every problem carries a code of the catalog (its title and type follow from it) and the trace id (the correlation
    /// id of the logs); its detail and errors are cut to the bounds the contract declares.
    /// </summary>
    public static void Enrich(HttpContext http, ProblemDetails problem)
    {
        if (!(problem.Extensions.TryGetValue("code", out var known) && known is string code) || !ByCode.ContainsKey(code))
        {
            var status = problem.Status ?? 500;
            code = CodeByStatus.GetValueOrDefault(status, status >= 500 ? ErrorCodes.InternalError : ErrorCodes.MalformedRequest);
            problem.Extensions["code"] = code;
        }
        problem.Status ??= StatusOf(code);
        problem.Type = TypeOf(code);
        problem.Title = TitleOf(code);
        if (problem.Detail is { Length: > MaxDetail } detail) problem.Detail = detail[..(MaxDetail - 1)] + "…";
        if (problem.Extensions.TryGetValue("errors", out var value) && value is IReadOnlyDictionary<string, string[]> errors)
            problem.Extensions["errors"] = errors.Take(MaxFieldErrors).ToDictionary(e => e.Key, e => e.Value.Take(MaxMessagesPerField).ToArray());
        problem.Instance ??= http.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
    }

    /// <summary>
    /// An error status answered without a body — a 404 for a path Pim does not serve, a 405, a challenge's bare 401 — gets a
    /// problem body, as ASP.NET Core's status-code pages give one (<c>UseStatusCodePages()</c> with the problem details
    /// service: same conditions, same writer). Pim's own, because that middleware makes a feature and the request's items
    /// for every request, whatever its answer (~0.25 KB of every evaluation, issue 27); this one looks only at the answer.
    /// </summary>
    public static void UseProblemStatusPages(this WebApplication app)
    {
        var problems = app.Services.GetRequiredService<IProblemDetailsService>();
        app.Use(next => http =>
        {
            var handled = next(http);
            return handled.IsCompletedSuccessfully ? AnswerBare(http, problems) : AnswerBareAfterAsync(handled, http, problems);
        });
    }

    private static async Task AnswerBareAfterAsync(Task handled, HttpContext http, IProblemDetailsService problems)
    {
        await handled;
        await AnswerBare(http, problems);
    }

    private static Task AnswerBare(HttpContext http, IProblemDetailsService problems)
    {
        var response = http.Response;
        if (response.HasStarted || response.StatusCode is < 400 or >= 600 || response.ContentLength.HasValue || !string.IsNullOrEmpty(response.ContentType))
            return Task.CompletedTask;
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = response.StatusCode } }).AsTask();
    }

    public static ValueTask WriteAsync(HttpContext http, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = Create(http, code, detail, errors);
        http.Response.StatusCode = problem.Status!.Value;
        if (code == ErrorCodes.MfaRequired)
            http.Response.Headers.WWWAuthenticate =
                $"Bearer error=\"insufficient_user_authentication\", error_description=\"{detail.Replace("\"", "'")}\"";
        return http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}

/// <summary>
/// The only problem writer: <c>application/problem+json</c> whatever the request's Accept says (a refused CSV export is
/// a problem like any other), enriched by <see cref="Problems.Enrich"/> — and, under <c>/scim/v2</c>, the same problem
/// as a SCIM error in <c>application/scim+json</c>. It serves Pim's own refusals, the exception handler and the
/// bare error statuses (<see cref="Problems.UseProblemStatusPages"/>) alike.
/// </summary>
public sealed class ProblemJsonWriter(Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public const string ContentType = "application/problem+json";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        Problems.Enrich(http, problem);
        // SCIM clients read SCIM errors (RFC 7644 §3.12), whatever went wrong.
        if (Features.Scim.ScimJson.IsScim(http))
            return new ValueTask(http.Response.WriteAsJsonAsync(Features.Scim.ScimJson.ErrorOf(problem), Features.Scim.ScimJson.Options,
                Features.Scim.ScimJson.MediaType, http.RequestAborted));
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, ContentType, http.RequestAborted));
    }
}
