using System.Text.Json;
using System.Text.Json.Nodes;
using Pim.Domain;

namespace Pim.Api.Features.Scim;

/// <summary>
/// SCIM PATCH (RFC 7644 §3.5.2) on a resource's JSON document, the way provisioning clients send it:
/// <list type="bullet">
/// <item><c>op</c> <c>add</c>, <c>replace</c> or <c>remove</c> in any case (Entra ID writes <c>"Replace"</c>);</item>
/// <item>a <c>path</c> — <c>title</c>, <c>name.givenName</c>, <c>emails[type eq "work"].value</c>,
/// <c>urn:…:enterprise:2.0:User:department</c>, <c>members[value eq "…"]</c> — or none, when <c>value</c> is an object
/// whose keys are paths (Entra ID and Okta: <c>{"op":"replace","value":{"active":false,"name.familyName":"…"}}</c>);</item>
/// <item>an <c>add</c> or <c>replace</c> of a sub-attribute through a filter that matches nothing creates the value the
/// filter describes (<c>emails[type eq "work"].value</c> on a user without a work email adds one); <c>remove</c> of
/// what is not there changes nothing; read-only attributes (<c>id</c>, <c>meta</c>, <c>groups</c>) sent as they are
/// are passed over, with another value refused;</item>
/// <item>a group's <c>members</c> are not edited in the document but collected as a <see cref="MemberChange"/>: added and
/// removed by value (also <c>remove</c> with a list of values, as Entra ID sends it), or replaced.</item>
/// </list>
/// The document is read back as the resource (and held to its bounds) by the caller.
/// </summary>
public static class ScimPatch
{
    private enum Op { Add, Replace, Remove }

    private sealed record Target(JsonObject? Container, string? Extension, ScimAttribute Attribute, ScimFilter.Node? Filter, ScimAttribute? Sub);

    /// <summary>Applies the operations to <paramref name="document"/> in order; returns what they do to a group's members.</summary>
    public static MemberChange Apply(JsonObject document, IReadOnlyList<ScimPatchOperation> operations, ScimSchema schema, ScimSchema? extension)
    {
        var members = new Members();
        foreach (var operation in operations)
        {
            var op = operation.Op.ToLowerInvariant() switch
            {
                "add" => Op.Add,
                "replace" => Op.Replace,
                "remove" => Op.Remove,
                _ => throw new PimException(ErrorCodes.MalformedRequest, $"A PATCH operation's op is add, replace or remove, not '{Cut(operation.Op)}'."),
            };
            var value = operation.Value.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(operation.Value.GetRawText());
            if (operation.Path is { Length: > 0 } path)
            {
                Apply(document, op, path, value, schema, extension, members);
                continue;
            }
            if (op == Op.Remove) throw new PimException(ErrorCodes.NoTarget, "A remove operation names the attribute it removes in 'path'.");
            if (value is not JsonObject attributes)
                throw Errors.InvalidField("value", "Without a path, an operation's value is an object of the attributes it sets.");
            foreach (var (key, attribute) in attributes.ToList())
            {
                if (key.Equals("schemas", StringComparison.OrdinalIgnoreCase)) continue;
                if (extension is not null && key.Equals(extension.Id, StringComparison.OrdinalIgnoreCase) && attribute is JsonObject extended)
                    foreach (var (sub, subValue) in extended.ToList())
                        Apply(document, op, $"{extension.Id}:{sub}", subValue?.DeepClone(), schema, extension, members);
                else Apply(document, op, key, attribute?.DeepClone(), schema, extension, members);
            }
        }
        return members.Change;
    }

    private static void Apply(JsonObject document, Op op, string path, JsonNode? value, ScimSchema schema, ScimSchema? extension, Members members)
    {
        var target = Resolve(document, path, schema, extension, create: op != Op.Remove);
        var attribute = target.Attribute;
        if (schema == ScimSchemas.Group && target.Extension is null && attribute.Name == "members")
        {
            members.Apply(op, target, value);
            return;
        }
        if (attribute.Mutability == "readOnly" || target.Sub?.Mutability == "readOnly")
        {
            var current = target.Container?[attribute.Name];
            if (target.Filter is null && target.Sub is null && op != Op.Remove && JsonNode.DeepEquals(current, value)) return;
            throw new PimException(ErrorCodes.ReadOnlyField, $"'{path}' is the server's: a PATCH does not change it.",
                new Dictionary<string, string[]> { [path] = ["read-only"] });
        }
        if (target.Container is not { } container) return; // removing from an extension the resource does not have
        var key = attribute.Name;
        if (value is null && op == Op.Add) throw Errors.InvalidField("value", $"An add operation at '{Cut(path)}' carries a value.");
        if (value is null && op == Op.Replace && target.Filter is null && target.Sub is null)
        {
            container.Remove(key); // replaced by nothing: unassigned
            return;
        }
        var normalized = value is null ? null : Normalize(attribute, value, target.Sub);

        if (target.Filter is null)
        {
            if (target.Sub is { } sub)
            {
                if (attribute.MultiValued)
                {
                    if (op != Op.Remove)
                        throw new PimException(ErrorCodes.InvalidPath, $"'{path}': name which value of {key} to change with a filter, e.g. {key}[type eq \"work\"].{sub.Name}.");
                    foreach (var item in Items(container, key)) item.Remove(sub.Name);
                    return;
                }
                if (op == Op.Remove) { (container[key] as JsonObject)?.Remove(sub.Name); return; }
                if (container[key] is not JsonObject parent) container[key] = parent = new JsonObject();
                parent[sub.Name] = normalized;
                return;
            }
            switch (op)
            {
                case Op.Remove when attribute.MultiValued && normalized is JsonArray values:
                    RemoveWhere(container, key, item => values.Any(v => SameValue(attribute, item, v)));
                    return;
                case Op.Remove:
                    container.Remove(key);
                    return;
                case Op.Add when attribute.MultiValued:
                    var array = container[key] as JsonArray ?? [];
                    foreach (var added in ((JsonArray)normalized!).ToList())
                        if (!array.Any(item => SameValue(attribute, item, added))) array.Add(added!.DeepClone());
                    container[key] = array;
                    KeepOnePrimary(array);
                    return;
                case Op.Replace when attribute.MultiValued:
                    container[key] = normalized;
                    KeepOnePrimary((JsonArray)normalized!);
                    return;
                case Op.Add or Op.Replace when attribute.Type == "complex" && normalized is JsonObject fields && container[key] is JsonObject existing:
                    foreach (var (name, field) in fields.ToList()) existing[name] = field?.DeepClone();
                    return;
                default:
                    container[key] = normalized;
                    return;
            }
        }

        var filter = target.Filter;
        var matched = Items(container, key).Where(item => ScimFilter.Matches(filter, item, name => CaseExact(attribute, name))).ToList();
        if (op == Op.Remove)
        {
            if (target.Sub is { } removedSub) foreach (var item in matched) item.Remove(removedSub.Name);
            else RemoveWhere(container, key, item => matched.Contains(item));
            return;
        }
        if (matched.Count == 0)
        {
            // Entra ID adds a work email as replace emails[type eq "work"].value: the value the filter describes, created.
            var described = new JsonObject();
            if (target.Sub is null || !Describes(filter, described))
                throw new PimException(ErrorCodes.NoTarget, $"'{path}' matches no value of {key}.");
            described = (JsonObject)NormalizeOne(attribute, described);
            described[target.Sub.Name] = normalized;
            var array = container[key] as JsonArray ?? [];
            array.Add(described);
            container[key] = array;
            KeepOnePrimary(array);
            return;
        }
        foreach (var item in matched)
        {
            if (target.Sub is { } setSub) item[setSub.Name] = normalized?.DeepClone();
            else if (normalized is JsonObject fields)
            {
                if (op == Op.Replace) foreach (var name in item.Select(p => p.Key).ToList()) item.Remove(name);
                foreach (var (name, field) in fields) item[name] = field?.DeepClone();
            }
            else throw Errors.InvalidField("value", $"'{path}' is set to an object of {key}'s sub-attributes.");
        }
        if (container[key] is JsonArray changed) KeepOnePrimary(changed);
    }

    /// <summary>Where a path points: the attribute (of the resource, or of its extension), the filter, the sub-attribute.</summary>
    private static Target Resolve(JsonObject document, string path, ScimSchema schema, ScimSchema? extension, bool create)
    {
        var rest = path;
        string? urn = null;
        if (path.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            if (extension is not null && path.StartsWith(extension.Id, StringComparison.OrdinalIgnoreCase))
            {
                urn = extension.Id;
                rest = path[extension.Id.Length..];
                var whole = new ScimAttribute(extension.Id, "complex", false, extension.Description, false, false, "readWrite", "default", "none", extension.Attributes);
                if (rest.Length == 0) return new Target(document, null, whole, null, null);
                if (rest[0] != ':') throw InvalidPath(path);
                rest = rest[1..];
            }
            else if (path.StartsWith(schema.Id + ":", StringComparison.OrdinalIgnoreCase)) rest = path[(schema.Id.Length + 1)..];
            else throw InvalidPath(path);
        }
        var end = rest.IndexOfAny(['[', '.']);
        var name = end < 0 ? rest : rest[..end];
        var attributes = urn is null ? schema.Attributes.Concat(ScimSchemas.Common) : extension!.Attributes;
        var attribute = attributes.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? throw InvalidPath(path);
        ScimFilter.Node? filter = null;
        if (end >= 0 && rest[end] == '[')
        {
            var close = ClosingBracket(rest, end);
            if (close < 0 || !attribute.MultiValued) throw InvalidPath(path);
            filter = ScimFilter.Parse(rest[(end + 1)..close]);
            end = close + 1 < rest.Length ? close + 1 : -1;
            if (end >= 0 && rest[end] != '.') throw InvalidPath(path);
        }
        ScimAttribute? sub = null;
        if (end >= 0)
        {
            var subName = rest[(end + 1)..];
            sub = attribute.SubAttributes?.FirstOrDefault(a => a.Name.Equals(subName, StringComparison.OrdinalIgnoreCase)) ?? throw InvalidPath(path);
        }
        JsonObject? container = document;
        if (urn is not null)
        {
            var key = document.FirstOrDefault(p => p.Key.Equals(urn, StringComparison.OrdinalIgnoreCase)).Key;
            container = key is null ? null : document[key] as JsonObject;
            if (container is null && create) document[urn] = container = new JsonObject();
        }
        return new Target(container, urn, attribute, filter, sub);
    }

    private static PimException InvalidPath(string path) =>
        new(ErrorCodes.InvalidPath, $"'{Cut(path)}' is not an attribute path of the resource (such as title, name.givenName, emails[type eq \"work\"].value).");

    /// <summary>The index of the ']' that closes the '[' at <paramref name="open"/>, past quoted strings; -1 when there is none.</summary>
    private static int ClosingBracket(string text, int open)
    {
        var quoted = false;
        for (var i = open + 1; i < text.Length; i++)
        {
            if (quoted && text[i] == '\\') { i++; continue; }
            if (text[i] == '"') quoted = !quoted;
            else if (!quoted && text[i] == ']') return i;
        }
        return -1;
    }

    /// <summary>A value as the document keeps it: sub-attribute names as the schema spells them, a multi-valued attribute as a list, a bare value of a complex attribute with a value sub-attribute (Entra ID's manager) as {"value": …}.</summary>
    private static JsonNode? Normalize(ScimAttribute attribute, JsonNode value, ScimAttribute? sub)
    {
        if (sub is not null) return value;
        if (attribute.MultiValued)
            return new JsonArray([.. (value is JsonArray list ? list.ToList() : [value]).Select(v => v is null ? null : NormalizeOne(attribute, v.DeepClone()))]);
        return NormalizeOne(attribute, value);
    }

    private static JsonNode NormalizeOne(ScimAttribute attribute, JsonNode value)
    {
        if (attribute.Type != "complex") return value;
        if (value is JsonValue && attribute.SubAttributes?.Any(s => s.Name == "value") == true) return new JsonObject { ["value"] = value.DeepClone() };
        if (value is not JsonObject fields) return value;
        var normalized = new JsonObject();
        foreach (var (name, field) in fields.ToList())
        {
            var canonical = attribute.SubAttributes?.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Name ?? name;
            normalized[canonical] = field?.DeepClone();
        }
        return normalized;
    }

    private static IEnumerable<JsonObject> Items(JsonObject container, string key) => (container[key] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static void RemoveWhere(JsonObject container, string key, Func<JsonNode?, bool> remove)
    {
        if (container[key] is not JsonArray array) return;
        foreach (var item in array.Where(remove).ToList()) array.Remove(item);
        if (array.Count == 0) container.Remove(key);
    }

    /// <summary>Two values of a multi-valued attribute are the same value when their "value" is (without case unless it is case-exact), else when they are equal.</summary>
    private static bool SameValue(ScimAttribute attribute, JsonNode? item, JsonNode? other)
    {
        var a = item is JsonObject x ? x["value"] : item;
        var b = other is JsonObject y ? y["value"] : other;
        if (a is JsonValue && b is JsonValue)
            return string.Equals(a.ToString(), b.ToString(), CaseExact(attribute, "value") ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
        return JsonNode.DeepEquals(item, other);
    }

    private static bool CaseExact(ScimAttribute attribute, string sub) =>
        attribute.SubAttributes?.FirstOrDefault(s => s.Name.Equals(sub, StringComparison.OrdinalIgnoreCase))?.CaseExact ?? false;

    /// <summary>At most one value is primary (RFC 7643 §2.4): the last one marked so.</summary>
    private static void KeepOnePrimary(JsonArray array)
    {
        var primary = array.OfType<JsonObject>().LastOrDefault(i => i["primary"] is JsonValue p && p.TryGetValue<bool>(out var b) && b);
        if (primary is null) return;
        foreach (var item in array.OfType<JsonObject>().Where(i => i != primary && i.ContainsKey("primary"))) item["primary"] = false;
    }

    /// <summary>Fills <paramref name="value"/> with what a filter of equalities describes (<c>type eq "work"</c>, joined by and); false for any other filter.</summary>
    private static bool Describes(ScimFilter.Node filter, JsonObject value) => filter switch
    {
        ScimFilter.Comparison { Operator: "eq" } c when !c.Path.Contains('.') => value.TryAdd(c.Path, c.Value?.DeepClone()),
        ScimFilter.And and => Describes(and.Left, value) && Describes(and.Right, value),
        _ => false,
    };

    private static string Cut(string text) => text.Length <= 100 ? text : text[..100] + "…";

    /// <summary>A group's members as the operations change them, in order.</summary>
    private sealed class Members
    {
        private readonly HashSet<string> _add = new(StringComparer.Ordinal);
        private readonly HashSet<string> _remove = new(StringComparer.Ordinal);
        private bool _replace;

        public MemberChange Change => _replace ? new MemberChange([.. _add], [], Replace: true)
            : _add.Count + _remove.Count == 0 ? MemberChange.None : new MemberChange([.. _add], [.. _remove]);

        public void Apply(Op op, Target target, JsonNode? value)
        {
            if (target.Sub is not null) throw new PimException(ErrorCodes.InvalidPath, "A group's members are added and removed whole, by value.");
            if (target.Filter is { } filter)
            {
                if (op != Op.Remove) throw new PimException(ErrorCodes.InvalidPath, "members[…] is removed; add or replace members with a list of values.");
                Remove(Values(filter));
                return;
            }
            var ids = value is null ? [] : Ids(value);
            switch (op)
            {
                case Op.Add: Add(ids); break;
                case Op.Remove when value is null:
                    _replace = true;
                    _add.Clear();
                    break;
                case Op.Remove: Remove(ids); break;
                default:
                    _replace = true;
                    _add.Clear();
                    Add(ids);
                    break;
            }
            if (_add.Count + _remove.Count > Principal.MaximumMembers)
                throw Errors.InvalidField("members", $"One PATCH changes at most {Principal.MaximumMembers} members.");
        }

        private void Add(IEnumerable<string> ids)
        {
            foreach (var id in ids) { _remove.Remove(id); _add.Add(id); }
        }

        private void Remove(IEnumerable<string> ids)
        {
            foreach (var id in ids) { _add.Remove(id); if (!_replace) _remove.Add(id); }
        }

        /// <summary>The member ids of a list (or one) of {"value": id, …}.</summary>
        private static List<string> Ids(JsonNode value) => (value is JsonArray list ? list.ToList() : [value]).Select(member =>
            (member as JsonObject)?.FirstOrDefault(p => p.Key.Equals("value", StringComparison.OrdinalIgnoreCase)).Value is JsonValue id
            && id.TryGetValue<string>(out var text) && text.Length > 0
                ? text
                : throw Errors.InvalidField("members", "A member is {\"value\": \"<the member's id>\"}.")).ToList();

        /// <summary>The ids a members filter names: <c>value eq "…"</c>, joined by or.</summary>
        private static List<string> Values(ScimFilter.Node filter) => filter switch
        {
            ScimFilter.Comparison { Operator: "eq" } c when c.Path.Equals("value", StringComparison.OrdinalIgnoreCase)
                && c.Value is JsonValue v && v.TryGetValue<string>(out var id) => [id],
            ScimFilter.Or or => [.. Values(or.Left), .. Values(or.Right)],
            _ => throw new PimException(ErrorCodes.InvalidFilter, $"Members are removed by value: members[value eq \"…\"] (joined by or), not members[{ScimFilter.Describe(filter)}]."),
        };
    }
}
