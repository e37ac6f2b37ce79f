using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Scim;

/// <summary>
/// SCIM on the wire: requests in <c>application/scim+json</c> (or <c>application/json</c>) with attribute names in any
/// case and Entra ID's booleans written as strings ("False"), unknown attributes refused; answers in
/// <c>application/scim+json</c> without the attributes that have no value; errors as SCIM errors (RFC 7644 §3.12).
/// </summary>
public static class ScimJson
{
    public const string MediaType = "application/scim+json";

    /// <summary>Where SCIM lives; a problem on these paths is written as a SCIM error (<see cref="ProblemJsonWriter"/>).</summary>
    public const string BasePath = "/scim/v2";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new LenientBoolean() },
    };

    public static bool IsScim(HttpContext http) => http.Request.Path.StartsWithSegments(BasePath);

    /// <summary>
    /// Reads a SCIM request body: its media type must be application/scim+json or application/json (415 otherwise), its
    /// JSON must be the resource (400 otherwise, naming what is wrong).
    /// </summary>
    public static async ValueTask<T?> ReadAsync<T>(HttpContext http)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !(type.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase) || type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            || (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
            throw new BadHttpRequestException($"A SCIM request body is {MediaType} (or application/json) in UTF-8.", StatusCodes.Status415UnsupportedMediaType);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Options, http.RequestAborted)
                ?? throw new PimException(ErrorCodes.MalformedRequest, "The request body is JSON null, not a SCIM resource.");
        }
        catch (JsonException e)
        {
            throw Unreadable(ErrorCodes.MalformedRequest, e);
        }
    }

    /// <summary>A resource from a JSON document (after a PATCH): 400 when the document is not one.</summary>
    public static T Read<T>(JsonObject document)
    {
        try
        {
            return document.Deserialize<T>(Options) ?? throw new PimException(ErrorCodes.ValidationFailed, "The resource is empty.");
        }
        catch (JsonException e)
        {
            throw Unreadable(ErrorCodes.ValidationFailed, e);
        }
    }

    /// <summary>What is wrong with a resource that does not read, named by its path (never by the types that read it).</summary>
    private static PimException Unreadable(string code, JsonException e)
    {
        var path = e.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : null;
        return path is null
            ? new PimException(code, "The request body is not a SCIM resource: it is not JSON, or not an object of the resource's attributes.")
            : new PimException(code, "An attribute cannot be read.",
                new Dictionary<string, string[]> { [path] = ["not an attribute of the resource, or not of the attribute's type (RFC 7643)"] });
    }

    public static JsonObject Write<T>(T resource) => JsonSerializer.SerializeToNode(resource, Options)!.AsObject();

    /// <summary>The SCIM error of a problem (RFC 7644 §3.12): the status as a string, the <c>scimType</c> where SCIM names one, the detail with the fields at fault.</summary>
    public static ScimError ErrorOf(ProblemDetails problem)
    {
        var code = problem.Extensions.TryGetValue("code", out var value) ? value as string : null;
        var detail = problem.Detail ?? problem.Title;
        if (problem.Extensions.TryGetValue("errors", out var errors) && errors is IReadOnlyDictionary<string, string[]> fields)
            foreach (var (field, messages) in fields)
                foreach (var message in messages.Where(m => m != detail))
                    detail += $" {field}: {message}";
        if (detail is { Length: > Problems.MaxDetail }) detail = detail[..(Problems.MaxDetail - 1)] + "…";
        return new ScimError([ScimUrns.Error], (problem.Status ?? 500).ToString(System.Globalization.CultureInfo.InvariantCulture),
            code is null ? null : ScimTypes.GetValueOrDefault(code), detail);
    }

    /// <summary>The SCIM error types (RFC 7644 Table 9) of Pim's problem codes that have one.</summary>
    public static readonly IReadOnlyDictionary<string, string> ScimTypes = new Dictionary<string, string>
    {
        [ErrorCodes.InvalidFilter] = "invalidFilter",
        [ErrorCodes.InvalidPath] = "invalidPath",
        [ErrorCodes.NoTarget] = "noTarget",
        [ErrorCodes.NotUnique] = "uniqueness",
        [ErrorCodes.MalformedRequest] = "invalidSyntax",
        [ErrorCodes.ValidationFailed] = "invalidValue",
        [ErrorCodes.UnknownPrincipal] = "invalidValue",
        [ErrorCodes.MembershipCycle] = "invalidValue",
        [ErrorCodes.ReadOnlyField] = "mutability",
    };

    public static readonly string[] ScimTypeValues = ["invalidFilter", "invalidPath", "invalidSyntax", "invalidValue", "mutability", "noTarget", "uniqueness"];

    /// <summary>Booleans, also as the strings "true" and "false" in any case (Entra ID writes <c>"active":"False"</c>).</summary>
    private sealed class LenientBoolean : JsonConverter<bool>
    {
        public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
            _ => throw new JsonException("A boolean is true or false."),
        };

        public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
    }
}

/// <summary>A SCIM answer: a resource (or its projection) in application/scim+json, with its ETag when it has a version.</summary>
public abstract class ScimResult(int status, JsonNode body, string? etag, string? location = null) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ScimJson.MediaType;
        if (etag is not null) http.Response.Headers.ETag = etag;
        if (location is not null) http.Response.Headers.Location = location;
        return http.Response.WriteAsync(body.ToJsonString(ScimJson.Options), http.RequestAborted);
    }

    protected static void Declare(EndpointBuilder builder, int status, Type type) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, type, [ScimJson.MediaType]));
}

/// <summary>200 with a <typeparamref name="T"/> in application/scim+json.</summary>
public sealed class ScimOk<T>(JsonNode body, string? etag = null) : ScimResult(StatusCodes.Status200OK, body, etag), IEndpointMetadataProvider
{
    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status200OK, typeof(T));
}

/// <summary>201 with the <typeparamref name="T"/> created, its Location and ETag.</summary>
public sealed class ScimCreated<T>(JsonNode body, string location, string etag)
    : ScimResult(StatusCodes.Status201Created, body, etag, location), IEndpointMetadataProvider
{
    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status201Created, typeof(T));
}
