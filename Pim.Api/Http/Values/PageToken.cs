using System.Text.Json.Serialization;

namespace Pim.Api.Http.Values;

/// <summary>Where the next page of a list begins: an opaque token this API gave out (<see cref="PageTokens"/>), sent back as
/// <c>pageToken</c>.</summary>
[JsonConverter(typeof(WireValueConverter<PageToken>))]
public readonly record struct PageToken : IWireValue<PageToken>
{
    public static WireField Bound { get; } = new()
    {
        MaxLength = PageTokens.MaxLength, Pattern = PageTokens.Pattern, Says = "a token this API gave out",
    };

    private PageToken(string text, bool fits) => (Text, Fits) = (text, fits);

    public string Text { get; }
    public bool Fits { get; }

    public static PageToken Read(string text) => new(text, WireValues.Fits(Bound, text));

    /// <summary>A token Pim made.</summary>
    public static PageToken Of(string text) => new(text, true);

    public override string ToString() => Text;
}
