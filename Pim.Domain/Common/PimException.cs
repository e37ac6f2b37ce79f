namespace Pim.Domain;

/// <summary>
/// A request the domain refuses. <see cref="Code"/> is the stable problem code clients switch on (<see cref="ErrorCodes"/>);
/// the API maps codes to its answers in one place.
/// </summary>
public sealed class PimException(string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception(detail)
{
    public string Code { get; } = code;
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;
    /// <summary>For a refusal that is a matter of time (too many at once): when to try again.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The refusals every use case makes.</summary>
public static class Errors
{
    public static PimException NotFound(string what) => new(ErrorCodes.NotFound, $"{what} was not found.");
    public static PimException Forbidden(string detail) => new(ErrorCodes.Forbidden, detail);

    /// <summary>One invalid field (validation-failed with <c>errors</c>); <paramref name="detail"/> defaults to the field's message.</summary>
    public static PimException InvalidField(string field, string message, string? detail = null) =>
        new(ErrorCodes.ValidationFailed, detail ?? message, new Dictionary<string, string[]> { [field] = [message] });
}
