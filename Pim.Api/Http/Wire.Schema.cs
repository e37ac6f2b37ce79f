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

    /// <summary>Declares each property's bounds on the schemas of Pim's own records: what its type or declaration says.</summary>
    public sealed class SchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Properties.Count: > 0 } target || !IsContract(context.Type)) return;
            var members = Members(context.Type).ToDictionary(m => m.Name, m => m.Member);
            var properties = Properties(context.Type);
            foreach (var (name, property) in target.Properties.ToList())
            {
                if (!members.TryGetValue(name, out var member) || property is not OpenApiSchema inline) continue;
                var field = member.Kind == Kind.Instant ? Instant : member.Field;
                if (field is null) continue;
                if (properties[name].GetCustomAttribute<EchoAttribute>() is not null) inline.Description = ReadOnlyFields.Description;
                target.Properties[name] = Declare(inline, field, context.SchemaRepository);
            }
        }
    }

    /// <summary>
    /// Declares the bounds of an operation's path, query and header parameters: what the handler's parameter (or the
    /// property of its [AsParameters] record) is or declares; a route value the handler does not take (the tenant) by its
    /// route constraint (<c>{tenantId:id}</c>: an id).
    /// </summary>
    public static void DeclareParameters(OpenApiOperation operation, MethodInfo? handler, string route, SchemaRepository repository)
    {
        var declared = DeclaredParameters(handler);
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Schema is not OpenApiSchema schema || parameter.Name is null) continue;
            if (schema.Type?.HasFlag(JsonSchemaType.Boolean) == true) continue;
            var field = schema.Format == "date-time" ? Instant
                : declared.TryGetValue(parameter.Name, out var own) && own is not null ? own
                : parameter.In == ParameterLocation.Path && route.Contains($"{{{parameter.Name}:id}}", StringComparison.Ordinal) ? Id
                : throw new InvalidOperationException($"'{operation.OperationId}' parameter '{parameter.Name}' says nothing of what it may hold: " +
                    "give it a wire value type, or declare it ([Wire<…>], [Text(…)], [Between(…)]).");
            parameter.Schema = Declare(schema, field, repository);
            parameter.Description ??= schema.Description;
            schema.Description = null;
        }
    }

    /// <summary>What each of a handler's request values may hold, by its name on the wire (the query's camelCase included).</summary>
    private static Dictionary<string, WireField?> DeclaredParameters(MethodInfo? handler)
    {
        var declared = new Dictionary<string, WireField?>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in handler?.GetParameters() ?? [])
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
                foreach (var (name, member) in Members(parameter.ParameterType)) declared[name] = member.Field;
            else declared[WireName(parameter)] = WireDeclarations.Of(parameter);
        }
        return declared;
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
