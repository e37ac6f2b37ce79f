using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>A message Slack shows under a modal's input (at most 150 characters).</summary>
[JsonConverter(typeof(WireValueConverter<SlackModalText>))]
public readonly record struct SlackModalText : IWireValue<SlackModalText>
{
    public static WireField Bound { get; } = new() { MaxLength = 150, Pattern = Rules.TextPattern, Says = "text" };

    private SlackModalText(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static SlackModalText Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A message Pim writes.</summary>
    public static SlackModalText Of(string text) => new(text, true);

    public override string ToString() => Text;
}
