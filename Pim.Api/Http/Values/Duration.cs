using System.Text.Json.Serialization;
using Pim.Domain;

namespace Pim.Api.Http.Values;

/// <summary>How long: an ISO 8601 duration such as PT1H or P1D. Its bound is the shape; that it is positive and at most
/// P36500D (what <see cref="IsoDuration"/> reads) is the validator's to say, with its words.</summary>
[JsonConverter(typeof(WireValueConverter<Duration>))]
public readonly record struct Duration : IWireValue<Duration>
{
    public static WireField Bound { get; } = Wire.Duration;

    private Duration(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static Duration Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A duration Pim holds (it was well-formed when it was sent, or Pim wrote it).</summary>
    public static Duration Of(string text) => new(text, true);

    /// <summary>A duration Pim holds, as the wire writes it.</summary>
    public static Duration Of(TimeSpan value) => Of(IsoDuration.Format(value));

    /// <summary>How long, once the validator has said the text is a duration Pim reads.</summary>
    public TimeSpan ToTimeSpan() => IsoDuration.Parse(Text);

    public override string ToString() => Text;
}
