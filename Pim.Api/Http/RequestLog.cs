using System.Diagnostics;
using Serilog.Events;

namespace Pim.Api.Http;

/// <summary>
/// One log event per request, when it ends: <c>HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed} ms</c>,
/// at Information, or Error for a 5xx answer or an exception that escaped (logged with it, and rethrown), with the trace
/// id of the request. As Serilog.AspNetCore's request logging writes it, without its diagnostic context, which Pim does
/// not use and which cost every request an async-local collection (~0.3 KB and two execution-context copies, issue 27).
/// Its level is <c>Serilog:MinimumLevel:Override:Pim.Api.Http.RequestLog</c>.
/// </summary>
public static class RequestLog
{
    public const string Template = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms";

    public static void UseRequestLog(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<Serilog.ILogger>().ForContext(typeof(RequestLog));
        app.Use(async (http, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            catch (Exception e) when (Written(log, http, StatusCodes.Status500InternalServerError, start, e))
            {
                // never: Written answers false, so that the exception goes on with its stack (the event is written meanwhile)
            }
            Written(log, http, http.Response.StatusCode, start, null);
        });
    }

    private static bool Written(Serilog.ILogger log, HttpContext http, int status, long start, Exception? exception)
    {
        var level = exception is not null || status >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error : LogEventLevel.Information;
        if (log.IsEnabled(level))
            log.Write(level, exception, Template, http.Request.Method, http.Request.Path.ToString(), status, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return false;
    }
}
