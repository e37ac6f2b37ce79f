using Microsoft.AspNetCore.Diagnostics;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>Domain refusals become their problem; malformed requests 400; anything else a bare logged 500.</summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        switch (exception)
        {
            case PimException pim:
                if (pim.RetryAfter is { } retryAfter) http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                await Problems.WriteAsync(http, pim.Code, pim.Message, pim.Errors);
                return true;
            case BadHttpRequestException bad:
                await Problems.WriteAsync(http, bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => Problems.PayloadTooLarge,
                    StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType,
                    _ => ErrorCodes.MalformedRequest,
                }, Describe(bad), ErrorsOf(bad));
                return true;
            case var unavailable when Pim.Infrastructure.Store.IsUnavailable(unavailable):
                await StoreOutage.WriteAsync(http, unavailable);
                return true;
            case OperationCanceledException when http.RequestAborted.IsCancellationRequested:
                return true;
            default:
                logger.Unhandled(exception, http.Request.Method, http.Request.Path);
                return false; // the default handler writes a bare 500 problem
        }
    }

    /// <summary>
    /// The field that could not be read, named as validation errors name fields: a JSON body's path as its reader gives it,
    /// or the parameter of a query or header value that does not convert (minimal APIs say "Failed to bind parameter
    /// \"Type Name\" from \"value\""; with another wording the detail alone says it).
    /// </summary>
    private static Dictionary<string, string[]>? ErrorsOf(BadHttpRequestException bad)
    {
        if (bad.InnerException is System.Text.Json.JsonException { Path: { Length: > 2 } path } json && path.StartsWith("$.", StringComparison.Ordinal))
            return new() { [path[2..]] = [json.Message] };
        if (UnboundParameter().Match(bad.Message) is { Success: true } match)
        {
            var name = match.Groups["name"].Value;
            var field = char.ToLowerInvariant(name[0]) + name[1..];
            return new() { [field] = [$"'{field}' has a value Pim cannot read: see the contract for its type and format."] };
        }
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"[^\" ]+ (?<name>[A-Za-z_][A-Za-z0-9_]*)\" from ")]
    private static partial System.Text.RegularExpressions.Regex UnboundParameter();

    private static string Describe(BadHttpRequestException bad)
    {
        // Minimal APIs wrap the JSON reader's message; it names the offending path and is safe to show.
        var inner = bad.InnerException?.Message;
        return inner is null ? bad.Message : $"{bad.Message} {inner}";
    }
}
