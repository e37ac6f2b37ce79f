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
    /// <param name="holder">The principal that activates: which of its groups' eligibilities it may use (<see cref="Usable"/>).</param>
    public static RoleAssignment? Choose(IEnumerable<RoleAssignment> held, string roleId, IReadOnlyList<string> ancestors, DateTimeOffset at,
        Principal? holder) =>
        held.Where(a => a.Type == AssignmentType.Eligible && a.RoleId == roleId && ancestors.Contains(a.Scope) && a.IsInForceAt(at) && Usable(a, holder))
            .OrderBy(a => a.EndsAt is null ? 0 : 1).ThenByDescending(a => a.EndsAt)
            .FirstOrDefault();

    /// <summary>
    /// Whether the holder may activate through an assignment it holds, its own or a group's. A membership held through PIM
    /// is one level deep: it gives what the group holds and lets its member activate the group's eligible roles, but a
    /// group's eligibility for another group's membership serves only the group's members in the directory. So a
    /// membership held through PIM never stands on another one, and no two memberships can stand on each other (a
    /// circle that would outlive the directory membership it began with).
    /// </summary>
    public static bool Usable(RoleAssignment held, Principal? holder) =>
        held.PrincipalId == holder?.Id || held.RoleId != RoleCatalog.Member || holder?.IsDirectoryMemberOf(held.PrincipalId) == true;
}
