namespace Pim.Api.Http;

/// <summary>The log messages of Pim's HTTP pipeline, compiled once by <c>[LoggerMessage]</c> (event ids 5xxx).</summary>
public static partial class ApiLog
{
    [LoggerMessage(5001, LogLevel.Error, "Unhandled exception on {Method} {Path}")]
    public static partial void Unhandled(this ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(5002, LogLevel.Warning, "The store did not answer {Method} {Path}")]
    public static partial void StoreDidNotAnswer(this ILogger logger, Exception exception, string method, PathString path);

    /// <summary>The request log (<see cref="RequestLog"/>): Information, or Error for a 5xx answer or an escaped exception.</summary>
    [LoggerMessage(EventId = 5003, Message = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms")]
    public static partial void RequestEnded(this ILogger logger, LogLevel level, Exception? exception, string requestMethod, string requestPath, int statusCode, double elapsed);
}
