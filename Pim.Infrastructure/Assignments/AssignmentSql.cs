namespace Pim.Infrastructure;

/// <summary>
/// <see cref="Pim.Domain.RoleAssignment.IsInForceAt"/> in SQL, for <c>role_assignments</c> aliased <c>a</c>; checked
/// against the domain by ActivationSqlTests on both stores.
/// </summary>
public static class AssignmentSql
{
    public const string InForceAt = "a.starts_at <= @now AND (a.ends_at IS NULL OR a.ends_at > @now)";

    /// <summary>Standing access in force: an active assignment.</summary>
    public const string ActiveInForceAt = $"a.type = 'active' AND {InForceAt}";
}
