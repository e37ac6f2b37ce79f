using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>A Slack workspace's id (team_id): T and letters or digits (E for an Enterprise Grid organisation).</summary>
[JsonConverter(typeof(WireValueConverter<SlackTeamId>))]
public readonly record struct SlackTeamId : IWireValue<SlackTeamId>
{
    public static WireField Bound { get; } = new() { MaxLength = 22, Pattern = "^[TE][A-Z0-9]{2,20}$", Says = "T (or E) and 2-20 capital letters or digits" };

    private SlackTeamId(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static SlackTeamId Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A workspace Pim holds.</summary>
    public static SlackTeamId Of(string text) => new(text, true);

    public override string ToString() => Text;
}
