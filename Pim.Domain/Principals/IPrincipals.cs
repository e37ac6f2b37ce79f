namespace Pim.Domain;

public interface IPrincipals
{
    Task<Principal?> FindAsync(string tenantId, string principalId, CancellationToken ct);
    Task<Principal?> FindGuestAsync(string tenantId, string homeTenantId, string homePrincipalId, CancellationToken ct);
    /// <summary>Of <paramref name="principalIds"/>, those that exist in the tenant.</summary>
    Task<IReadOnlyList<Principal>> FindManyAsync(string tenantId, IReadOnlyCollection<string> principalIds, CancellationToken ct);
    /// <summary>The members of the given groups.</summary>
    Task<IReadOnlyList<string>> ListMembersAsync(string tenantId, IReadOnlyCollection<string> groupIds, CancellationToken ct);
    /// <summary>Creates or replaces (including group memberships); returns true when created.</summary>
    Task<bool> UpsertAsync(Principal principal, DateTimeOffset now, CancellationToken ct);
    /// <summary>Deletes the principal with its memberships (and, for a group, its members' memberships of it); its assignments must be gone.</summary>
    Task DeleteAsync(string tenantId, string principalId, CancellationToken ct);
}
