using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>One email address. Its bound is the wire's (length, format email); that it is one address as the domain has it
/// (<see cref="Pim.Domain.PrincipalValues.IsEmail"/>) is the validator's to say, with the domain's words.</summary>
[JsonConverter(typeof(WireValueConverter<EmailAddress>))]
public readonly record struct EmailAddress : IWireValue<EmailAddress>
{
    public static WireField Bound { get; } = Wire.Email;

    private EmailAddress(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static EmailAddress Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>An address Pim holds.</summary>
    public static EmailAddress Of(string text) => new(text, true);

    public override string ToString() => Text;
}
