using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Text.Json;
using System.Text.Json.Nodes;
using NSwag;

namespace Pim.Api.Tests.Support;

/// <summary>
/// Every response of every HTTP test is checked against openapi.yaml — the contract SDKs are generated from — by a
/// middleware in front of Pim's pipeline: the status must be declared for the operation, the media type declared for
/// that status, the contract's headers declared (and required ones present, each valid against its schema), and a JSON
/// body valid against the declared schema by JSON Schema 2020-12, the dialect of OpenAPI 3.1 (<see cref="ContractDocument"/>:
/// a null only where the schema says null, formats asserted). A response that breaks the contract is replaced by
/// <c>599 Contract Violation</c> with the reasons, so the test that caused it fails, whatever it expected.
/// </summary>
public static class ContractValidation
{
    public const int ViolationStatus = 599;

    /// <summary>The headers the contract speaks of: present in a response, each must be declared for it.</summary>
    private static readonly string[] ContractHeaders =
        ["Location", "ETag", "Retry-After", "Idempotent-Replayed", "Pim-Next-Page-Token", "RateLimit", "RateLimit-Policy", "Access-Control-Allow-Origin",
         "X-Request-ID"];

    /// <summary>openapi.yaml as NSwag reads it, for the tests that walk its operations and parameters.</summary>
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

    /// <summary>openapi.yaml as JSON, its schemas evaluated by JSON Schema 2020-12 (the dialect of OpenAPI 3.1).</summary>
    public static readonly Lazy<ContractDocument> Contract = new(() =>
        ContractDocument.FromYamlFile(Path.Combine(Http.ContractTests.RepositoryRoot(), "openapi.yaml")));

    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    /// <summary>Each operation of a document by its id, with the JSON pointer of its operation object.</summary>
    private static Dictionary<string, string> OperationsOf(ContractDocument document) =>
        (document.Root["paths"] as JsonObject ?? []).SelectMany(path => Methods
                .Where(m => path.Value?[m]?["operationId"] is not null)
                .Select(m => (Id: path.Value![m]!["operationId"]!.GetValue<string>(), Pointer: $"/paths/{ContractDocument.Escape(path.Key)}/{m}")))
            .ToDictionary(o => o.Id, o => o.Pointer);

    private static readonly Lazy<Dictionary<string, string>> Operations = new(() => OperationsOf(Contract.Value));

    public static IReadOnlyList<string> Check(string operationId, string method, int status, string? contentType, IHeaderDictionary headers, string body) =>
        Check(Contract.Value, Operations.Value, operationId, method, status, contentType, headers, body);

    /// <summary>The answer's breaches of <paramref name="document"/> (of openapi.yaml unless a test gives another).</summary>
    public static IReadOnlyList<string> Check(ContractDocument document, string operationId, string method, int status, string? contentType,
        IHeaderDictionary headers, string body) => Check(document, OperationsOf(document), operationId, method, status, contentType, headers, body);

    private static IReadOnlyList<string> Check(ContractDocument document, Dictionary<string, string> operations, string operationId, string method,
        int status, string? contentType, IHeaderDictionary headers, string body)
    {
        if (!operations.TryGetValue(operationId, out var operation)) return [$"operation {operationId} is not in openapi.yaml"];
        var problems = new List<string>();
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var declared = document.At($"{operation}/responses/{key}") is not null ? key
            : document.At($"{operation}/responses/default") is not null ? "default" : null;
        if (declared is null) return [$"{operationId}: status {status} is not declared"];
        var (response, responsePointer) = document.Resolve(document.At($"{operation}/responses/{declared}")!, $"{operation}/responses/{declared}");

        var declaredHeaders = response["headers"] as JsonObject ?? [];
        foreach (var name in ContractHeaders.Where(h => headers.ContainsKey(h)))
            if (!declaredHeaders.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)))
                problems.Add($"{operationId} {status}: header {name} is sent but not declared");
        foreach (var (name, node) in declaredHeaders)
        {
            var (header, headerPointer) = document.Resolve(node!, $"{responsePointer}/headers/{ContractDocument.Escape(name)}");
            if (!headers.TryGetValue(name, out var value))
            {
                if (header["required"]?.GetValue<bool>() == true) problems.Add($"{operationId} {status}: required header {name} is missing");
                continue;
            }
            // A header is text; where its schema is a number, the text is read as one.
            var text = value.ToString();
            var integer = header["schema"]?["type"]?.ToJsonString() == "\"integer\"";
            var instance = integer && long.TryParse(text, out var number) ? JsonSerializer.SerializeToElement(number) : JsonSerializer.SerializeToElement(text);
            foreach (var error in document.Validate($"{headerPointer}/schema", instance))
                problems.Add($"{operationId} {status}: header {name} '{value}' breaks its schema: {error}");
        }

        var content = response["content"] as JsonObject ?? [];
        var mediaType = contentType?.Split(';')[0].Trim();
        if (body.Length == 0)
        {
            if (content.Count > 0 && !HttpMethods.IsHead(method)) problems.Add($"{operationId} {status}: declares a body but none was sent");
            return problems;
        }
        if (mediaType is null || !content.ContainsKey(mediaType))
            return [.. problems, $"{operationId} {status}: media type {mediaType ?? "(none)"} is not declared (declared: {string.Join(", ", content.Select(c => c.Key))})"];
        if (mediaType.EndsWith("json", StringComparison.Ordinal) && content[mediaType]?["schema"] is not null)
        {
            JsonElement instance;
            try { instance = JsonSerializer.Deserialize<JsonElement>(body); }
            catch (JsonException e) { return [.. problems, $"{operationId} {status}: the body is not JSON: {e.Message}"]; }
            foreach (var error in document.Validate($"{responsePointer}/content/{ContractDocument.Escape(mediaType)}/schema", instance))
                problems.Add($"{operationId} {status}: {error}");
        }
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
