namespace Pim.Domain;

/// <summary>Which eligibility an activation is made through: a pure function of what the principal holds.</summary>
public static class Eligibility
{
    /// <summary>
    /// An eligible assignment of the role (the principal's own or one of its groups') at the scope or above it, in force
    /// at <paramref name="at"/>; the longest-lasting one when several are. The activation may be for a narrower scope
    /// than the eligibility's. Null when there is none.
    /// </summary>
    /// <param name="ancestors">The activation's scope and its ancestors.</param>
    public static RoleAssignment? Choose(IEnumerable<RoleAssignment> held, string roleId, IReadOnlyList<string> ancestors, DateTimeOffset at) =>
        held.Where(a => a.Type == AssignmentType.Eligible && a.RoleId == roleId && ancestors.Contains(a.Scope) && a.IsInForceAt(at))
            .OrderBy(a => a.EndsAt is null ? 0 : 1).ThenByDescending(a => a.EndsAt)
            .FirstOrDefault();
}
