using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>The one place where problem codes become HTTP statuses and problem details (RFC 9457).</summary>
public static class Problems
{
    private static readonly Dictionary<string, int> StatusByCode = new()
    {
        [ErrorCodes.ValidationFailed] = 400,
        [ErrorCodes.MalformedRequest] = 400,
        [ErrorCodes.InvalidPageToken] = 400,
        [ErrorCodes.Unauthenticated] = 401,
        [ErrorCodes.MfaRequired] = 401,
        [ErrorCodes.Forbidden] = 403,
        [ErrorCodes.SelfApprovalForbidden] = 403,
        [ErrorCodes.PrincipalDisabled] = 403,
        [ErrorCodes.NotFound] = 404,
        [ErrorCodes.ConsentRequired] = 409,
        [ErrorCodes.SignUpRequired] = 409,
        [ErrorCodes.ActivationAlreadyOpen] = 409,
        [ErrorCodes.InvalidStateTransition] = 409,
        [ErrorCodes.AssignmentExists] = 409,
        [ErrorCodes.Conflict] = 409,
        [ErrorCodes.PreconditionFailed] = 412,
        [ErrorCodes.PreconditionRequired] = 428,
        [ErrorCodes.NotEligible] = 422,
        [ErrorCodes.DurationExceedsMaximum] = 422,
        [ErrorCodes.JustificationRequired] = 422,
        [ErrorCodes.TicketRequired] = 422,
        [ErrorCodes.PermanentAssignmentForbidden] = 422,
        [ErrorCodes.AssignmentDurationExceedsMaximum] = 422,
        [ErrorCodes.UnknownApprover] = 422,
        [ErrorCodes.UnknownPrincipal] = 422,
        [ErrorCodes.InvalidScope] = 422,
        [ErrorCodes.WebhookUrlRefused] = 422,
        [ErrorCodes.GuestNotAllowed] = 422,
        [ErrorCodes.BatchTooLarge] = 400,
        [ErrorCodes.IdempotencyKeyReused] = 422,
        [ErrorCodes.IdempotencyKeyInUse] = 409,
        [ErrorCodes.IdempotencyAnswerWithheld] = 409,
        [ErrorCodes.IdempotencyKeyLimit] = 429,
        [ErrorCodes.RateLimited] = 429,
        [PayloadTooLarge] = 413,
    };

    public const string PayloadTooLarge = "payload-too-large";

    /// <summary>The code a bare status gets when nothing more specific is known (routing 404, auth 401/403, …).</summary>
    private static readonly Dictionary<int, string> CodeByStatus = new()
    {
        [400] = ErrorCodes.MalformedRequest,
        [401] = ErrorCodes.Unauthenticated,
        [403] = ErrorCodes.Forbidden,
        [404] = ErrorCodes.NotFound,
        [405] = "method-not-allowed",
        [409] = ErrorCodes.Conflict,
        [413] = PayloadTooLarge,
        [415] = "unsupported-media-type",
        [429] = ErrorCodes.RateLimited,
        [500] = "internal-error",
    };

    public static int StatusOf(string code) => StatusByCode.GetValueOrDefault(code, 400);

    public static string TypeOf(string code) => $"https://pim.dev/problems/{code}";

    public static ProblemDetails Create(HttpContext http, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var status = StatusOf(code);
        var problem = errors is null ? new ProblemDetails() : new HttpValidationProblemDetails(errors.ToDictionary());
        problem.Status = status;
        problem.Title = TitleOf(code);
        problem.Detail = detail;
        problem.Type = TypeOf(code);
        problem.Extensions["code"] = code;
        Enrich(http, problem);
        return problem;
    }

    /// <summary>Every problem carries a code and the trace id (the correlation id of the logs).</summary>
    public static void Enrich(HttpContext http, ProblemDetails problem)
    {
        var status = problem.Status ?? 500;
        if (!problem.Extensions.ContainsKey("code"))
        {
            var code = CodeByStatus.GetValueOrDefault(status, status >= 500 ? "internal-error" : "error");
            problem.Extensions["code"] = code;
            problem.Type = TypeOf(code);
        }
        problem.Instance ??= http.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
    }

    public static string TitleOf(string code) => string.Join(' ', code.Split('-')) is var words && words.Length > 0
        ? char.ToUpperInvariant(words[0]) + words[1..]
        : code;

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
