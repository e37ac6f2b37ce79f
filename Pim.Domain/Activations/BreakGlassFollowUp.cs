namespace Pim.Domain;

/// <summary>
/// What a break-glass activation owes afterwards: a Privileged Role or Security Administrator (never its requester)
/// acknowledges it, with a justification, by <see cref="DueAt"/>; a follow-up still open then is raised again.
/// </summary>
public sealed record BreakGlassFollowUp(DateTimeOffset DueAt, string? AcknowledgedBy = null, DateTimeOffset? AcknowledgedAt = null,
    string? Justification = null)
{
    public bool IsOpen => AcknowledgedAt is null;
}
