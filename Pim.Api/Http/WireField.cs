using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Pim.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pim.Api.Http;

/// <summary>What one field of the wire may hold. <see cref="Says"/> tells a client, in words, what <see cref="Pattern"/> means.</summary>
public sealed record WireField
{
    public int? MaxLength { get; init; }
    public string? Pattern { get; init; }
    public string? Says { get; init; }
    public string? Format { get; init; }
    public IReadOnlyList<string>? Values { get; init; }
    public long? Minimum { get; init; }
    public long? Maximum { get; init; }
    public int? MaxItems { get; init; }
    public int? MinItems { get; init; }
    public WireField? Items { get; init; }
    /// <summary>The field is a shared schema of the contract, by name (with <see cref="Values"/>: an enumeration declared once).</summary>
    public string? Schema { get; init; }
    /// <summary>The field holds one of these shapes (a keyword, or a list): each declared with its own bounds (the validator holds a value to them).</summary>
    public IReadOnlyList<WireField>? OneOf { get; init; }

    /// <summary>Whether a text matches <see cref="Pattern"/> as a whole (any text, without one).</summary>
    internal bool Matches(string text) => Pattern is null || Wire.MatcherOf(Pattern)(text);
}
