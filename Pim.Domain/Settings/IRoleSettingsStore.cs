namespace Pim.Domain;

public sealed record StoredRoleSettings(RoleSettings Settings, int Version, string Scope);

public interface IRoleSettingsStore
{
    /// <summary>The settings saved at the nearest of <paramref name="ancestors"/> (nearest first), if any.</summary>
    Task<StoredRoleSettings?> FindNearestAsync(string tenantId, string roleId, IReadOnlyList<string> ancestors, CancellationToken ct);
    /// <summary>Inserts (expectedVersion 0) or replaces the version read at the scope; false when someone else saved first.</summary>
    Task<bool> SaveAsync(string tenantId, RoleSettings settings, string scope, int expectedVersion, DateTimeOffset now, string updatedBy, CancellationToken ct);
}
