using System.Text;
using Newtonsoft.Json.Linq;
using NJsonSchema.Generation;
using NSwag;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

[Collection(SqliteCollection.Second)]
public sealed class HostileInputTests_Sqlite(SqliteApp app) : HostileInputTests(app);

[Collection(PostgresCollection.Name)]
public sealed class HostileInputTests_Postgres(PostgresApp app) : HostileInputTests(app);

/// <summary>
/// Trust boundary: every byte a client sends. Every operation of openapi.yaml receives hostile path segments, query
/// values, headers, media types and bodies — a sample body of its schema with each field in turn replaced by a wrong
/// type, an extreme number, a huge, empty or control-character string — from an administrator of the tenant and from
/// the directory-sync operator. No answer may be a 5xx (the contract check in front of Pim turns a broken answer into
/// 599, so every answer is also held to openapi.yaml), and every refusal is an application/problem+json with its code
/// (on SCIM's operations, a SCIM error in application/scim+json).
/// </summary>
public abstract class HostileInputTests(PimApp app)
{
    private static readonly string Huge = new('a', 20_000);

    // No %00: Kestrel refuses a path with a NUL itself (400) before Pim sees it, and TestServer throws on it.
    private static readonly string[] PathValues =
        ["a%2Fb", "%2E%2E", "%2E", Huge, "%F0%9F%92%A5", "%FF%FE", "%27%20OR%201%3D1--", "%E2%80%AE", "CON", "a%0D%0AX-Injected:%201", "%20"];

    private static readonly string[] QueryValues =
        ["", "%00", Huge, "-1", "0", "99999999999999999999", "1e309", "true", "%FF", "%5B%5D", "a%26b%3Dc", "%0D%0A", "%E2%80%AE", "null"];

    private static readonly string[] AcceptValues =
        ["text/csv", "application/xml", "image/png", "*/*;q=0", ",,;;", "application/problem+json", "text/html;q=0.9, text/csv"];

    private static readonly string[] ContentTypes =
        ["text/plain", "application/xml", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "bogus"];

    private static readonly string[] RawBodies =
        ["", "{", "[]", "null", "\"x\"", "1e999", "{\"a\":1}", "{\"\\u0000\":1}", new string('[', 5_000) + new string(']', 5_000),
         "{\"x\":\"" + new string('a', 3_000_000) + "\"}", "\uFEFF{}", "{\"a\":1,\"a\":2}"];

    private static readonly JToken[] FieldValues =
        [JValue.CreateNull(), new JValue(1e308), new JValue(-1), new JValue(long.MaxValue), new JValue(""), new JValue(Huge),
         new JValue("\u0000\u001f\u202e"), new JValue("9999-12-31T23:59:59Z"), new JValue(true), new JObject(), new JArray(), new JArray(Enumerable.Repeat(new JValue("x"), 5_000))];

    public static TheoryData<string> OperationIds() =>
        [.. ContractValidation.Document.Value.Operations.Select(o => o.Operation.OperationId).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(OperationIds))]
    public async Task Hostile_input_is_a_client_error_answered_as_a_problem(string operationId)
    {
        var s = await Scenario.OnboardAsync(app);
        var described = ContractValidation.Described(operationId);
        var operation = described.Operation;
        var parameters = operation.ActualParameters.ToList();
        var pathParameters = parameters.Where(p => p.Kind == OpenApiParameterKind.Path).Select(p => p.Name).ToList();
        var queryParameters = parameters.Where(p => p.Kind == OpenApiParameterKind.Query).Select(p => p.Name).ToList();
        var bodySchema = (operation.ActualRequestBody?.Content.TryGetValue("application/json", out var media) == true ? media.Schema?.ActualSchema : null);
        var sample = bodySchema is null ? null : new SampleJsonDataGenerator().Generate(bodySchema);
        var method = new HttpMethod(described.Method.ToUpperInvariant());
        var refusals = described.Path.StartsWith("/scim/", StringComparison.Ordinal) ? "application/scim+json" : "application/problem+json";

        string PathWith(string? hostileParameter = null, string? value = null) => ContractValidation.PathIn(s, described, hostileParameter, value);

        var requests = new List<Func<HttpRequestMessage>>();
        void Add(string path, string? body = null, string contentType = "application/json", params (string Name, string Value)[] headers) =>
            requests.Add(() =>
            {
                var request = new HttpRequestMessage(method, path);
                if (body is not null || bodySchema is not null)
                {
                    request.Content = new StringContent(body ?? sample!.ToString(), Encoding.UTF8);
                    request.Content.Headers.Remove("Content-Type");
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                }
                foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
                return request;
            });

        foreach (var name in pathParameters)
            foreach (var value in PathValues)
                Add(PathWith(name, value));
        foreach (var name in queryParameters)
            foreach (var value in QueryValues)
                Add($"{PathWith()}?{name}={value}");
        if (queryParameters.Count > 0) Add($"{PathWith()}?{queryParameters[0]}=1&{queryParameters[0]}=2");
        foreach (var accept in AcceptValues) Add(PathWith(), headers: ("Accept", accept));
        foreach (var value in new[] { "*", "W/\"1\"", "\"-1\"", "\"99999999999999999999\"", "garbage", "\"1\", \"2\"", "" })
            Add(PathWith(), headers: ("If-Match", value));
        foreach (var value in new[] { Huge, "\u0001", "", "key key" })
            Add(PathWith(), headers: ("Idempotency-Key", value));
        if (bodySchema is not null)
        {
            foreach (var contentType in ContentTypes) Add(PathWith(), contentType: contentType);
            foreach (var body in RawBodies) Add(PathWith(), body, headers: ("Accept", "text/csv"));
            foreach (var field in sample!.SelectTokens("..*").Where(t => t is JValue or JArray or JObject).Select(t => t.Path).Where(p => p.Length > 0).Distinct())
                foreach (var value in FieldValues)
                {
                    var mutated = sample.DeepClone();
                    mutated.SelectToken(field)!.Replace(value.DeepClone());
                    Add(PathWith(), mutated.ToString(Newtonsoft.Json.Formatting.None), headers: ("If-Match", "\"1\""));
                }
        }

        var failures = new List<string>();
        var callers = new[] { s.Alice, s.Operator };
        for (var i = 0; i < requests.Count; i++)
        {
            using var request = requests[i]();
            var description = $"{request.Method} {Shorten(request.RequestUri!.OriginalString)} {Shorten(request.Content is null ? "" : await request.Content.ReadAsStringAsync())}";
            using var response = await callers[i % callers.Length].SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            if (status >= 500)
                failures.Add($"{status} for {description}: {Shorten(text, 400)}");
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != refusals)
                failures.Add($"{status} as {response.Content.Headers.ContentType} for {description}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Count} hostile requests to {operationId} were answered badly:\n{string.Join("\n", failures.Take(20))}");
    }

    private static string Shorten(string text, int length = 160) => text.Length <= length ? text : text[..length] + $"…({text.Length})";
}
