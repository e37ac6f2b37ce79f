using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pim.Domain;

namespace Pim.Api.Features.Scim;

/// <summary>
/// SCIM filters (RFC 7644 §3.4.2.2): <c>attrPath op value</c>, <c>attrPath pr</c>, <c>attrPath[filter]</c>, <c>and</c>
/// (binding tighter than) <c>or</c>, <c>not (…)</c> and parentheses; operators and keywords in any case. A small
/// recursive-descent parser, bounded in length (the wire's), comparisons (<see cref="DirectoryFilter.MaximumComparisons"/>)
/// and nesting (<see cref="MaximumNesting"/>): anything it cannot read is <c>400 invalid-filter</c>, never a 500.
/// What it reads is evaluated in the store (<see cref="ForUsers"/>, <see cref="ForGroups"/>) for list queries, and in
/// memory on the values of a multi-valued attribute for PATCH paths (<see cref="Matches"/>).
/// </summary>
public static class ScimFilter
{
    public const int MaximumLength = 1024;
    public const int MaximumNesting = 10;

    public abstract record Node;
    /// <summary><c>path op value</c>; <see cref="Value"/> is a JSON string, number, boolean or null.</summary>
    public sealed record Comparison(string Path, string Operator, JsonNode? Value) : Node;
    public sealed record Present(string Path) : Node;
    public sealed record And(Node Left, Node Right) : Node;
    public sealed record Or(Node Left, Node Right) : Node;
    public sealed record Not(Node Inner) : Node;
    /// <summary><c>path[filter]</c>: some value of a multi-valued attribute matches the filter.</summary>
    public sealed record ValuePath(string Path, Node Filter) : Node;

    private static readonly string[] Comparisons = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];

    public static Node Parse(string text)
    {
        if (text.Length > MaximumLength) throw Invalid($"A filter is at most {MaximumLength} characters.");
        if (text.Any(char.IsControl)) throw Invalid(ControlCharacters);
        var parser = new Parser(Tokens(text));
        var node = parser.Or(0);
        if (parser.Peek is { } extra) throw Invalid($"The filter goes on after a complete expression, at '{extra.Text}'.");
        return node;
    }

    internal static PimException Invalid(string detail) => new(ErrorCodes.InvalidFilter, detail);

    private const string ControlCharacters = "A filter holds no control characters, neither as they are nor escaped in a string (\\u0000).";

    // ---------------------------------------------------------------- tokens

    private enum Kind { Word, Text, Open, Close, OpenBracket, CloseBracket }

    private sealed record Token(Kind Kind, string Text, JsonNode? Value = null);

    private static List<Token> Tokens(string text)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            switch (c)
            {
                case '(': tokens.Add(new Token(Kind.Open, "(")); i++; continue;
                case ')': tokens.Add(new Token(Kind.Close, ")")); i++; continue;
                case '[': tokens.Add(new Token(Kind.OpenBracket, "[")); i++; continue;
                case ']': tokens.Add(new Token(Kind.CloseBracket, "]")); i++; continue;
                case '"':
                    var end = i + 1;
                    while (end < text.Length && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
                    if (end >= text.Length) throw Invalid("A string in the filter has no closing quote.");
                    var literal = text[i..(end + 1)];
                    string? value;
                    try
                    {
                        value = JsonSerializer.Deserialize<string>(literal);
                    }
                    catch (JsonException)
                    {
                        throw Invalid($"The string {Cut(literal)} in the filter is not a JSON string.");
                    }
                    // Escaped (\u0000) as well as sent: no stored value holds one, and PostgreSQL refuses a NUL outright.
                    if (value!.Any(char.IsControl)) throw Invalid(ControlCharacters);
                    tokens.Add(new Token(Kind.Text, literal, JsonValue.Create(value)));
                    i = end + 1;
                    continue;
            }
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '[' or ']' or '"')) i++;
            tokens.Add(new Token(Kind.Word, text[start..i]));
        }
        return tokens;
    }

    private static string Cut(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private sealed class Parser(List<Token> tokens)
    {
        private int _at;
        private int _comparisons;

        public Token? Peek => _at < tokens.Count ? tokens[_at] : null;

        private Token Next(string expected) => _at < tokens.Count ? tokens[_at++] : throw Invalid($"The filter ends where {expected} was expected.");

        private bool IsKeyword(string keyword) => Peek is { Kind: Kind.Word } t && t.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

        public Node Or(int depth)
        {
            var node = And(depth);
            while (IsKeyword("or"))
            {
                _at++;
                node = new Or(node, And(depth));
            }
            return node;
        }

        private Node And(int depth)
        {
            var node = Unary(depth);
            while (IsKeyword("and"))
            {
                _at++;
                node = new And(node, Unary(depth));
            }
            return node;
        }

        private Node Unary(int depth)
        {
            if (depth > MaximumNesting) throw Invalid($"A filter nests at most {MaximumNesting} parentheses or brackets deep.");
            if (IsKeyword("not"))
            {
                _at++;
                if (Peek is not { Kind: Kind.Open }) throw Invalid("'not' is followed by a parenthesized filter.");
                return new Not(Group(depth));
            }
            if (Peek is { Kind: Kind.Open }) return Group(depth);
            var path = Next("an attribute");
            if (path.Kind != Kind.Word || !IsAttributePath(path.Text)) throw Invalid($"'{Cut(path.Text)}' is not an attribute of a filter.");
            if (Peek is { Kind: Kind.OpenBracket })
            {
                _at++;
                var inner = Or(depth + 1);
                if (Next("']'").Kind != Kind.CloseBracket) throw Invalid("A value filter ([…]) has no closing bracket.");
                return new ValuePath(path.Text, inner);
            }
            if (++_comparisons > DirectoryFilter.MaximumComparisons)
                throw Invalid($"A filter makes at most {DirectoryFilter.MaximumComparisons} comparisons.");
            var op = Next("an operator");
            if (op.Kind == Kind.Word && op.Text.Equals("pr", StringComparison.OrdinalIgnoreCase)) return new Present(path.Text);
            if (op.Kind != Kind.Word || !Comparisons.Contains(op.Text.ToLowerInvariant()))
                throw Invalid($"'{Cut(op.Text)}' is not an operator: eq, ne, co, sw, ew, gt, ge, lt, le or pr.");
            var value = Next("a value");
            return new Comparison(path.Text, op.Text.ToLowerInvariant(), value.Kind switch
            {
                Kind.Text => value.Value,
                Kind.Word when value.Text.Equals("true", StringComparison.OrdinalIgnoreCase) => JsonValue.Create(true),
                Kind.Word when value.Text.Equals("false", StringComparison.OrdinalIgnoreCase) => JsonValue.Create(false),
                Kind.Word when value.Text.Equals("null", StringComparison.OrdinalIgnoreCase) => null,
                Kind.Word when decimal.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
                _ => throw Invalid($"'{Cut(value.Text)}' is not a value: a \"string\", a number, true, false or null."),
            });
        }

        private Node Group(int depth)
        {
            _at++; // (
            var inner = Or(depth + 1);
            if (Next("')'").Kind != Kind.Close) throw Invalid("A parenthesis of the filter is not closed.");
            return inner;
        }
    }

    /// <summary>An attribute path: a name (letters, digits, '$', '-', '_'), optionally a schema URN before it and sub-attributes after it.</summary>
    private static bool IsAttributePath(string text) =>
        text.Length is > 0 and <= 256 && char.IsAsciiLetter(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '.' or '$' or '-' or '_');

    // ---------------------------------------------------------------- in the store

    /// <summary>The filter of a list of users, in the store's terms: userName, externalId, displayName, emails(.value), active, id.</summary>
    public static DirectoryFilter ForUsers(Node node) => ToDirectory(node, ScimUrns.User, path => path.ToLowerInvariant() switch
    {
        "username" => DirectoryAttribute.UserName,
        "externalid" => DirectoryAttribute.ExternalId,
        "displayname" => DirectoryAttribute.DisplayName,
        "emails" or "emails.value" => DirectoryAttribute.Email,
        "active" => DirectoryAttribute.Active,
        "id" => DirectoryAttribute.Id,
        _ => null,
    });

    /// <summary>The filter of a list of groups, in the store's terms: displayName, externalId, id, members(.value).</summary>
    public static DirectoryFilter ForGroups(Node node) => ToDirectory(node, ScimUrns.Group, path => path.ToLowerInvariant() switch
    {
        "displayname" => DirectoryAttribute.DisplayName,
        "externalid" => DirectoryAttribute.ExternalId,
        "id" => DirectoryAttribute.Id,
        "members" or "members.value" => DirectoryAttribute.Member,
        _ => null,
    });

    private static DirectoryFilter ToDirectory(Node node, string schema, Func<string, DirectoryAttribute?> attribute)
    {
        DirectoryAttribute Attribute(string path)
        {
            var name = path.StartsWith(schema + ":", StringComparison.OrdinalIgnoreCase) ? path[(schema.Length + 1)..] : path;
            return attribute(name) ?? throw Invalid($"Pim does not filter on '{Cut(path)}'.");
        }
        switch (node)
        {
            case And and: return new DirectoryFilter.And(ToDirectory(and.Left, schema, attribute), ToDirectory(and.Right, schema, attribute));
            case Or or: return new DirectoryFilter.Or(ToDirectory(or.Left, schema, attribute), ToDirectory(or.Right, schema, attribute));
            case Not not: return new DirectoryFilter.Not(ToDirectory(not.Inner, schema, attribute));
            case Present present: return new DirectoryFilter.Compare(Attribute(present.Path), FilterOperator.Present);
            // emails[value eq "x"] is emails.value eq "x"; members[value eq "x"] is members.value eq "x".
            case ValuePath { Filter: Comparison { Path: var sub } inner } valuePath when sub.Equals("value", StringComparison.OrdinalIgnoreCase):
                return ToDirectory(inner with { Path = valuePath.Path + ".value" }, schema, attribute);
            case ValuePath valuePath: throw Invalid($"Pim filters on '{Cut(valuePath.Path)}[value op …]' only.");
        }
        var comparison = (Comparison)node;
        var target = Attribute(comparison.Path);
        var op = comparison.Operator switch
        {
            "eq" => FilterOperator.Equal,
            "ne" => FilterOperator.NotEqual,
            "co" => FilterOperator.Contains,
            "sw" => FilterOperator.StartsWith,
            "ew" => FilterOperator.EndsWith,
            _ => throw Invalid($"Pim does not order directory attributes: '{comparison.Operator}' is not supported (eq, ne, co, sw, ew, pr are)."),
        };
        if (target == DirectoryAttribute.Active)
            return comparison.Value is JsonValue flag && flag.TryGetValue<bool>(out var value) && op is FilterOperator.Equal or FilterOperator.NotEqual
                ? new DirectoryFilter.Compare(target, op, Flag: value)
                : throw Invalid("active is compared with eq or ne to true or false.");
        if (comparison.Value is not JsonValue text || !text.TryGetValue<string>(out var operand))
            throw Invalid($"'{Cut(comparison.Path)}' is compared with a \"string\".");
        if (target == DirectoryAttribute.Member && op is not (FilterOperator.Equal or FilterOperator.NotEqual))
            throw Invalid("members is compared with eq or ne (or pr).");
        return new DirectoryFilter.Compare(target, op, operand);
    }

    // ---------------------------------------------------------------- in memory

    /// <summary>
    /// Whether one value of a multi-valued attribute (an email, a member, …) matches a value filter: its sub-attributes
    /// compared as SCIM compares them (strings without case unless <paramref name="caseExact"/> says otherwise).
    /// </summary>
    public static bool Matches(Node node, JsonNode? value, Func<string, bool> caseExact) => node switch
    {
        And and => Matches(and.Left, value, caseExact) && Matches(and.Right, value, caseExact),
        Or or => Matches(or.Left, value, caseExact) || Matches(or.Right, value, caseExact),
        Not not => !Matches(not.Inner, value, caseExact),
        Present present => Sub(value, present.Path) is { } found && !(found is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0),
        Comparison comparison => Compare(Sub(value, comparison.Path), comparison, caseExact(comparison.Path)),
        _ => throw Invalid("A value filter does not nest another value filter."),
    };

    private static JsonNode? Sub(JsonNode? value, string path) =>
        value is JsonObject item ? item.FirstOrDefault(p => p.Key.Equals(path, StringComparison.OrdinalIgnoreCase)).Value : null;

    private static bool Compare(JsonNode? actual, Comparison comparison, bool caseExact)
    {
        if (comparison.Value is null) return comparison.Operator == "eq" ? actual is null : comparison.Operator == "ne" && actual is not null;
        if (actual is not JsonValue present) return comparison.Operator == "ne";
        if (comparison.Value is JsonValue wanted && wanted.TryGetValue<bool>(out var flag))
        {
            var has = present.TryGetValue<bool>(out var b) ? b : bool.TryParse(present.ToString(), out var parsed) && parsed;
            return comparison.Operator switch { "eq" => has == flag, "ne" => has != flag, _ => throw Invalid("A boolean is compared with eq or ne.") };
        }
        var left = present.ToString();
        var right = comparison.Value.ToString();
        var how = caseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return comparison.Operator switch
        {
            "eq" => string.Equals(left, right, how),
            "ne" => !string.Equals(left, right, how),
            "co" => left.Contains(right, how),
            "sw" => left.StartsWith(right, how),
            "ew" => left.EndsWith(right, how),
            var op => Order(string.Compare(left, right, how), op),
        };
    }

    private static bool Order(int compared, string op) => op switch
    {
        "gt" => compared > 0,
        "ge" => compared >= 0,
        "lt" => compared < 0,
        _ => compared <= 0,
    };

    /// <summary>The filter written back, for messages.</summary>
    public static string Describe(Node node) => node switch
    {
        Comparison c => $"{c.Path} {c.Operator} {c.Value?.ToJsonString() ?? "null"}",
        Present p => $"{p.Path} pr",
        And a => $"({Describe(a.Left)} and {Describe(a.Right)})",
        Or o => $"({Describe(o.Left)} or {Describe(o.Right)})",
        Not n => $"not ({Describe(n.Inner)})",
        ValuePath v => $"{v.Path}[{Describe(v.Filter)}]",
        _ => "",
    };
}
