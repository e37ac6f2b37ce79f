using Pim.Api.Http;

namespace Pim.Api.Tests.Http;

/// <summary>
/// The items of a request Pim's authorization let through hold the endpoint middleware's mark without a dictionary, and
/// behave as ASP.NET Core's items do once anything else is put in them (issue 27). That requests reach their endpoints
/// through it is every test's (without a trusted proxy: <c>ForwardedHeaderTests</c>; the bench's requests).
/// </summary>
public sealed class AuthorizedItemsTests
{
    private static readonly object Mark = new();

    [Fact]
    public void The_mark_is_held_and_read_as_items_are()
    {
        var items = new AuthorizedItems("mark", Mark).Items;
        Assert.True(items.ContainsKey("mark"));
        Assert.Same(Mark, items["mark"]);
        Assert.True(items.TryGetValue("mark", out var read) && ReferenceEquals(read, Mark));
        // A missing key reads null, as ASP.NET Core's items answer.
        Assert.Null(items["other"]);
        Assert.False(items.ContainsKey("other"));
        Assert.False(items.TryGetValue("other", out _));
        Assert.Equal([new KeyValuePair<object, object?>("mark", Mark)], items);
    }

    [Fact]
    public void What_is_put_in_them_is_kept_beside_the_mark()
    {
        var items = new AuthorizedItems("mark", Mark).Items;
        items["a"] = 1;
        items.Add("b", 2);
        Assert.Equal(3, items.Count);
        Assert.Equal((1, 2), ((int)items["a"]!, (int)items["b"]!));
        Assert.Same(Mark, items["mark"]);
        Assert.Throws<ArgumentException>(() => items.Add("a", 3));
        Assert.True(items.Remove("a"));
        Assert.False(items.ContainsKey("a"));
        Assert.Equal(["b", "mark"], items.Keys.Select(k => (string)k).Order());

        // Removing the mark removes it: the items are the dictionary's from the first write on.
        Assert.True(items.Remove("mark"));
        Assert.False(items.ContainsKey("mark"));
        items.Clear();
        Assert.Empty(items);
    }
}
