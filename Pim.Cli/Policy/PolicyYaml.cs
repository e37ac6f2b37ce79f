using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pim.Cli.Policy;

/// <summary>
/// The policy file's YAML, to and from the JSON shapes Pim's wire uses (the document is JSON's data model written as
/// YAML, so that its schema is a JSON Schema and what it holds reads as the API's own fields). A string that YAML would
/// read as something else (<c>true</c>, <c>null</c>, <c>1.0</c>, empty) is written quoted.
/// </summary>
public static partial class PolicyYaml
{

    public static string Write(JsonObject document, string header)
    {
        var stream = new YamlStream(new YamlDocument(ToYaml(document)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends a document with "...": a file of one document needs no end marker.
        text = text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text.EndsWith("...\r\n", StringComparison.Ordinal) ? text[..^5] : text;
        return header + text.ReplaceLineEndings("\n");
    }

    public static JsonObject Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw CliException.Usage($"pim: the policy file is not YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0) return [];
        return ToJson(stream.Documents[0].RootNode) as JsonObject ?? throw CliException.Usage("pim: the policy file is not a mapping at its top.");
    }

    private static YamlNode ToYaml(JsonNode? node) => node switch
    {
        JsonObject o => new YamlMappingNode(o.Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Key), ToYaml(p.Value)))),
        JsonArray a => a.Count == 0 ? new YamlSequenceNode { Style = YamlDotNet.Core.Events.SequenceStyle.Flow } : new YamlSequenceNode(a.Select(ToYaml)),
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        JsonValue v when v.TryGetValue<string>(out var s) => new YamlScalarNode(s) { Style = NeedsQuotes(s) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any },
        _ => new YamlScalarNode(node.ToJsonString()) { Style = ScalarStyle.Plain },
    };

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted or ScalarStyle.Literal or ScalarStyle.Folded } q => JsonValue.Create(q.Value ?? ""),
        YamlScalarNode p => Plain(p.Value ?? ""),
        _ => throw CliException.Usage("pim: the policy file holds something YAML-only (an alias or a tag)."),
    };

    private static JsonNode? Plain(string value)
    {
        if (value is "null" or "~" or "") return null;
        if (value is "true") return JsonValue.Create(true);
        if (value is "false") return JsonValue.Create(false);
        if (Number().IsMatch(value))
            return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) ? JsonValue.Create(whole)
                : JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture));
        return JsonValue.Create(value);
    }

    private static bool NeedsQuotes(string s) => s.Length == 0 || s is "null" or "~" or "true" or "false" or "yes" or "no" or "on" or "off"
        || Number().IsMatch(s) || s.Trim() != s || s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal)
        || "-?:,[]{}#&*!|>'\"%@`".Contains(s[0], StringComparison.Ordinal) || s.Contains('\n', StringComparison.Ordinal);

    [GeneratedRegex(@"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex Number();
}
