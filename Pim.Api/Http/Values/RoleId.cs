using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>A role: one of the catalog's, or a tenant's own (custom-…). Its bound is an id's; that it names a role is the validator's to say.</summary>
[JsonConverter(typeof(WireValueConverter<RoleId>))]
public readonly record struct RoleId : IWireValue<RoleId>
{
    public static WireField Bound { get; } = Wire.Id;

    private RoleId(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static RoleId Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A role Pim holds or names.</summary>
    public static RoleId Of(string text) => new(text, true);

    public override string ToString() => Text;
}
