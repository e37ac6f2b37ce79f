using Microsoft.AspNetCore.Diagnostics;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>Domain refusals become their problem; malformed requests 400; anything else a bare logged 500.</summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        switch (exception)
        {
            case PimException pim:
                await Problems.WriteAsync(http, pim.Code, pim.Message, pim.Errors);
                return true;
            case BadHttpRequestException bad:
                await Problems.WriteAsync(http, bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => Problems.PayloadTooLarge,
                    StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType,
                    _ => ErrorCodes.MalformedRequest,
                }, Describe(bad));
                return true;
            case OperationCanceledException when http.RequestAborted.IsCancellationRequested:
                return true;
            default:
                logger.LogError(exception, "Unhandled exception on {Method} {Path}", http.Request.Method, http.Request.Path);
                return false; // the default handler writes a bare 500 problem
        }
    }

    private static string Describe(BadHttpRequestException bad)
    {
        // Minimal APIs wrap the JSON reader's message; it names the offending path and is safe to show.
        var inner = bad.InnerException?.Message;
        return inner is null ? bad.Message : $"{bad.Message} {inner}";
    }
}
