using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pim.Infrastructure;

/// <summary>
/// How domain values are kept as JSON documents in the store (role settings, a request's approval, a break-glass
/// follow-up): what their constructors take, not what they compute from it (a computed property such as
/// <c>ApprovalProgress.Deadline</c> is never written, so a document is never stale or redundant).
/// </summary>
public static class DocumentJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DataOnly } },
    };

    private static void DataOnly(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        var taken = info.Type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var computed in info.Properties.Where(p => p.Set is null && !taken.Contains(p.Name)).ToList()) info.Properties.Remove(computed);
    }
}
