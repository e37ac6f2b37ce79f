using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Pim.Api.Http.Values;
using Pim.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pim.Api.Http;

// The wire in the contract: each field's bounds declared on the schemas and parameters of openapi.yaml.
public static partial class Wire
{
    // ---------------------------------------------------------------- the contract

    /// <summary>Declares each property's bounds on the schemas of Pim's own records.</summary>
    public sealed class SchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Properties.Count: > 0 } target || !IsContract(context.Type)) return;
            var owner = OpenApiSetup.SchemaId(context.Type);
            var properties = Properties(context.Type);
            foreach (var (name, property) in target.Properties.ToList())
            {
                if (!properties.TryGetValue(name, out var info)) continue;
                var kind = KindOf(info.PropertyType);
                if (kind is Kind.Record or Kind.Boolean) continue;
                var field = kind switch
                {
                    Kind.Value => WireValues.BoundOf(info.PropertyType)!,
                    Kind.Instant => Find(owner, name) ?? Instant,
                    _ => Require(owner, name),
                };
                // A list of wire values: its items are declared by their type, whatever the list's entry says.
                if (kind == Kind.List && ItemType(info.PropertyType) is { } item && WireValues.BoundOf(item) is { } itemBound)
                    field = field with { Items = itemBound };
                if (property is not OpenApiSchema inline) continue;
                if (info.GetCustomAttribute<EchoAttribute>() is not null) inline.Description = ReadOnlyFields.Description;
                target.Properties[name] = Declare(inline, field, context.SchemaRepository);
            }
        }
    }

    private static Type? ItemType(Type list) => list.IsArray ? list.GetElementType()
        : list.IsGenericType && list.GetGenericArguments() is [var item] ? item : null;

    /// <summary>Declares the bounds of an operation's path, query and header parameters.</summary>
    public static void DeclareParameters(OpenApiOperation operation, string operationId, SchemaRepository repository)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Schema is not OpenApiSchema schema || parameter.Name is null) continue;
            if (schema.Type?.HasFlag(JsonSchemaType.Boolean) == true) continue;
            var field = schema.Format == "date-time" ? Find(operationId, parameter.Name) ?? Instant : Require(operationId, parameter.Name);
            parameter.Schema = Declare(schema, field, repository);
            parameter.Description ??= schema.Description;
            schema.Description = null;
        }
    }

    /// <summary>The schema with the field's bounds; a shared schema's reference in its place (nullable kept).</summary>
    private static IOpenApiSchema Declare(OpenApiSchema schema, WireField field, SchemaRepository repository)
    {
        if (field.OneOf is { } shapes)
        {
            schema.OneOf = [.. shapes.Select(shape => Declare(shape.MaxItems is null ? new OpenApiSchema { Type = JsonSchemaType.String }
                : new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }, shape, repository))];
            return schema;
        }
        if (field.Schema is { } name)
        {
            if (field.Values is { } shared && !repository.Schemas.ContainsKey(name)) repository.AddDefinition(name, Enumeration(shared));
            var reference = new OpenApiSchemaReference(name);
            return schema.Type?.HasFlag(JsonSchemaType.Null) == true ? OpenApiSetup.OrNull(reference) : reference;
        }
        if (schema.Type?.HasFlag(JsonSchemaType.Array) == true)
        {
            schema.MaxItems = field.MaxItems ?? throw new InvalidOperationException("A list field needs MaxItems.");
            schema.MinItems = field.MinItems;
            if (field.Items is not null && schema.Items is OpenApiSchema items) schema.Items = Declare(items, field.Items, repository);
            return schema;
        }
        if (schema.Type?.HasFlag(JsonSchemaType.Integer) == true)
        {
            schema.Minimum = field.Minimum?.ToString(CultureInfo.InvariantCulture) ?? throw new InvalidOperationException("A number field needs Minimum.");
            schema.Maximum = field.Maximum?.ToString(CultureInfo.InvariantCulture) ?? throw new InvalidOperationException("A number field needs Maximum.");
            return schema;
        }
        schema.MaxLength = field.MaxLength ?? throw new InvalidOperationException("A text field needs MaxLength or a shared enumeration.");
        schema.Pattern = field.Pattern;
        schema.Format ??= field.Format;
        if (field.Says is not null && schema.Description is null) schema.Description = $"{char.ToUpperInvariant(field.Says[0])}{field.Says[1..]}.";
        return schema;
    }

    /// <summary>
    /// A closed vocabulary as a string enumeration, with <c>x-enumNames</c> (read by NSwag and other generators) naming
    /// each value in PascalCase: <c>activation.approved</c> is <c>ActivationApproved</c>.
    /// </summary>
    public static OpenApiSchema Enumeration(IEnumerable<string> values, string? description = null)
    {
        var list = values.ToList();
        return new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = description,
            Enum = [.. list.Select(v => (JsonNode)JsonValue.Create(v))],
            Extensions = new Dictionary<string, IOpenApiExtension>
            {
                ["x-enumNames"] = new JsonNodeExtension(new JsonArray([.. list.Select(v => (JsonNode)JsonValue.Create(PascalCase(v)))])),
            },
        };
    }

    private static string PascalCase(string value) => string.Concat(Regex.Split(value, "[^A-Za-z0-9]+")
        .Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
