using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>The number of the change or incident ticket an activation is made under: free text, as the ticket system writes it.</summary>
[JsonConverter(typeof(WireValueConverter<TicketNumber>))]
public readonly record struct TicketNumber : IWireValue<TicketNumber>
{
    public static WireField Bound { get; } = Wire.Text(Rules.MaxTicketNumber);

    private TicketNumber(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static TicketNumber Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A number Pim holds (it was within bounds when it was sent).</summary>
    public static TicketNumber Of(string text) => new(text, true);

    public override string ToString() => Text;
}
