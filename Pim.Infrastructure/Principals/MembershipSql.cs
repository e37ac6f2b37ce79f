namespace Pim.Infrastructure;

/// <summary>
/// The one place the store expands groups. Every query that asks which groups a principal is a member of — access
/// evaluation and its standing, eligibility, the holders of a role, what an activation stands on, approvers, the grant
/// index — reads <see cref="Memberships"/>: rows (tenant_id, member_id, group_id, depth), one per group a principal is a
/// member of, directly or through nested groups (migration 0008's closure, maintained on every membership write by
/// <see cref="PrincipalRepository.RebuildClosureAsync"/>). A kind of membership that comes and goes with time can join
/// this relation here, and every expansion sees it.
/// </summary>
public static class MembershipSql
{
    public const string Memberships = "group_closure";
}
