using System.Diagnostics;

namespace Pim.Api.Http;

/// <summary>
/// One log event per request, when it ends: <c>HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed} ms</c>,
/// at Information, or Error for a 5xx answer or an exception that escaped (logged with it, and rethrown), with the trace
/// id of the request — as Serilog.AspNetCore's request logging wrote it, without its diagnostic context, which Pim never
/// used and which cost every request an async-local collection (~0.3 KB and two execution-context copies, issue 27).
/// Its level is <c>Serilog:MinimumLevel:Override:Pim.Api.Http.RequestLog</c>.
/// </summary>
public sealed class RequestLog(RequestDelegate next, ILogger<RequestLog> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        catch (Exception e) when (Written(http, StatusCodes.Status500InternalServerError, start, e))
        {
            // never: Written answers false, so that the exception goes on with its stack (its event written meanwhile)
        }
        Written(http, http.Response.StatusCode, start, null);
    }

    private bool Written(HttpContext http, int status, long start, Exception? exception)
    {
        var level = exception is not null || status >= StatusCodes.Status500InternalServerError ? LogLevel.Error : LogLevel.Information;
        if (logger.IsEnabled(level)) // the path's text is made only for an event written
            logger.RequestEnded(level, exception, http.Request.Method, http.Request.Path.ToString(), status, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return false;
    }
}
