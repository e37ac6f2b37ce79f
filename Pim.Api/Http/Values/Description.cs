using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>What a role is for, in people's words: free text.</summary>
[JsonConverter(typeof(WireValueConverter<Description>))]
public readonly record struct Description : IWireValue<Description>
{
    public static WireField Bound { get; } = Wire.Text(Rules.MaxDescription);

    private Description(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static Description Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A description Pim holds (the catalog's, or one that was within bounds when it was sent).</summary>
    public static Description Of(string text) => new(text, true);

    public override string ToString() => Text;
}
