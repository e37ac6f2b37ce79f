using System.Collections;
using System.Reflection;

namespace Pim.Api.Http.Values;

/// <summary>A type that declares, once, what a value of the wire may hold: a wire value type, a kind of text
/// (<see cref="Bounds"/>) or a closed vocabulary (<see cref="Vocabulary"/>).</summary>
public interface IWireBound
{
    static abstract WireField Bound { get; }
}

/// <summary>
/// What a field or parameter of the wire may hold, declared where it is: on the property of a contract record (or its
/// positional parameter), or on a handler's parameter. The contract (openapi.yaml) and the check of every request read
/// the same declaration, once per type; a string, number or list without one fails the document's generation.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, AllowMultiple = true)]
public abstract class WireDeclarationAttribute : Attribute
{
    public abstract WireField Field { get; }
}

/// <summary>The value (a string, or each item of a list) is a <typeparamref name="T"/> on the wire: <c>[Wire&lt;PrincipalId&gt;]</c>.
/// A <typeparamref name="T"/> that bounds a list (it declares MaxItems) bounds the list itself.</summary>
public sealed class WireAttribute<T> : WireDeclarationAttribute where T : IWireBound
{
    public override WireField Field => T.Bound;
}

/// <summary>Free text of at most <paramref name="maxLength"/> characters, without control characters but tab and line breaks.</summary>
public sealed class TextAttribute(int maxLength) : WireDeclarationAttribute
{
    public override WireField Field { get; } = Wire.Text(maxLength);
}

/// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
public sealed class BetweenAttribute(long minimum, long maximum) : WireDeclarationAttribute
{
    public override WireField Field { get; } = new() { Minimum = minimum, Maximum = maximum };
}

/// <summary>A list of at most <paramref name="maxItems"/> items (and at least <see cref="MinItems"/>); its items are declared
/// by their own type, or by a <see cref="WireAttribute{T}"/> beside this one.</summary>
public sealed class MaxItemsAttribute(int maxItems) : WireDeclarationAttribute
{
    public int MinItems { get; init; }

    public override WireField Field => new() { MaxItems = maxItems, MinItems = MinItems == 0 ? null : MinItems };
}

/// <summary>Reads the declarations of a property or parameter (once per type or endpoint: never per request).</summary>
public static class WireDeclarations
{
    /// <summary>What <paramref name="type"/>, carrying <paramref name="declarations"/>, may hold; null when nothing declares it.</summary>
    public static WireField? Of(Type type, IEnumerable<WireDeclarationAttribute> declarations)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (WireValues.BoundOf(type) is { } own) return own;
        var fields = declarations.Select(d => d.Field).ToList();
        var isList = type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
        if (!isList) return fields.SingleOrDefault();
        var list = fields.SingleOrDefault(f => f.MaxItems is not null || f.OneOf is not null);
        if (list is null) return null;
        var items = ItemType(type) is { } item && WireValues.BoundOf(item) is { } itemBound ? itemBound
            : fields.SingleOrDefault(f => f.MaxItems is null && f.OneOf is null) ?? list.Items;
        return list with { Items = items };
    }

    /// <summary>The declarations on a record's property and on the positional parameter it comes from.</summary>
    public static WireField? Of(PropertyInfo property) => Of(property.PropertyType, property.GetCustomAttributes<WireDeclarationAttribute>()
        .Concat(property.DeclaringType!.GetConstructors().SelectMany(c => c.GetParameters()).Where(p => p.Name == property.Name)
            .Take(1).SelectMany(p => p.GetCustomAttributes<WireDeclarationAttribute>())));

    /// <summary>The declarations on a handler's parameter.</summary>
    public static WireField? Of(ParameterInfo parameter) => Of(parameter.ParameterType, parameter.GetCustomAttributes<WireDeclarationAttribute>());

    public static Type? ItemType(Type list) => list.IsArray ? list.GetElementType()
        : list.IsGenericType && list.GetGenericArguments() is [var item] ? item : null;
}
