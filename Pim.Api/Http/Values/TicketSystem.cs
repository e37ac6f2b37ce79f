using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>The ticket system a ticket number belongs to (ServiceNow, Jira, …): free text, as the organisation names it.</summary>
[JsonConverter(typeof(WireValueConverter<TicketSystem>))]
public readonly record struct TicketSystem : IWireValue<TicketSystem>
{
    public static WireField Bound { get; } = Wire.Text(Rules.MaxTicketSystem);

    private TicketSystem(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static TicketSystem Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A system Pim holds (it was within bounds when it was sent).</summary>
    public static TicketSystem Of(string text) => new(text, true);

    public override string ToString() => Text;
}
