using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>A Slack app's bot token (xoxb-…): written, never answered.</summary>
[JsonConverter(typeof(WireValueConverter<SlackBotToken>))]
public readonly record struct SlackBotToken : IWireValue<SlackBotToken>
{
    public static WireField Bound { get; } = new() { MaxLength = 255, Pattern = "^xoxb-[A-Za-z0-9-]{10,250}$", Says = "xoxb- and letters, digits or '-'" };

    private SlackBotToken(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static SlackBotToken Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A token read from the request.</summary>
    public static SlackBotToken Of(string text) => new(text, true);

    /// <summary>Never the token: a value printed or logged by mistake gives nothing away.</summary>
    public override string ToString() => "xoxb-…";
}
