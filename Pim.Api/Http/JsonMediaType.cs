using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Pim.Api.Http;

/// <summary>
/// Pim's JSON endpoints read <c>application/json</c> bodies only, as the contract says: ASP.NET Core alone would take any
/// <c>+json</c> media type (<c>application/scim+json</c>, <c>application/ld+json</c>). SCIM's endpoints read their own
/// media type too (Features/Scim/ScimJson), and only they.
/// </summary>
public static class JsonMediaType
{
    public const string Json = "application/json";

    /// <summary>
    /// Checked before the endpoint reads the body, not as an endpoint filter: a filter runs after binding, and every filter
    /// an endpoint has costs each of its requests the filter pipeline (the evaluation's among them). The endpoints that
    /// read a body are known once their handler's metadata is (<see cref="IEndpointConventionBuilder.Finally"/>).
    /// </summary>
    public static TBuilder AcceptsJsonOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            if (!endpoint.Metadata.OfType<IAcceptsMetadata>().Any() || endpoint.RequestDelegate is not { } handler) return;
            endpoint.RequestDelegate = http => IsRefused(http.Request.ContentType)
                ? throw new BadHttpRequestException($"The request body is {Json}.", StatusCodes.Status415UnsupportedMediaType)
                : handler(http);
        });
        return builder;
    }

    /// <summary>A body of another media type than JSON's (the usual answer first: exactly "application/json" needs no parsing).</summary>
    private static bool IsRefused(string? type) =>
        type is not null && !type.Equals(Json, StringComparison.OrdinalIgnoreCase)
        && (!MediaTypeHeaderValue.TryParse(type, out var media) || !media.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase));
}
