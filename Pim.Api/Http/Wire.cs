using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Pim.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pim.Api.Http;

/// <summary>
/// The wire's shared bounds and its checks. What each field and parameter may hold is declared where it is, once: by its
/// type (a wire value such as <see cref="Values.PrincipalId"/>, which declares its own bound) or by a declaration on the
/// property or handler parameter (<see cref="Values.WireAttribute{T}"/> naming a kind of text or a closed vocabulary,
/// <see cref="Values.TextAttribute"/>, <see cref="Values.BetweenAttribute"/>, <see cref="Values.MaxItemsAttribute"/>).
/// openapi.yaml declares them (<see cref="SchemaFilter"/>, <see cref="DeclareParameters"/>) and every request under a tenant
/// is held to them before its handler runs (<see cref="HoldToWireBounds{TBuilder}"/>). A string, number or list without a
/// declaration fails the document's generation, so no field reaches the contract unbounded. Date-times need none:
/// <see cref="Instant"/> holds for all of them. Validators keep what bounds cannot say: that a role is in the catalog, a
/// duration well-formed, one field after another.
/// </summary>
public static partial class Wire
{
    internal static readonly WireField Id = new()
    {
        MaxLength = Rules.MaxIdLength, Pattern = Rules.IdPattern,
        Says = "1-128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
    };
    internal static readonly WireField Scope = new()
    {
        MaxLength = ScopePath.MaxLength, Pattern = ScopePath.Pattern,
        Says = "'/', /managementGroups/{id}, /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{name} or /groups/{groupId}",
    };
    internal static readonly WireField Duration = new()
    {
        MaxLength = IsoDuration.MaxLength, Pattern = IsoDuration.Pattern, Says = "an ISO 8601 duration such as PT1H or P1D",
    };
    internal static readonly WireField Email = new() { MaxLength = Rules.MaxEmail, Format = "email" };
    internal static readonly WireField DisplayName = new() { MaxLength = Rules.MaxDisplayName, Pattern = Rules.NamePattern, Says = "one line: no control characters or line breaks" };

    /// <summary>Every date-time: RFC 3339, no longer than System.Text.Json reads (and a query parameter is checked likewise).</summary>
    public static readonly WireField Instant = new() { MaxLength = Rules.MaxInstantLength, Format = "date-time" };

    internal static WireField Text(int maxLength) =>
        new() { MaxLength = maxLength, Pattern = Rules.TextPattern, Says = "text without control characters other than tab and line breaks" };

    /// <summary>A closed vocabulary: a shared enumeration of the contract, named <paramref name="schema"/>.</summary>
    internal static WireField Values(string schema, IEnumerable<string> values) => new() { Values = [.. values], Schema = schema };

    /// <summary>
    /// Holds a record built by the server from what a client sent (a resource after a SCIM PATCH) to the bounds a request
    /// body is held to: 400 validation-failed naming each field out of bounds.
    /// </summary>
    public static void EnsureWithinBounds(object record)
    {
        var errors = Errors();
        CheckRecord(record, "", errors);
        RefuseAny(errors);
    }

    private static readonly ConcurrentDictionary<string, Regex> Regexes = new();

    internal static Regex RegexOf(string pattern) => Regexes.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1)));

    private static readonly ConcurrentDictionary<string, Func<string, bool>> Matchers = new();

    private static readonly SearchValues<char> IdTail = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-"),
        SegmentTail = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"),
        Controls = SearchValues.Create("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
                                       "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    /// <summary>
    /// Whether a whole text matches a pattern (<see cref="FullyMatches"/>). The patterns of the ids every request carries
    /// (an id, a scope's segment, printable text) are read as what they are — a first character and a tail, each of one
    /// class, within a length — without running the regex: a few nanoseconds instead of a fraction of a microsecond, four
    /// or five times a request (<c>WireBoundsTests</c> holds each to its regex on every kind of character). Any other
    /// pattern runs its regex.
    /// </summary>
    internal static Func<string, bool> MatcherOf(string pattern) => Matchers.GetOrAdd(pattern, static p => p switch
    {
        Rules.IdPattern => text => text.Length is >= 1 and <= 128 && char.IsAsciiLetterOrDigit(text[0]) && !text.AsSpan(1).ContainsAnyExcept(IdTail),
        ScopePath.SegmentPattern => text => text.Length is >= 1 and <= 90 && char.IsAsciiLetterOrDigit(text[0]) && !text.AsSpan(1).ContainsAnyExcept(SegmentTail),
        Rules.PrintablePattern => text => text.Length >= 1 && !text.AsSpan().ContainsAny(Controls),
        _ => ByRegex(RegexOf(p)),
    });

    private static Func<string, bool> ByRegex(Regex regex) => text => FullyMatches(regex, text);

    /// <summary>
    /// The whole value matches (in .NET, a final <c>$</c> also matches before a trailing newline; JSON Schema's does not).
    /// The first match, as <see cref="Regex.Match(string)"/> finds it, without allocating one: this runs on every field of
    /// every request (evaluation's ids among them).
    /// </summary>
    public static bool FullyMatches(Regex regex, string value)
    {
        foreach (var match in regex.EnumerateMatches(value)) return match.Index == 0 && match.Length == value.Length;
        return false;
    }
}
