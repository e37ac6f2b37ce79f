using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pim.Api.Http;

public static class OpenApiSetup
{
    public const string BearerScheme = "bearer";

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
                Description = "A JWT from the organisation's identity provider (or, in Development, from POST /dev/token).",
            });
            swagger.OperationFilter<BearerRequirementFilter>();
            swagger.OperationFilter<RetryAfterFilter>();
            swagger.OperationFilter<WireParameterFilter>();
            swagger.SupportNonNullableReferenceTypes();
            swagger.NonNullableReferenceTypesAsRequired();
            swagger.CustomSchemaIds(SchemaId);
        });
    }

    /// <summary>Schema names without "Dto"; PageResponse&lt;RoleAssignmentResponse&gt; is "RoleAssignmentPage".</summary>
    private static string SchemaId(Type type) => type.IsGenericType
        ? string.Concat(type.GetGenericArguments().Select(a => SchemaId(a).Replace("Response", "", StringComparison.Ordinal)))
          + type.Name[..type.Name.IndexOf('`')].Replace("Response", "", StringComparison.Ordinal)
        : type.Name.Replace("Dto", "", StringComparison.Ordinal);

    /// <summary>
    /// Parameters as the wire has them: every path parameter of the route (the tenant is bound through
    /// <see cref="CurrentCaller"/>, not as a handler argument), and camelCase query names ([AsParameters] records bind them
    /// case-insensitively from their PascalCase properties).
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
        }
    }

    /// <summary>A 429 answer says when to retry.</summary>
    private sealed class RetryAfterFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (operation.Responses?.TryGetValue("429", out var response) != true || response is not OpenApiResponse tooMany) return;
            tooMany.Headers ??= new Dictionary<string, IOpenApiHeader>();
            tooMany.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before the caller's (or its tenant's) budget allows another request.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            };
        }
    }

    /// <summary>Operations that require authentication name the bearer scheme.</summary>
    private sealed class BearerRequirementFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any()) return;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
        }
    }
}
