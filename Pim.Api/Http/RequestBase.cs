using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// The absolute base URL of Pim as the request reached it — its scheme (<c>X-Forwarded-Proto</c> counts only from a proxy
/// of <c>Pim:Network:TrustedProxies</c>), Host and path base — for the URLs Pim's answers carry (AuthZEN's metadata, SCIM's
/// locations): a client is pointed back where it came from.
/// </summary>
public static class RequestBase
{
    /// <summary>The longest URL an answer carries.</summary>
    public const int MaximumUrlLength = 2048;

    /// <param name="room">What the longest URL built on the base adds to it: the base is refused when it leaves less.</param>
    public static string Of(HttpRequest request, int room)
    {
        if (!request.Host.HasValue)
            throw new PimException(ErrorCodes.MalformedRequest, "The request names no Host: the URLs of the answer are built from it.");
        var url = $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";
        if (url.Length > MaximumUrlLength - room)
            throw new PimException(ErrorCodes.MalformedRequest, $"The request's Host is longer than the answer's URLs allow ({MaximumUrlLength - room}).");
        return url;
    }
}
