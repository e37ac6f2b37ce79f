using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>
/// A value of the wire read from its text: what the client sent (<see cref="Text"/>) and whether it fits its type's
/// <see cref="IWireValue{TSelf}.Bound"/>. Reading never throws on a value out of bounds, so that a request is answered
/// once with every field it gets wrong (400 validation-failed, <see cref="Wire.HoldToWireBounds{TBuilder}"/>); no handler
/// sees a value that does not fit.
/// </summary>
public interface IWireValue
{
    /// <summary>The value as it travels.</summary>
    string Text { get; }

    /// <summary>The text is within its type's bound (checked once, when it was read).</summary>
    bool Fits { get; }
}

/// <summary>A wire value that declares, once, its bound (length, pattern, format, what it is in words) and how it is made.
/// Its <see cref="IWireBound.Bound"/> is declared on openapi.yaml wherever the type appears (and wherever a string says it is
/// one: <c>[Wire&lt;PrincipalId&gt;]</c>), and enforced on every request.</summary>
public interface IWireValue<TSelf> : IWireValue, IWireBound where TSelf : struct, IWireValue<TSelf>
{
    /// <summary>The value of <paramref name="text"/>, fitting its bound or not (<see cref="IWireValue.Fits"/> says which).</summary>
    static abstract TSelf Read(string text);

    /// <summary>A value Pim holds and answers with (it was within bounds when it was sent, or Pim made it).</summary>
    static abstract TSelf Of(string text);
}

/// <summary>Reads and writes a wire value as its JSON string.</summary>
public sealed class WireValueConverter<T> : JsonConverter<T> where T : struct, IWireValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? T.Read(reader.GetString()!)
            : throw new JsonException($"The JSON value could not be converted to {typeof(T).Name}: a string is expected.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text);
}

/// <summary>What every wire value type has in common.</summary>
public static class WireValues
{
    /// <summary>Whether <paramref name="text"/> is within <paramref name="bound"/> (length, then the whole text matching the pattern).</summary>
    public static bool Fits(WireField bound, string text) =>
        text.Length <= bound.MaxLength && bound.Matches(text);

    /// <summary>The bound a wire value type (or its nullable) declares; null for any other type. Asked once per type.</summary>
    public static WireField? BoundOf(Type type) => Bounds.GetOrAdd(Nullable.GetUnderlyingType(type) ?? type, static t =>
        t.IsValueType && typeof(IWireValue).IsAssignableFrom(t)
            ? (WireField)t.GetProperty("Bound", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)!.GetValue(null)!
            : null);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, WireField?> Bounds = new();

    /// <summary>The value Pim holds as <paramref name="text"/>, if it holds one.</summary>
    public static T? OrNull<T>(string? text) where T : struct, IWireValue<T> => text is null ? null : T.Of(text);
}
