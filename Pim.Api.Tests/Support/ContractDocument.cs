using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pim.Api.Tests.Support;

/// <summary>
/// An OpenAPI 3.1 document as JSON, and its schemas as JSON Schema 2020-12 (the dialect 3.1 uses) evaluates them:
/// <c>type: [T, "null"]</c> and <c>oneOf: [{$ref}, {type: "null"}]</c> admit null, nothing else does, formats are
/// asserted. A schema is addressed by its JSON pointer in the document, so its <c>$ref</c>s resolve as they read.
/// </summary>
public sealed class ContractDocument
{
    private static readonly Uri Base = new("https://pim.invalid/openapi.yaml");

    private readonly BuildOptions build;
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new();

    private static readonly EvaluationOptions Evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    public JsonObject Root { get; }

    public ContractDocument(JsonObject root)
    {
        Root = root;
        var registry = new SchemaRegistry();
        registry.Register(Base, new JsonElementBaseDocument(JsonSerializer.SerializeToElement(root), Base));
        build = new BuildOptions { SchemaRegistry = registry, Dialect = Dialect.Draft202012 };
    }

    public static ContractDocument FromYamlFile(string path) => new((JsonObject)Yaml.ToJson(File.ReadAllText(path))!);

    /// <summary>The node a local reference (<c>#/components/…</c>) names, followed until it is no reference.</summary>
    public (JsonNode Node, string Pointer) Resolve(JsonNode node, string pointer)
    {
        while (node is JsonObject o && o["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal))
        {
            pointer = reference[1..];
            node = At(pointer) ?? throw new InvalidOperationException($"{reference} is not in the document");
        }
        return (node, pointer);
    }

    public JsonNode? At(string pointer) => pointer.Split('/').Skip(1).Select(Unescape)
        .Aggregate((JsonNode?)Root, (node, segment) => node is JsonObject o ? o[segment] : node is JsonArray a ? a[int.Parse(segment, CultureInfo.InvariantCulture)] : null);

    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    private static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>What is wrong with <paramref name="instance"/> by the schema at <paramref name="pointer"/>: each error with where it is.</summary>
    public IEnumerable<string> Validate(string pointer, JsonElement instance)
    {
        // A pointer in a URI fragment is percent-encoded (application/problem+json has a '+').
        var schema = schemas.GetOrAdd(pointer, p => JsonSchema.Build(JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["$ref"] = $"{Base}#{string.Join('/', p.Split('/').Select(Uri.EscapeDataString))}",
        }), build));
        var results = schema.Evaluate(instance, Evaluation);
        if (results.IsValid) yield break;
        foreach (var detail in results.Details ?? [])
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                yield return $"{(detail.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")} {keyword}: {message}";
    }

    /// <summary>YAML as JSON: plain scalars typed by YAML 1.2's core schema (null, booleans, numbers), quoted ones strings.</summary>
    public static class Yaml
    {
        private static readonly Regex Integer = new("^-?[0-9]+$", RegexOptions.CultureInvariant);
        private static readonly Regex Float = new(@"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

        public static JsonNode? ToJson(string yaml)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            return Convert(stream.Documents[0].RootNode);
        }

        private static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
            YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
            YamlScalarNode { Style: ScalarStyle.Plain, Value: var text } => text switch
            {
                null or "" or "~" or "null" => null,
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                _ when Integer.IsMatch(text) => JsonValue.Create(decimal.Parse(text, CultureInfo.InvariantCulture)),
                _ when Float.IsMatch(text) => JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)),
                _ => JsonValue.Create(text),
            },
            YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
            _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
        };
    }
}
