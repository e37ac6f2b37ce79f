using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>The JSON document Slack sends as an interaction's <c>payload</c> form field (block_actions, view_submission).</summary>
[JsonConverter(typeof(WireValueConverter<SlackInteractionPayload>))]
public readonly record struct SlackInteractionPayload : IWireValue<SlackInteractionPayload>
{
    public static WireField Bound { get; } = new() { MaxLength = 200_000, Says = "Slack's interaction payload (JSON)" };

    private SlackInteractionPayload(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static SlackInteractionPayload Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A payload as received.</summary>
    public static SlackInteractionPayload Of(string text) => new(text, true);

    public override string ToString() => Text;
}
