using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// AuthZEN's request identification: "when an Authorization API request contains a request identifier the PDP MUST
/// include [the same] request identifier in the response", in <c>X-Request-ID</c>. Endpoints marked with
/// <see cref="EchoesRequestId{TBuilder}"/> echo it on every answer — decisions, problems, 401 and 429 alike — when it
/// is within its bounds (1-255 printable ASCII characters); one outside them is refused (400 validation-failed).
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Request-ID";
    public const int MaxLength = 255;
    public const string Pattern = "^[\\x20-\\x7E]+$";

    /// <summary>The endpoint echoes <see cref="Header"/>.</summary>
    public sealed class Echoes;

    public static TBuilder EchoesRequestId<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Echoes());

    public static void UseRequestIdEcho(this WebApplication app) => app.Use(async (http, next) =>
    {
        if (!http.Has<Echoes>() || !http.Request.Headers.TryGetValue(Header, out var values))
        {
            await next(http);
            return;
        }
        var id = values.ToString();
        if (id.Length is 0 or > MaxLength || id.Any(c => c is < ' ' or > '~'))
        {
            await Problems.WriteAsync(http, ErrorCodes.ValidationFailed, $"{Header} must be 1-{MaxLength} printable ASCII characters.",
                new Dictionary<string, string[]> { [Header] = [$"'{Header}' must be 1-{MaxLength} printable ASCII characters."] });
            return;
        }
        Echo(http, id);
        await next(http);
    });

    /// <summary>
    /// Set as the answer starts: the exception handler clears the headers set before. Its own
    /// method: a closure in the middleware would capture its <c>HttpContext</c> parameter, and so be made for every request.
    /// </summary>
    private static void Echo(HttpContext http, string id) => http.Response.OnStarting(() =>
    {
        http.Response.Headers[Header] = id;
        return Task.CompletedTask;
    });
}
