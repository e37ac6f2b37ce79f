using System.Net;
using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NSwag;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

/// <summary>
/// The bounds openapi.yaml declares are the ones Pim enforces: for every operation, every bounded field of its request
/// body (maxLength, maxItems, minimum, maximum) and every bounded query parameter is sent just past its bound, alone,
/// and must be refused with a 400 that names it — where the same request with the field in bounds does not name it.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class WireBoundsTests(SqliteApp app)
{
    public static TheoryData<string> OperationIds() =>
        [.. ContractValidation.Document.Value.Operations
            .Where(o => o.Operation.ActualRequestBody is not null || o.Operation.ActualParameters.Any(p => p.Kind == OpenApiParameterKind.Query))
            // Slack's interactions (a form signed by Slack) are refused before anything is read unless signed: their
            // bounds are Slack's tests' (Integrations/SlackApprovalTests).
            .Where(o => o.Operation.ActualRequestBody is null || o.Operation.ActualRequestBody.Content.ContainsKey("application/json"))
            .Select(o => o.Operation.OperationId).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(OperationIds))]
    public async Task Every_declared_bound_is_enforced(string operationId)
    {
        var s = await Scenario.OnboardAsync(app);
        var described = ContractValidation.Described(operationId);
        var path = ContractValidation.PathIn(s, described);
        var method = new HttpMethod(described.Method.ToUpperInvariant());
        var schema = described.Operation.ActualRequestBody?.Content["application/json"].Schema.ActualSchema;
        var sample = schema is null ? null : Sample(schema);
        // Bounds are those of a caller that may make the request: an administrator, or for SCIM the tenant's operator.
        var caller = described.Path.StartsWith("/scim/", StringComparison.Ordinal) ? app.Client("sync", s.Id, false, "pim.operator") : s.Alice;

        var lastAnswer = "";
        async Task<JsonElement> ErrorsOf(string query, JToken? body)
        {
            using var request = new HttpRequestMessage(method, path + query);
            if (body is not null) request.Content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            using var response = await caller.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            lastAnswer = $"{(int)response.StatusCode} {text}";
            if (response.StatusCode != HttpStatusCode.BadRequest) return default;
            var problem = JsonSerializer.Deserialize<JsonElement>(text);
            // A SCIM error has no field map: its detail names each field ("… count: 'count' must be …").
            return problem.TryGetProperty("errors", out var errors) ? errors
                : problem.TryGetProperty("scimType", out _) && problem.TryGetProperty("detail", out var detail) ? detail : default;
        }

        static bool Names(JsonElement errors, string field) => errors.ValueKind switch
        {
            JsonValueKind.Object => errors.EnumerateObject().Any(e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase)),
            JsonValueKind.String => errors.GetString()!.Contains($" {field}: ", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

        var checkedBounds = 0;
        var failures = new List<string>();
        foreach (var parameter in described.Operation.ActualParameters.Where(p => p.Kind == OpenApiParameterKind.Query))
            foreach (var value in PastBounds(parameter.ActualSchema))
            {
                checkedBounds++;
                var raw = value is JValue { Type: JTokenType.String } text ? (string)text! : value.ToString();
                if (!Names(await ErrorsOf($"?{parameter.Name}={Uri.EscapeDataString(raw)}", sample), parameter.Name))
                    failures.Add($"query {parameter.Name}={Shorten(raw)} is not refused by name: {lastAnswer}");
            }
        if (schema is not null)
            foreach (var (field, fieldSchema) in Fields(schema, ""))
                foreach (var value in PastBounds(fieldSchema))
                {
                    checkedBounds++;
                    var body = sample!.DeepClone();
                    var token = body.SelectToken(field);
                    if (token is null) continue;
                    if (Names(await ErrorsOf("", body), field)) continue; // the sample itself breaks this field's bound: nothing to compare
                    token.Replace(value);
                    if (!Names(await ErrorsOf("", body), field))
                        failures.Add($"body {field}={Shorten(value.ToString())} is not refused by name: {lastAnswer}");
                }
        Assert.True(failures.Count == 0, $"{operationId}, {checkedBounds} bounds checked:\n{string.Join("\n", failures)}");
    }

    /// <summary>Every property path of a request schema (into nested objects and the first item of lists) with its schema.</summary>
    private static IEnumerable<(string Path, JsonSchema Schema)> Fields(JsonSchema schema, string prefix)
    {
        foreach (var (name, property) in schema.ActualSchema.ActualProperties)
        {
            var at = prefix.Length == 0 ? name : $"{prefix}.{name}";
            var actual = Unwrapped(property);
            yield return (at, actual);
            if (actual.ActualProperties.Count > 0)
                foreach (var nested in Fields(actual, at)) yield return nested;
        }
    }

    /// <summary>A nullable reference is written as oneOf [the schema, {type: null}]; its bounds are those of the schema.</summary>
    private static JsonSchema Unwrapped(JsonSchema schema)
    {
        var actual = schema.ActualSchema;
        return actual.OneOf.Where(o => o.ActualSchema.Type != JsonObjectType.Null).ToList() is [var one] ? one.ActualSchema : actual;
    }

    /// <summary>A body with every field present: the first value of an enumeration, a date-time, otherwise the simplest value.</summary>
    private static JToken Sample(JsonSchema schema)
    {
        schema = Unwrapped(schema);
        if (schema.Enumeration.Count > 0) return JToken.FromObject(schema.Enumeration.First()!);
        if (schema.ActualProperties.Count > 0) return new JObject(schema.ActualProperties.Select(p => new JProperty(p.Key, Sample(p.Value))));
        if (schema.Type.HasFlag(JsonObjectType.Array)) return new JArray(Sample(schema.Item!));
        if (schema.Type.HasFlag(JsonObjectType.Boolean)) return new JValue(false);
        if (schema.Type.HasFlag(JsonObjectType.Integer)) return new JValue((long)(schema.Minimum ?? 1)); // an integer is written without a fraction
        if (schema.Type.HasFlag(JsonObjectType.Number)) return new JValue(schema.Minimum ?? 1);
        return new JValue(schema.Format switch
        {
            "date-time" => "2026-11-27T10:00:00Z",
            "email" => "someone@example.com",
            "uri" => "https://example.com/hook",
            _ => "a",
        });
    }

    /// <summary>Values just past each bound the schema declares.</summary>
    private static IEnumerable<JToken> PastBounds(JsonSchema schema)
    {
        schema = Unwrapped(schema);
        if (schema.MaxLength is { } maxLength) yield return new JValue(new string('a', maxLength + 1));
        if (schema.MaxItems > 0)
        {
            var item = schema.Item is null ? new JValue("a") : Sample(schema.Item);
            yield return new JArray(Enumerable.Range(0, schema.MaxItems + 1).Select(_ => item.DeepClone()));
        }
        var integer = schema.Type.HasFlag(JsonObjectType.Integer);
        if (schema.Maximum is { } maximum) yield return integer ? new JValue((long)maximum + 1) : new JValue(maximum + 1);
        if (schema.Minimum is { } minimum) yield return integer ? new JValue((long)minimum - 1) : new JValue(minimum - 1);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + $"…({text.Length})";

    /// <summary>
    /// The ids every request carries are matched without their regex (Wire.MatcherOf): for each such pattern, the matcher
    /// and the regex agree on every text made of the characters that decide — each class's edges, the characters just
    /// outside them, controls, DEL, a trailing newline (which .NET's final <c>$</c> would accept), non-ASCII letters and
    /// surrogates — at every length around the bounds.
    /// </summary>
    [Theory]
    [InlineData(Pim.Api.Http.Rules.IdPattern)]
    [InlineData(Pim.Domain.ScopePath.SegmentPattern)]
    [InlineData(Pim.Api.Http.Rules.PrintablePattern)]
    public void A_pattern_matched_without_its_regex_accepts_exactly_what_its_regex_accepts(string pattern)
    {
        var matcher = Pim.Api.Http.Wire.MatcherOf(pattern);
        var regex = Pim.Api.Http.Wire.RegexOf(pattern);
        const string alphabet = "aZ09._@-/:+ ~\u0000\u001F\u007F\u0080\n\r\té\uD83D\uDE00`{[@AZaz";
        var random = new Random(27);
        var wrong = new List<string>();
        void Check(string text)
        {
            if (matcher(text) != Pim.Api.Http.Wire.FullyMatches(regex, text)) wrong.Add(Uri.EscapeDataString(text));
        }
        foreach (var length in new[] { 0, 1, 2, 3, 63, 64, 65, 89, 90, 91, 127, 128, 129, 200 })
            for (var i = 0; i < 400; i++)
            {
                var chars = new char[length];
                for (var c = 0; c < length; c++)
                    // Mostly characters the classes accept, so that long texts that do match are made too.
                    chars[c] = random.Next(4) == 0 ? alphabet[random.Next(alphabet.Length)] : "abcXYZ019"[random.Next(9)];
                Check(new string(chars));
                if (length > 0) Check(new string(chars) + "\n");
            }
        // Texts every class accepts, at each length: where only the length bound can refuse.
        foreach (var length in Enumerable.Range(0, 200))
        {
            Check(new string('a', length));
            if (length > 0) Check("0" + new string('-', length - 1));
        }
        foreach (var a in alphabet)
        foreach (var b in alphabet)
            Check($"{a}{b}");
        Assert.True(wrong.Count == 0, $"{wrong.Count} texts judged differently, e.g. {string.Join(", ", wrong.Take(5))}");
    }
}
