using System.Buffers.Text;
using System.Text;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Http;

public sealed record PageResponse<T>([MaxItems(Paging.MaximumPageSize)] IReadOnlyList<T> Items, Values.PageToken? NextPageToken);

/// <summary>The paging query of a list: <c>?pageSize=&amp;pageToken=</c>, bound with [AsParameters] and held to its bounds like a body.</summary>
public sealed record PageQuery([Between(1, Paging.MaximumPageSize)] int? PageSize, [Wire<Bounds.PageTokenSent>] string? PageToken)
{
    public int Size => PageTokens.Size(PageSize);
    public string? After => PageTokens.Decode(PageToken);
}

/// <summary>Opaque page tokens over the domain's keyset cursors, and the page size bounds.</summary>
public static class PageTokens
{
    /// <summary>The longest token this API gives out (base64url of "k:" and a key, an id of at most 128 characters) and its alphabet.</summary>
    public const int MaxLength = 176;
    public const string Pattern = "^[A-Za-z0-9_-]+$";

    public static string? Encode(string? key) => key is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes("k:" + key));

    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var text = token.Length <= MaxLength ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)) : "";
            if (text.StartsWith("k:", StringComparison.Ordinal) && text.Length <= 2 + Rules.MaxIdLength) return text[2..];
        }
        catch (FormatException) { }
        throw new PimException(ErrorCodes.InvalidPageToken, "pageToken is not a token this API gave out.");
    }

    public static int Size(int? pageSize) => pageSize switch
    {
        null => Paging.DefaultPageSize,
        >= 1 and <= Paging.MaximumPageSize => pageSize.Value,
        _ => throw Errors.InvalidField("pageSize", $"pageSize must be between 1 and {Paging.MaximumPageSize}."),
    };

    /// <summary>The page on the wire: items mapped to their responses, the next page's key as an opaque token.</summary>
    public static PageResponse<TOut> ToResponse<TIn, TOut>(this Page<TIn> page, Func<TIn, TOut> map) =>
        new(page.Items.Select(map).ToList(), Values.WireValues.OrNull<Values.PageToken>(Encode(page.NextPageToken)));
}
