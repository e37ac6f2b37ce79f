using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.OpenApi;
using Pim.Api.Features.Audit;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pim.Api.Http;

// The document as a whole: DocumentFilter.
public static partial class OpenApiSetup
{
    /// <summary>
    /// The document as a whole: servers, tag descriptions, the shared headers, the one Problem schema (replacing ASP.NET
    /// Core's two) with its enumerated codes, and single-reference <c>allOf</c>s replaced by the reference (or null).
    /// </summary>
    private sealed class DocumentFilter : IDocumentFilter
    {
        private static readonly Dictionary<string, string> TagDescriptions = new()
        {
            ["Tenants"] = "Consent to Pim, and the sign-up of directory roles and resource scopes.",
            ["Principals"] = "The tenant's directory as Pim knows it: users, guests, service principals and groups.",
            ["Roles"] = "The role catalog, a role's members, and its settings per scope.",
            ["Role assignments"] = "Eligible and active assignments: create, remove, make eligible, make active, usage.",
            ["My roles"] = "The caller's eligible and active roles.",
            ["Activation requests"] = "Activating a role: request, batch, extend, cancel, deactivate.",
            ["Approvals"] = "Requests waiting for the caller's approval, and the decision.",
            ["Access"] = "Whether a principal holds a role now.",
            ["AuthZEN"] = "The OpenID AuthZEN Authorization API 1.0 over access evaluation, for API gateways and identity products: " +
                          "action 'hold', resource type 'role', subject type a principal kind.",
            ["Audit"] = "Who did what, when, where from and why.",
            ["Notifications"] = "The outbox of emails and webhook deliveries, and re-driving failures.",
            ["Webhooks"] = "Signed HTTP callbacks on activation events.",
            ["Integrations"] = "Chat where approvers are: a tenant's Slack workspace, connected by its PIM administrators, and the interactions Slack sends (signed with the app's signing secret).",
            ["Scopes"] = "Management groups, subscriptions and resource groups under which resource roles are assigned.",
            ["SCIM"] = "SCIM 2.0 (RFC 7643, RFC 7644) for identity systems that provision the directory (Entra ID, Okta, OneLogin): Users " +
                       "and Groups of the token's tenant (/scim/v2/…) or of the tenant a platform identity names (/scim/v2/tenants/{tenantId}/…), " +
                       "in application/scim+json.",
            ["Alerts"] = "Security alerts computed from what Pim knows (standing access, usage, activations, sign-ins it saw), their incidents and settings.",
            ["Access reviews"] = "Recurring reviews of role assignments, with recommendations from usage and activations, and their results.",
        };

        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            document.Servers =
            [
                new OpenApiServer
                {
                    Url = "/",
                    Description = "The Pim that serves this document: production, staging or local, wherever it is deployed.",
                    Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(true)) },
                },
            ];
            var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
                .Select(t => t.Name!).Distinct().Order(StringComparer.Ordinal).ToList();
            document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag
            {
                Name = name,
                Description = TagDescriptions.TryGetValue(name, out var text) ? text
                    : throw new InvalidOperationException($"The tag '{name}' has no description in OpenApiSetup."),
            }));

            document.Components ??= new OpenApiComponents();
            document.Components.Headers = Headers.ToDictionary(h => h.Key, h => (IOpenApiHeader)h.Value);
            var schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            schemas.Remove("ProblemDetails");
            schemas.Remove("HttpValidationProblemDetails");
            schemas[ProblemCodeSchema] = Wire.Enumeration(Problems.Catalog.Select(k => k.Code),
                "The stable code of a problem; the README's table of problem codes says what each means and its status.");
            schemas[ProblemSchema] = ProblemDefinition(document);
            var answered = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
                .SelectMany(o => o.Responses?.Values.OfType<OpenApiResponseReference>() ?? []).Select(r => r.Reference.Id).ToHashSet();
            document.Components.Responses = ProblemAnswers.Keys.Where(status => answered.Contains(ProblemAnswerName(status)))
                .ToDictionary(status => ProblemAnswerName(status), status => (IOpenApiResponse)ProblemAnswer(status, document));
            foreach (var status in ProblemAnswers.Keys.Where(status => answered.Contains(ProblemAnswerName(status, scim: true))))
                document.Components.Responses[ProblemAnswerName(status, scim: true)] = ProblemAnswer(status, document, scim: true);
            if (answered.Any(a => a?.StartsWith("Scim", StringComparison.Ordinal) == true))
                context.SchemaGenerator.GenerateSchema(typeof(Features.Scim.ScimError), context.SchemaRepository);

            foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
                foreach (var (name, property) in schema.Properties?.ToList() ?? [])
                    schema.Properties![name] = Tidy(property);
            foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
                foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                    if (media.Schema is not null) media.Schema = Tidy(media.Schema);

            // The page token is one parameter, shared by every paged list (and named once in contract-lint/.spectral.yaml).
            IOpenApiParameter? pageToken = null;
            foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
                for (var i = 0; i < (operation.Parameters?.Count ?? 0); i++)
                    if (operation.Parameters![i] is OpenApiParameter { Name: PageTokenParameter, In: ParameterLocation.Query } parameter)
                    {
                        pageToken ??= parameter;
                        operation.Parameters[i] = new OpenApiParameterReference(PageTokenParameter, document);
                    }
            if (pageToken is not null)
                document.Components.Parameters = new Dictionary<string, IOpenApiParameter> { [PageTokenParameter] = pageToken };
        }

        /// <summary>
        /// Swashbuckle wraps a referenced schema in a one-item allOf to say nullable. Without nullable the wrapper goes; with
        /// it, it becomes <see cref="OrNull"/>.
        /// </summary>
        private static IOpenApiSchema Tidy(IOpenApiSchema schema)
        {
            if (schema is not OpenApiSchema { AllOf: [OpenApiSchemaReference reference] } wrapper || wrapper.Properties is { Count: > 0 }) return schema;
            return wrapper.Type?.HasFlag(JsonSchemaType.Null) == true ? OrNull(reference) : reference;
        }

        /// <summary>RFC 9457 problem details as Pim writes them (<see cref="Problems"/>).</summary>
        private static OpenApiSchema ProblemDefinition(OpenApiDocument document) => new()
        {
            Type = JsonSchemaType.Object,
            Description = "A refusal or failure (RFC 9457), always application/problem+json. Switch on `code`; quote `traceId` to operators.",
            Required = new HashSet<string> { "type", "title", "status", "code", "traceId" },
            AdditionalPropertiesAllowed = false,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", MaxLength = 128, Description = "https://pim.dev/problems/{code}" },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 128, Description = "The code in words." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, MaxLength = Problems.MaxDetail, Description = "What went wrong, for a human." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "uri-reference", MaxLength = Problems.MaxInstance, Description = "The request's path." },
                ["code"] = new OpenApiSchemaReference(ProblemCodeSchema, document),
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 64, Pattern = "^[A-Za-z0-9:._-]+$", Description = "The W3C trace id of the request, as in Pim's logs." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "With validation-failed: each invalid field (a JSON path such as ticket.number or roleIds[2]) and what is wrong with it.",
                    MaxProperties = Problems.MaxFieldErrors,
                    AdditionalProperties = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        MaxItems = Problems.MaxMessagesPerField,
                        Items = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Problems.MaxDetail },
                    },
                },
            },
        };
    }
}
