using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>Why someone asks for, decides on or ends access: free text, kept in the audit trail.</summary>
[JsonConverter(typeof(WireValueConverter<Justification>))]
public readonly record struct Justification : IWireValue<Justification>
{
    public static WireField Bound { get; } = Wire.Text(Rules.MaxJustification);

    private Justification(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static Justification Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A justification Pim holds (it was within bounds when it was sent).</summary>
    public static Justification Of(string text) => new(text, true);

    public override string ToString() => Text;
}
