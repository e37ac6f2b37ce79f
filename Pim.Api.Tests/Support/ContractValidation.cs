using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NJsonSchema;
using NJsonSchema.Validation;
using NSwag;

namespace Pim.Api.Tests.Support;

/// <summary>
/// Every response of every HTTP test is checked against openapi.yaml — the contract SDKs are generated from — by a
/// middleware in front of Pim's pipeline: the status must be declared for the operation, the media type declared for
/// that status, the contract's headers declared (and required ones present), and a JSON body valid against the declared
/// schema (OpenAPI 3.0 rules, nullable included). A response that breaks the contract is replaced by
/// <c>599 Contract Violation</c> with the reasons, so the test that caused it fails, whatever it expected.
/// </summary>
public static class ContractValidation
{
    public const int ViolationStatus = 599;

    /// <summary>The headers the contract speaks of: present in a response, each must be declared for it.</summary>
    private static readonly string[] ContractHeaders =
        ["Location", "ETag", "Retry-After", "Idempotent-Replayed", "Pim-Next-Page-Token", "RateLimit", "RateLimit-Policy", "Access-Control-Allow-Origin",
         "X-Request-ID"];

    /// <summary>openapi.yaml, read once.</summary>
    public static readonly Lazy<OpenApiDocument> Document = new(() =>
        OpenApiYamlDocument.FromFileAsync(Path.Combine(Http.ContractTests.RepositoryRoot(), "openapi.yaml")).GetAwaiter().GetResult());

    /// <summary>The operation of openapi.yaml with this id, with its method and path.</summary>
    public static OpenApiOperationDescription Described(string operationId) =>
        Document.Value.Operations.Single(o => o.Operation.OperationId == operationId);

    /// <summary>
    /// The operation's path in the scenario's tenant, every path parameter a well-formed value (a role, a principal, an
    /// area, otherwise "x1"), except <paramref name="parameter"/>, which gets <paramref name="value"/> as it is.
    /// </summary>
    public static string PathIn(Scenario s, OpenApiOperationDescription described, string? parameter = null, string? value = null) =>
        described.Operation.ActualParameters.Where(p => p.Kind == OpenApiParameterKind.Path).Aggregate(described.Path, (path, p) =>
            path.Replace("{" + p.Name + "}", p.Name == parameter ? value! : p.Name switch
            {
                "tenantId" => s.Id,
                "roleId" => "exchange-administrator",
                "principalId" => "carol",
                "area" => "directoryRoles",
                _ => "x1",
            }, StringComparison.Ordinal));

    private static readonly Lazy<Dictionary<string, OpenApiOperation>> Operations = new(() =>
        Document.Value.Operations.Where(o => o.Operation.OperationId is not null).ToDictionary(o => o.Operation.OperationId, o => o.Operation));

    public static IReadOnlyList<string> Check(string operationId, string method, int status, string? contentType, IHeaderDictionary headers, string body)
    {
        if (!Operations.Value.TryGetValue(operationId, out var operation)) return [$"operation {operationId} is not in openapi.yaml"];
        var problems = new List<string>();
        if (!operation.ActualResponses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)
            && !operation.ActualResponses.TryGetValue("default", out response))
            return [$"{operationId}: status {status} is not declared"];
        response = response.ActualResponse;

        foreach (var name in ContractHeaders.Where(h => headers.ContainsKey(h)))
            if (!response.Headers.Keys.Any(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)))
                problems.Add($"{operationId} {status}: header {name} is sent but not declared");
        foreach (var (name, header) in response.Headers)
        {
            var declared = header.ActualParameter;
            if (!headers.TryGetValue(name, out var value))
            {
                if (declared.IsRequired) problems.Add($"{operationId} {status}: required header {name} is missing");
                continue;
            }
            var headerSchema = (declared.Schema ?? declared).ActualSchema;
            var json = headerSchema.Type.HasFlag(JsonObjectType.Integer) && long.TryParse(value.ToString(), out _)
                ? value.ToString()
                : System.Text.Json.JsonSerializer.Serialize(value.ToString());
            foreach (var error in new JsonSchemaValidator().Validate(json, headerSchema, SchemaType.OpenApi3))
                problems.Add($"{operationId} {status}: header {name} '{value}' breaks its schema: {error.Kind}");
        }

        var mediaType = contentType?.Split(';')[0].Trim();
        if (body.Length == 0)
        {
            if (response.Content.Count > 0 && !HttpMethods.IsHead(method)) problems.Add($"{operationId} {status}: declares a body but none was sent");
            return problems;
        }
        if (mediaType is null || !response.Content.TryGetValue(mediaType, out var media))
            return [.. problems, $"{operationId} {status}: media type {mediaType ?? "(none)"} is not declared (declared: {string.Join(", ", response.Content.Keys)})"];
        if (mediaType.EndsWith("json", StringComparison.Ordinal) && media.Schema is { } schema)
            foreach (var error in new JsonSchemaValidator().Validate(body, schema.ActualSchema, SchemaType.OpenApi3))
                problems.Add($"{operationId} {status}: {error.Path} {error.Property} {error.Kind}");
        return problems;
    }

    /// <summary>Installs the check in front of the pipeline of every Pim a test starts in-process.</summary>
    public sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, nextMiddleware) =>
            {
                var original = http.Response.Body;
                await using var buffer = new MemoryStream();
                http.Response.Body = buffer;
                try { await nextMiddleware(http); }
                finally { http.Response.Body = original; }
                var body = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
                var metadata = http.GetEndpoint()?.Metadata;
                var operationId = metadata?.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true } ? null
                    : metadata?.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
                var violations = operationId is null ? []
                    : Check(operationId, http.Request.Method, http.Response.StatusCode, http.Response.ContentType, http.Response.Headers, body);
                if (violations.Count == 0)
                {
                    buffer.Position = 0;
                    await buffer.CopyToAsync(original);
                    return;
                }
                if (Environment.GetEnvironmentVariable("PIM_CONTRACT_REPORT") is { Length: > 0 } report)
                {
                    await File.AppendAllLinesAsync(report, violations);
                    buffer.Position = 0;
                    await buffer.CopyToAsync(original);
                    return;
                }
                http.Response.Clear();
                http.Response.StatusCode = ViolationStatus;
                http.Response.ContentType = "text/plain";
                await http.Response.WriteAsync($"The response broke openapi.yaml:\n{string.Join("\n", violations)}\n\nThe response was:\n{body}");
            });
            next(app);
        };
    }
}
