using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>What people call a thing (a tenant, a principal, a role, a scope, an access review): one line, no control
/// characters. That it is not blank (and, for a principal, a name as the domain has it) is the validator's to say.</summary>
[JsonConverter(typeof(WireValueConverter<DisplayName>))]
public readonly record struct DisplayName : IWireValue<DisplayName>
{
    public static WireField Bound { get; } = Wire.DisplayName;

    private DisplayName(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static DisplayName Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A name Pim holds.</summary>
    public static DisplayName Of(string text) => new(text, true);

    public override string ToString() => Text;
}
