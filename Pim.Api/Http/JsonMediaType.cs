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

    public static TBuilder AcceptsJsonOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // The usual answer first: exactly "application/json" needs no parsing.
            if (http.Request.ContentType is { } type && !type.Equals(Json, StringComparison.OrdinalIgnoreCase)
                && http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is not null
                && (!MediaTypeHeaderValue.TryParse(type, out var media) || !media.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase)))
                throw new BadHttpRequestException($"The request body is {Json}.", StatusCodes.Status415UnsupportedMediaType);
            return await next(context);
        });
}
