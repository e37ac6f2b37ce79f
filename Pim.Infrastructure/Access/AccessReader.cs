using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Access as the store knows it, for a tenant the grant index does not hold and inside a transaction: one principal's rows
/// (its own, its groups', the scope's ancestors) fetched with the index's own queries (<see cref="GrantIndexLoader.OnePrincipal"/>,
/// one batch in one snapshot), then decided by the same C# as the index (<see cref="TenantGrants"/>, <see cref="AccessRules"/>):
/// the rules of "who holds a role now" are written once.
/// </summary>
public sealed class AccessReader(DbSession db) : IAccessReader
{
    public async ValueTask<IReadOnlyList<Grant>> FindGrantsAsync(string tenantId, string principalId, IReadOnlyCollection<string>? roleIds,
        string? scope, DateTimeOffset now, CancellationToken ct) =>
        await GrantIndexLoader.LoadPrincipalAsync(db, tenantId, principalId, scope, now, ct) is { } grants
            ? grants.FindGrants(principalId, roleIds, scope, now)
            : [];

    /// <summary>An unknown tenant knows no principal, and only the root scope.</summary>
    public async ValueTask<AccessStanding> StandingAsync(string tenantId, string principalId, string roleId, string scope, DateTimeOffset now,
        CancellationToken ct) =>
        await GrantIndexLoader.LoadPrincipalAsync(db, tenantId, principalId, scope, now, ct) is { } grants
            ? grants.Standing(principalId, roleId, scope, now)
            : new AccessStanding(false, scope == ScopePath.Root, null, true, false, false);

    public async Task<IReadOnlyList<string>> ListHoldersAsync(string tenantId, IReadOnlyCollection<string> roleIds, DateTimeOffset now, CancellationToken ct)
    {
        // The rules of FindGrantsAsync in SQL, for every holder at once (a tenant's holders of a role: notifications, approvers). The members of the groups that hold the roles are
        // asked of the groups as a parameter, which reaches every branch of MembershipSql's union (a join would not).
        var roles = db.Store.In("a.role_id", "roleIds");
        var rolesR = db.Store.In("r.role_id", "roleIds");
        var holding = $"""
            SELECT DISTINCT a.principal_id FROM role_assignments a
            WHERE a.tenant_id = @tenantId AND a.scope = '/' AND {roles} AND {AssignmentSql.ActiveInForceAt}
            """;
        var sql = $"""
            SELECT a.principal_id FROM role_assignments a
            JOIN principals p ON p.tenant_id = a.tenant_id AND p.principal_id = a.principal_id AND p.disabled_at IS NULL
            WHERE a.tenant_id = @tenantId AND a.scope = '/' AND {roles} AND {AssignmentSql.ActiveInForceAt}
            UNION
            SELECT g.member_id FROM {MembershipSql.Memberships} g
            JOIN principals p ON p.tenant_id = g.tenant_id AND p.principal_id = g.member_id AND p.disabled_at IS NULL
            WHERE g.tenant_id = @tenantId AND {db.Store.In("g.group_id", "holders")}
            UNION
            SELECT r.principal_id FROM activation_requests r
            JOIN principals p ON p.tenant_id = r.tenant_id AND p.principal_id = r.principal_id AND p.disabled_at IS NULL
            JOIN role_assignments e ON e.tenant_id = r.tenant_id AND e.assignment_id = r.assignment_id AND e.type = 'eligible'
            WHERE r.tenant_id = @tenantId AND r.scope = '/' AND {rolesR} AND {ActivationSql.ActiveAt}
              AND (e.principal_id = r.principal_id
                   OR EXISTS (SELECT 1 FROM {MembershipSql.Memberships} m
                              WHERE m.tenant_id = r.tenant_id AND m.member_id = r.principal_id AND m.group_id = e.principal_id))
            """;
        var connection = await db.ConnectionAsync(ct);
        var holders = (await connection.QueryAsync<string>(db.Command(holding, new { tenantId, roleIds = roleIds.ToArray(), now }, ct))).ToArray();
        return (await connection.QueryAsync<string>(db.Command(sql, new { tenantId, roleIds = roleIds.ToArray(), holders, now }, ct))).ToList();
    }
}
