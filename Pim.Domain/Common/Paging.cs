namespace Pim.Domain;

/// <summary>A page of a list, and the key after which the next page starts (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken)
{
    public Page<TOut> Map<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToList(), NextPageToken);
}

public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaximumPageSize = 200;

    /// <summary>Turns a list fetched with pageSize + 1 rows into a page and the token of the next one.</summary>
    public static Page<T> Of<T>(IReadOnlyList<T> rows, int pageSize, Func<T, string> key) =>
        rows.Count > pageSize
            ? new Page<T>(rows.Take(pageSize).ToList(), key(rows[pageSize - 1]))
            : new Page<T>(rows, null);
}
