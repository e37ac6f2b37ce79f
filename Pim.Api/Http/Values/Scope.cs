using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>Where access applies: a scope path (<see cref="Pim.Domain.ScopePath"/>: <c>/</c>, a management group, a subscription,
/// a resource group, or a group of the directory). Its bound is the whole path's pattern; that the scope exists in the tenant is
/// the use case's to say.</summary>
[JsonConverter(typeof(WireValueConverter<Scope>))]
public readonly record struct Scope : IWireValue<Scope>
{
    public static WireField Bound { get; } = Wire.Scope;

    private Scope(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static Scope Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A scope Pim holds.</summary>
    public static Scope Of(string text) => new(text, true);

    public override string ToString() => Text;
}
