using System.Collections;
using Microsoft.AspNetCore.Http.Features;

namespace Pim.Api.Http;

/// <summary>
/// The items (<see cref="HttpContext.Items"/>) of a request Pim's authorization let through (<see cref="AuthSetup.UsePimAuthorization"/>),
/// when nothing had put any in them before: they hold the mark ASP.NET Core's endpoint middleware looks for (that the
/// authorization middleware ran), without a dictionary. A request's items are otherwise a feature, a wrapper, a dictionary
/// and its two arrays (~0.25 KB), made for that mark alone on every evaluation (issue 27); here they are made the first
/// time anything else is put in them, the mark among them, and from then on every read and write is the dictionary's.
/// Reads answer as ASP.NET Core's items do: a missing key reads null.
/// </summary>
internal sealed class AuthorizedItems : IItemsFeature, IDictionary<object, object?>
{
    private readonly object markKey, mark;
    private Dictionary<object, object?>? _items;

    /// <summary>The feature, its items this dictionary (until someone sets others).</summary>
    public AuthorizedItems(object markKey, object mark)
    {
        (this.markKey, this.mark) = (markKey, mark);
        Items = this;
    }

    public IDictionary<object, object?> Items { get; set; }

    private Dictionary<object, object?> Held => _items ??= new Dictionary<object, object?> { [markKey] = mark };

    public bool ContainsKey(object key) => _items?.ContainsKey(key) ?? markKey.Equals(key);

    public bool TryGetValue(object key, out object? value)
    {
        if (_items is not null) return _items.TryGetValue(key, out value);
        value = markKey.Equals(key) ? mark : null;
        return value is not null;
    }

    public object? this[object key]
    {
        get => TryGetValue(key, out var value) ? value : null;
        set => Held[key] = value;
    }

    public int Count => _items?.Count ?? 1;
    public bool IsReadOnly => false;
    public ICollection<object> Keys => Held.Keys;
    public ICollection<object?> Values => Held.Values;
    public void Add(object key, object? value) => Held.Add(key, value);
    public bool Remove(object key) => ((IDictionary<object, object?>)Held).Remove(key);
    public void Add(KeyValuePair<object, object?> item) => ((ICollection<KeyValuePair<object, object?>>)Held).Add(item);
    public void Clear() => Held.Clear();
    public bool Contains(KeyValuePair<object, object?> item) => ((ICollection<KeyValuePair<object, object?>>)Held).Contains(item);
    public void CopyTo(KeyValuePair<object, object?>[] array, int arrayIndex) => ((ICollection<KeyValuePair<object, object?>>)Held).CopyTo(array, arrayIndex);
    public bool Remove(KeyValuePair<object, object?> item) => ((ICollection<KeyValuePair<object, object?>>)Held).Remove(item);
    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator() => Held.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
