using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>What Slack does with a modal on submission: clear (close it) or errors (show them in it).</summary>
[JsonConverter(typeof(WireValueConverter<SlackResponseAction>))]
public readonly record struct SlackResponseAction : IWireValue<SlackResponseAction>
{
    public static WireField Bound { get; } = new() { MaxLength = 6, Pattern = "^(clear|errors)$", Says = "clear or errors" };

    private SlackResponseAction(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static SlackResponseAction Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>errors)$", Says = "clear or errors"|An action Pim answers.</summary>
    public static SlackResponseAction Of(string text) => new(text, true);

    public override string ToString() => Text;
}
