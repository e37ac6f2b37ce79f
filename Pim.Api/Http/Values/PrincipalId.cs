using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>A principal (user, group or service principal) of a tenant: an id.</summary>
[JsonConverter(typeof(WireValueConverter<PrincipalId>))]
public readonly record struct PrincipalId : IWireValue<PrincipalId>
{
    public static WireField Bound { get; } = Wire.Id;

    private PrincipalId(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static PrincipalId Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A principal Pim holds.</summary>
    public static PrincipalId Of(string text) => new(text, true);

    public override string ToString() => Text;
}
