using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>A Slack conversation's id (a public or private channel, C… or G…): where approvals are posted. Names (#security) are not ids: they change.</summary>
[JsonConverter(typeof(WireValueConverter<SlackChannelId>))]
public readonly record struct SlackChannelId : IWireValue<SlackChannelId>
{
    public static WireField Bound { get; } = new() { MaxLength = 22, Pattern = "^[CG][A-Z0-9]{2,20}$", Says = "C (or G) and 2-20 capital letters or digits" };

    private SlackChannelId(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static SlackChannelId Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A channel Pim holds.</summary>
    public static SlackChannelId Of(string text) => new(text, true);

    public override string ToString() => Text;
}
