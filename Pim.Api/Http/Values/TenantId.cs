using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>A tenant (a directory): its id.</summary>
[JsonConverter(typeof(WireValueConverter<TenantId>))]
public readonly record struct TenantId : IWireValue<TenantId>
{
    public static WireField Bound { get; } = Wire.Id;

    private TenantId(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static TenantId Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A tenant Pim holds or names.</summary>
    public static TenantId Of(string text) => new(text, true);

    public override string ToString() => Text;
}
