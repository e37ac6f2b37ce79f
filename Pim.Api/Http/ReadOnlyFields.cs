using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// Read-modify-write: what GET answers can be changed and sent back with PUT. The fields the server keeps (an id, a
/// scope, where settings are inherited from) may be echoed: equal to the resource's value they are ignored, different
/// they are refused — 422 read-only-field naming each — so a client never believes it changed what it cannot change.
/// </summary>
public static class ReadOnlyFields
{
    public const string Description = "Read-only, as GET answers it: may be sent back unchanged (it is then ignored); another value is refused with 422 read-only-field.";

    public static void Check(params (string Name, string? Sent, string? Actual)[] fields)
    {
        var errors = fields.Where(f => f.Sent is not null && !string.Equals(f.Sent, f.Actual, StringComparison.Ordinal))
            .ToDictionary(f => f.Name, f => new[] { $"'{f.Name}' is read-only: it is {Quoted(f.Actual)}, not {Quoted(f.Sent)}. Send it as read, or leave it out." });
        if (errors.Count > 0)
            throw new PimException(ErrorCodes.ReadOnlyField, $"Read-only fields were sent with other values than they have: {string.Join(", ", errors.Keys)}.", errors);
    }

    private static string Quoted(string? value) => value is null ? "null" : $"'{value}'";
}

/// <summary>Marks a request field that only echoes a read-only field of the resource (described so in the contract).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EchoAttribute : Attribute;
