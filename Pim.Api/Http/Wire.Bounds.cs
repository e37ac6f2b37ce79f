using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Http;

// The wire enforced: every argument a handler receives held to what its type or declaration says.
public static partial class Wire
{
    // ---------------------------------------------------------------- enforcement

    /// <summary>
    /// Holds every argument a handler of the group receives from the request — path, query and header values, [AsParameters]
    /// records and JSON bodies, nested records and lists included — to what its type or declaration says: a request that
    /// breaks one is answered 400 validation-failed naming each field, before any validator or handler runs. What each
    /// argument is and may hold is worked out once per endpoint; a request is checked with compiled getters, no reflection.
    /// </summary>
    public static TBuilder HoldToWireBounds<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var parameters = factory.MethodInfo.GetParameters().Select(p => (
                Query: p.GetCustomAttribute<AsParametersAttribute>() is not null,
                Record: IsContract(p.ParameterType),
                Name: WireName(p),
                Field: WireDeclarations.Of(p))).ToArray();
            // Nothing of the request to hold (the caller, the context, a token): no filter, so no filter pipeline either.
            if (!parameters.Any(p => p.Query || p.Record || p.Field is not null)) return next;
            return async context =>
            {
                var http = context.HttpContext;
                var errors = Errors();
                for (var i = 0; i < parameters.Length && i < context.Arguments.Count; i++)
                {
                    var (query, record, name, field) = parameters[i];
                    if (!query && !record && field is null) continue; // not read: an argument of a value type is boxed when it is
                    var value = context.Arguments[i];
                    if (value is null) continue;
                    if (query) CheckParameters(http, value, errors);
                    else if (record) CheckRecord(value, "", errors);
                    else if (field is not null) CheckValue(field, value is IWireValue wire ? wire.Text : value, name, errors);
                }
                RefuseAny(errors);
                return await next(context);
            };
        });

    [ThreadStatic] private static Dictionary<string, List<string>>? _errors;

    /// <summary>The fields out of bounds, for a check that runs to its end on one thread before anything is awaited: one
    /// dictionary per thread, emptied for each check, instead of a new one per request (nearly every request fits).</summary>
    private static Dictionary<string, List<string>> Errors()
    {
        var errors = _errors ??= new Dictionary<string, List<string>>();
        errors.Clear();
        return errors;
    }

    /// <summary>400 validation-failed naming each field out of bounds, if any is (the thread's dictionary emptied for the next check).</summary>
    private static void RefuseAny(Dictionary<string, List<string>> errors)
    {
        if (errors.Count == 0) return;
        var refused = errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
        errors.Clear();
        throw new PimException(ErrorCodes.ValidationFailed, "One or more fields are out of bounds.", refused);
    }

    /// <summary>A handler parameter's name on the wire: the header's or query's name, or its own (a route value's).</summary>
    internal static string WireName(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<FromHeaderAttribute>()?.Name ?? parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.Name!;

    private static void CheckParameters(HttpContext http, object query, Dictionary<string, List<string>> errors)
    {
        foreach (var (name, member) in Members(query.GetType()))
        {
            var value = member.Get(query);
            if (value is null) continue;
            if (value is DateTimeOffset && http.Request.Query[name].ToString() is { } raw)
                CheckValue(Instant, raw, name, errors);
            else if (member.Field is { } field)
                CheckValue(field, value is IWireValue wire ? wire.Text : value, name, errors);
        }
    }

    private static void CheckRecord(object record, string path, Dictionary<string, List<string>> errors)
    {
        foreach (var (name, member) in Members(record.GetType()))
        {
            if (member.Unfit is { } unfit) // a wire value, read without boxing it
            {
                if (unfit(record) is { } sent) CheckValue(member.Field!, sent, At(path, name), errors);
                continue;
            }
            var value = member.Get(record);
            if (value is null) continue;
            var at = At(path, name);
            switch (member.Kind)
            {
                case Kind.Record:
                    CheckRecord(value, at, errors);
                    break;
                case Kind.List:
                    var field = member.Field!;
                    var items = ((IEnumerable)value).Cast<object?>().ToList();
                    if (items.Count > field.MaxItems) Add(errors, at, $"'{at}' may hold at most {field.MaxItems} items.");
                    if (items.Count < field.MinItems) Add(errors, at, $"'{at}' must hold at least {field.MinItems} item(s).");
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (items[i] is not { } item) continue;
                        if (item is IWireValue wire)
                        {
                            if (!wire.Fits && wire.Text is { } sent) CheckValue(field.Items!, sent, $"{at}[{i}]", errors);
                        }
                        else if (IsContractCached(item.GetType())) CheckRecord(item, $"{at}[{i}]", errors);
                        else if (field.Items is not null) CheckValue(field.Items, item, $"{at}[{i}]", errors);
                    }
                    break;
                case Kind.Scalar:
                    CheckValue(member.Field!, value, at, errors);
                    break;
            }
        }
    }

    /// <summary>A field's name as errors name it: its own at the top of a body, under its record's path below (made only
    /// for a field that is checked: a batch's items are records under a path).</summary>
    private static string At(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static void CheckValue(WireField field, object value, string at, Dictionary<string, List<string>> errors)
    {
        switch (value)
        {
            case string text:
                if (field.Values is { } values)
                {
                    if (!values.Contains(text, StringComparer.Ordinal)) Add(errors, at, $"'{at}' must be one of: {string.Join(", ", values)}.");
                }
                else if (text.Length > field.MaxLength) Add(errors, at, $"'{at}' must be at most {field.MaxLength} characters.");
                else if (!field.Matches(text)) Add(errors, at, $"'{at}' must be {field.Says}.");
                break;
            case int or long:
                var number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                if (number < field.Minimum || number > field.Maximum) Add(errors, at, $"'{at}' must be between {field.Minimum} and {field.Maximum}.");
                break;
        }
    }

    private static void Add(Dictionary<string, List<string>> errors, string at, string message)
    {
        if (!errors.TryGetValue(at, out var list)) errors[at] = list = [];
        list.Add(message);
    }

    // ---------------------------------------------------------------- the shape of records

    /// <summary>What a property holds; a <see cref="Kind.Value"/> is a wire value type, which declares its own bound.</summary>
    private enum Kind { Scalar, Instant, Boolean, List, Record, Value }

    private static Kind KindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (WireValues.BoundOf(type) is not null) return Kind.Value;
        if (type == typeof(DateTimeOffset)) return Kind.Instant;
        if (type == typeof(bool)) return Kind.Boolean;
        if (type == typeof(string) || type.IsPrimitive) return Kind.Scalar;
        if (typeof(IEnumerable).IsAssignableFrom(type)) return Kind.List;
        return IsContract(type) ? Kind.Record : Kind.Scalar;
    }

    /// <summary>A record of Pim's wire (a request, an answer, a query): the types its contract is made of.</summary>
    private static bool IsContract(Type type) =>
        type.Assembly == typeof(Wire).Assembly && type.IsClass && type.GetMethod("<Clone>$") is not null;

    private static readonly ConcurrentDictionary<Type, bool> Contracts = new();

    /// <summary><see cref="IsContract(Type)"/>, asked once per type (a list's items are asked on every request).</summary>
    private static bool IsContractCached(Type type) => Contracts.GetOrAdd(type, IsContract);

    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> Shapes = new();

    /// <summary>A property of a record as the enforcement reads it: its kind, what it may hold, and a compiled getter — for a
    /// wire value, one that answers its text only when it is out of its bound (<see cref="Unfit"/>), without boxing it.</summary>
    private sealed record Member(Kind Kind, WireField? Field, Func<object, object?> Get, Func<object, string?>? Unfit);

    private static string? UnfitText<TValue>(TValue value) where TValue : struct, IWireValue => value.Fits ? null : value.Text;

    private static string? UnfitTextOrNone<TValue>(TValue? value) where TValue : struct, IWireValue => value is { } sent ? UnfitText(sent) : null;

    private static readonly ConcurrentDictionary<Type, (string Name, Member Member)[]> Readers = new();

    /// <summary>
    /// A record's properties by their wire names, each with what reading it needs, worked out once per type. A string,
    /// number or list without a declaration is a mistake of the contract, told at once rather than let through unbounded.
    /// </summary>
    private static (string Name, Member Member)[] Members(Type type) => Readers.GetOrAdd(type, t => [.. Properties(t).Select(p =>
    {
        var kind = KindOf(p.Value.PropertyType);
        var record = System.Linq.Expressions.Expression.Parameter(typeof(object));
        var property = System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(record, t), p.Value);
        var get = System.Linq.Expressions.Expression.Lambda<Func<object, object?>>(
            System.Linq.Expressions.Expression.Convert(property, typeof(object)), record).Compile();
        Func<object, string?>? unfit = null;
        if (kind == Kind.Value)
        {
            var optional = Nullable.GetUnderlyingType(p.Value.PropertyType);
            var text = typeof(Wire).GetMethod(optional is null ? nameof(UnfitText) : nameof(UnfitTextOrNone), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(optional ?? p.Value.PropertyType);
            unfit = System.Linq.Expressions.Expression.Lambda<Func<object, string?>>(
                System.Linq.Expressions.Expression.Call(text, property), record).Compile();
        }
        return (p.Key, new Member(kind, Declared(t, p.Key, p.Value, kind), get, unfit));
    })]);

    /// <summary>What a property may hold, as its type or declaration says; null for records, booleans and instants.</summary>
    private static WireField? Declared(Type owner, string name, PropertyInfo property, Kind kind) => kind switch
    {
        Kind.Value => WireValues.BoundOf(property.PropertyType),
        Kind.Scalar or Kind.List => WireDeclarations.Of(property) ?? throw new InvalidOperationException(
            $"'{OpenApiSetup.SchemaId(owner)}.{name}' says nothing of what it may hold: give it a wire value type, or declare it " +
            "([Wire<…>], [Text(…)], [Between(…)], [MaxItems(…)])."),
        _ => null,
    };

    /// <summary>A record's properties by their wire names: camelCase, or the name a [JsonPropertyName] gives (AuthZEN's snake_case).</summary>
    private static Dictionary<string, PropertyInfo> Properties(Type type) => Shapes.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null && p.DeclaringType == t && t.GetConstructors().Any(c => c.GetParameters().Any(a => a.Name == p.Name)))
        .ToDictionary(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name ?? char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p => p));
}
