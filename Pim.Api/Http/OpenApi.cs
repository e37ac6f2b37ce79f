using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.OpenApi;
using Pim.Api.Features.Audit;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pim.Api.Http;

/// <summary>
/// The served OpenAPI document, which openapi.yaml must equal: Swashbuckle describes the endpoints, and the filters
/// below add what the endpoints' signatures cannot say — the answers every operation may give (problems, 500, 503),
/// the headers Pim sends, the one <c>Problem</c> schema with its enumerated codes, and the servers.
/// </summary>
public static partial class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string SlackSignatureScheme = "slackSignature";
    public const string ETag = "ETag";
    public const string Location = "Location";
    public const string RetryAfter = "Retry-After";
    public const string RateLimit = "RateLimit";
    public const string RateLimitPolicy = "RateLimit-Policy";
    public const string AllowOrigin = "Access-Control-Allow-Origin";
    public const string ProblemSchema = "Problem";
    public const string ProblemCodeSchema = "ProblemCode";
    public const string PageTokenParameter = "pageToken";

    public static void AddPimOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Pim",
                Version = "v1",
                Description = "Just-in-time privileged access: eligible role assignments, time-bound activation under per-role policy " +
                              "(MFA, justification, ticket, approval), access evaluation and a complete audit trail.",
            });
            swagger.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the organisation's identity provider (Pim:Auth:Authority), validated as RFC8725 asks: signed " +
                              "with RS256/384/512, PS256 or ES256/384 by the issuer's published keys ('none' and symmetric algorithms " +
                              "are refused), issuer, audience and lifetime checked, and no longer-lived than Pim:Auth:MaxTokenLifetime.",
            });
            swagger.AddSecurityDefinition(SlackSignatureScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Slack-Signature",
                Description = "Slack's request signature: v0= and the hex HMAC-SHA256, with the Slack app's signing secret " +
                              "(Pim:Slack:SigningSecret), of v0:{X-Slack-Request-Timestamp}:{the raw body}; the timestamp within five " +
                              "minutes of Pim's clock, and each signed interaction answered once.",
            });
            swagger.OperationFilter<BearerRequirementFilter>();
            swagger.OperationFilter<WireParameterFilter>();
            swagger.OperationFilter<AnswersFilter>();
            swagger.DocumentFilter<DocumentFilter>();
            swagger.SchemaFilter<Wire.SchemaFilter>();
            swagger.SchemaFilter<OpenMembersFilter>();
            swagger.SupportNonNullableReferenceTypes();
            swagger.UseAllOfToExtendReferenceSchemas();
            swagger.NonNullableReferenceTypesAsRequired();
            swagger.CustomSchemaIds(SchemaId);
            // A union on the wire (a keyword or a list of ids): its shape is declared where it is used ([Wire<Bounds.Reviewers>]).
            swagger.MapType<Features.Reviews.ReviewersDto>(() => new OpenApiSchema());
            // A wire value is a string on the wire; Wire.SchemaFilter declares its type's bound wherever it is used.
            foreach (var value in typeof(OpenApiSetup).Assembly.GetTypes().Where(t => t.IsValueType && typeof(Values.IWireValue).IsAssignableFrom(t)))
                swagger.MapType(value, () => new OpenApiSchema { Type = JsonSchemaType.String });
        });
    }

    /// <summary>Schema names without "Dto"; PageResponse&lt;RoleAssignmentResponse&gt; is "RoleAssignmentPage".</summary>
    public static string SchemaId(Type type) => type.IsGenericType
        ? string.Concat(type.GetGenericArguments().Select(a => SchemaId(a).Replace("Response", "", StringComparison.Ordinal)))
          + type.Name[..type.Name.IndexOf('`')].Replace("Response", "", StringComparison.Ordinal)
        : type.Name.Replace("Dto", "", StringComparison.Ordinal);

    /// <summary>The headers Pim sends, declared once under components/headers and referenced by the answers that carry them.</summary>
    private static readonly Dictionary<string, OpenApiHeader> Headers = new()
    {
        [RateLimit] = new()
        {
            Description = "What is left of this request class's budgets (IETF draft-ietf-httpapi-ratelimit-headers), the caller's and its " +
                          "tenant's: `\"writes\";r=<left>;t=<seconds until the window ends>, \"writes-tenant\";r=<left>;t=<seconds>`. " +
                          "Absent when rate limiting is off.",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String, MaxLength = 128, Pattern = "^\"[a-z-]+\";r=[0-9]+;t=[0-9]+(, \"[a-z-]+\";r=[0-9]+;t=[0-9]+)*$",
            },
        },
        [RateLimitPolicy] = new()
        {
            Description = "The budgets of this request class, the caller's and its tenant's: `\"writes\";q=<requests>;w=<window seconds>, " +
                          "\"writes-tenant\";q=<requests>;w=<window seconds>` (see RateLimit).",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String, MaxLength = 128, Pattern = "^\"[a-z-]+\";q=[0-9]+;w=[0-9]+(, \"[a-z-]+\";q=[0-9]+;w=[0-9]+)*$",
            },
        },
        [AllowOrigin] = new()
        {
            Description = "Sent to browsers when the request's Origin is one of Pim:Cors:AllowedOrigins (none by default).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", MaxLength = 2048 },
        },
        [Location] = new()
        {
            Description = "The path of the resource the request created (on idempotency-answer-withheld: the one the first request created).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", MaxLength = 2048 },
        },
        [ETag] = new()
        {
            Required = true,
            Description = "The version of what was read or written; send it back in If-Match to change it.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 16, Pattern = "^\"[0-9]+\"$" },
        },
        [RetryAfter] = new()
        {
            Required = true,
            Description = "Seconds to wait before retrying.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "86400" },
        },
        [IdempotencyMiddleware.ReplayedHeader] = new()
        {
            Description = "This is the recorded answer to an earlier request with the same Idempotency-Key; nothing was done again.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
        },
        [RequestIds.Header] = new()
        {
            Description = "The request identifier the request sent in X-Request-ID, echoed by the AuthZEN endpoints (/access/v1/…, " +
                          "/.well-known/authzen-configuration) on every answer; absent when the request sent none.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = RequestIds.MaxLength, Pattern = RequestIds.Pattern },
        },
        [AuditEndpoints.NextPageTokenHeader] = new()
        {
            Description = "The pageToken of the next page of a CSV export; absent on the last page.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = PageTokens.MaxLength, Pattern = PageTokens.Pattern },
        },
    };

    /// <summary>What each problem status means; the codes it comes with are listed from <see cref="Problems.Catalog"/>.</summary>
    private static readonly Dictionary<int, string> ProblemAnswers = new()
    {
        [400] = "The request is malformed or a field is invalid.",
        [401] = "Not authenticated (or not with MFA when the role requires it).",
        [403] = "Authenticated, but not allowed to do this.",
        [404] = "Not found in this tenant.",
        [405] = "Method not allowed.",
        [409] = "The state of things does not allow it now.",
        [412] = "If-Match names a version that is no longer current.",
        [413] = "The request body is too large.",
        [415] = "The request body is not JSON.",
        [422] = "Well-formed, but refused by policy.",
        [428] = "If-Match is required.",
        [429] = "Too many requests.",
        [500] = "Pim failed.",
        [503] = "Pim's store, or the identity provider whose keys it checks tokens with, does not answer now.",
    };

    /// <summary>A header of an answer: the shared declaration, or a copy of it when this answer differs in whether it is always sent.</summary>
    private static IOpenApiHeader Header(string name, bool required, OpenApiDocument document) => Headers[name].Required == required
        ? new OpenApiHeaderReference(name, document)
        : new OpenApiHeader { Required = required, Description = Headers[name].Description, Schema = Headers[name].Schema };

    /// <summary>The shared answer of a problem status: "NotFound", "TooManyRequests", … ("ScimNotFound", … for SCIM's operations).</summary>
    private static string ProblemAnswerName(int status, bool scim = false) => (scim ? "Scim" : "") +
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status).Replace(" ", "", StringComparison.Ordinal);

    public const string ScimErrorSchema = nameof(Features.Scim.ScimError);

    /// <summary>
    /// A problem status as every operation that may give it answers it: the Problem schema, the codes of the catalog that
    /// come with the status, the rate-limit and CORS headers, Retry-After when it is a matter of time, and the replay mark
    /// on the statuses an Idempotency-Key records (the others are decided afresh on every request).
    /// </summary>
    private static OpenApiResponse ProblemAnswer(int status, OpenApiDocument document, bool scim = false)
    {
        var headers = new List<(string Name, bool Required)> { (RateLimit, false), (RateLimitPolicy, false), (AllowOrigin, false), (RequestIds.Header, false) };
        if (status is 429 or 503) headers.Add((RetryAfter, true));
        if (status is not (401 or 403 or 404 or 429 or >= 500)) headers.Add((IdempotencyMiddleware.ReplayedHeader, false));
        if (status == 409) headers.Add((Location, false));
        return new OpenApiResponse
        {
            Description = ProblemAnswers[status] + " " + string.Join(", ", Problems.Catalog.Where(k => k.Status == status).Select(k => $"`{k.Code}`")) + "." +
                          (scim ? " As a SCIM error (RFC 7644 §3.12): the status as a string, and scimType where SCIM names one." : ""),
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [scim ? Features.Scim.ScimJson.MediaType : ProblemJsonWriter.ContentType] =
                    new() { Schema = new OpenApiSchemaReference(scim ? ScimErrorSchema : ProblemSchema, document) },
            },
            Headers = headers.ToDictionary(h => h.Name, h => Header(h.Name, h.Required, document)),
        };
    }

    /// <summary>
    /// Every operation's answers as Pim gives them: every problem status it may answer (the shared answers above), and the
    /// headers of its own answers.
    /// </summary>
    private sealed class AnswersFilter : IOperationFilter
    {
        private static readonly int[] Always = [400, 401, 403, 404, 409, 422, 429, 500, 503];
        private static readonly int[] WithBody = [413, 415];

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var description = context.ApiDescription;
            var metadata = description.ActionDescriptor.EndpointMetadata;
            operation.Responses ??= [];
            var statuses = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body) ? Always.Concat(WithBody) : Always;
            foreach (var status in statuses) operation.Responses.TryAdd(Key(status), new OpenApiResponse());

            var scim = metadata.OfType<EndpointMarkers.Scim>().Any();
            var idempotent = HttpMethods.IsPost(description.HttpMethod ?? "") && !metadata.OfType<EndpointMarkers.Evaluation>().Any() && !scim;
            var echoesRequestId = metadata.OfType<RequestIds.Echoes>().Any();
            if (echoesRequestId)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = RequestIds.Header,
                    In = ParameterLocation.Header,
                    Description = "An identifier of the request (AuthZEN's request identification), echoed in the answer's X-Request-ID.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = RequestIds.MaxLength, Pattern = RequestIds.Pattern },
                });
            }
            if (idempotent)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyMiddleware.Header,
                    In = ParameterLocation.Header,
                    Description = "Makes a retry safe: a second request with the same key (within 24 hours, by the same caller) is answered " +
                                  "with the first one's recorded answer and Idempotent-Replayed: true, without doing anything again.",
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyMiddleware.MaxKeyLength, Pattern = "^[^\\x00-\\x1F\\x7F]+$",
                    },
                });
            }

            foreach (var (key, answer) in operation.Responses.ToList())
            {
                var status = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
                if (status >= 400)
                {
                    operation.Responses[key] = new OpenApiResponseReference(ProblemAnswerName(status, scim), context.Document);
                    continue;
                }
                if (answer is not OpenApiResponse response) continue;
                var headers = new List<(string Name, bool Required)> { (RateLimit, false), (RateLimitPolicy, false), (AllowOrigin, false) };
                if (status == 201) headers.Add((Location, true));
                if (idempotent) headers.Add((IdempotencyMiddleware.ReplayedHeader, false));
                if (echoesRequestId) headers.Add((RequestIds.Header, false));
                headers.AddRange(metadata.OfType<EndpointMarkers.ResponseHeader>().Where(h => h.Status == status).Select(h => (h.Name, h.Required)));
                response.Headers = headers.ToDictionary(h => h.Name, h => Header(h.Name, h.Required, context.Document));
                foreach (var alternative in metadata.OfType<EndpointMarkers.AlternativeContent>().Where(c => c.Status == status))
                    (response.Content ??= new Dictionary<string, OpenApiMediaType>())[alternative.ContentType] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = alternative.MaxLength },
                    };
            }
            // Answers in status order, as a reader scans them.
            var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            operation.Responses.Clear();
            foreach (var (key, value) in ordered) operation.Responses[key] = value;
        }

        private static string Key(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Parameters as the wire has them: every path parameter of the route (the tenant is bound through
    /// <see cref="CurrentCaller"/>, not as a handler argument), camelCase query names ([AsParameters] records bind them
    /// case-insensitively from their PascalCase properties), and the bounds of each (<see cref="Wire"/>).
    /// </summary>
    private sealed class WireParameterFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            operation.Parameters ??= [];
            foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query && p.Name is { Length: > 0 }))
                parameter.Name = char.ToLowerInvariant(parameter.Name![0]) + parameter.Name[1..];
            var route = context.ApiDescription.RelativePath ?? "";
            var position = 0;
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(route, "{([^}:?]+)[^}]*}"))
            {
                var name = match.Groups[1].Value;
                if (operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name)) { position++; continue; }
                operation.Parameters.Insert(position++, new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
            Wire.DeclareParameters(operation, context.MethodInfo, route, context.SchemaRepository);
        }
    }

    /// <summary>
    /// Pim's wire refuses unknown members (and Swashbuckle declares <c>additionalProperties: false</c> from that), except on
    /// the records that skip them: AuthZEN's requests, whose receivers "MUST ignore unknown fields".
    /// </summary>
    private sealed class OpenMembersFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is OpenApiSchema target && context.Type.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonUnmappedMemberHandlingAttribute), false)
                    is [System.Text.Json.Serialization.JsonUnmappedMemberHandlingAttribute { UnmappedMemberHandling: System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip }])
            {
                target.AdditionalPropertiesAllowed = true;
                target.AdditionalProperties = null;
            }
        }
    }

    /// <summary>
    /// A shared schema, or null, as OpenAPI 3.1 (JSON Schema 2020-12) says it: <c>oneOf: [{$ref}, {type: "null"}]</c>. The
    /// 3.0 encoding (<c>nullable: true</c> beside a <c>oneOf</c> without <c>type</c>) does not admit null at all, and a
    /// <c>type</c> beside the <c>$ref</c> would not either (a null fails the <c>oneOf</c>); generators read this one as
    /// "the referenced type, or null".
    /// </summary>
    public static OpenApiSchema OrNull(OpenApiSchemaReference reference) =>
        new() { OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }] };

    /// <summary>
    /// Operations that require authentication name the bearer scheme; those a signature authenticates (Slack's), its
    /// scheme; anonymous ones declare an empty requirement.
    /// </summary>
    private sealed class BearerRequirementFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<EndpointMarkers.SlackSigned>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SlackSignatureScheme, context.Document)] = [] }];
                return;
            }
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                // Public on purpose (AuthZEN's metadata): an empty requirement says so, rather than leaving it unsaid.
                operation.Security = [];
                return;
            }
            if (!metadata.OfType<IAuthorizeData>().Any()) return;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
        }
    }
}
