namespace Pim.Domain;

public interface ITenants
{
    Task<Tenant?> FindAsync(string tenantId, CancellationToken ct);
    /// <summary>
    /// Reads the tenant and holds it until the unit of work ends: what the tenant may hold only so many of (webhooks,
    /// scopes, a principal's assignments) is counted and added under this hold, so two racing requests cannot both add the last.
    /// </summary>
    Task<Tenant?> FindForUpdateAsync(string tenantId, CancellationToken ct);
    /// <summary>Creates or renames; returns true when the tenant was created.</summary>
    Task<bool> UpsertAsync(Tenant tenant, DateTimeOffset now, CancellationToken ct);
    /// <summary>Records consent unless some other request recorded it first; returns false then.</summary>
    Task<bool> RecordConsentAsync(Tenant tenant, CancellationToken ct);
    /// <summary>Records a sign-up unless the area is already signed up; returns false then.</summary>
    Task<bool> AddSignUpAsync(string tenantId, SignUp signUp, CancellationToken ct);
}

public static class TenantsExtensions
{
    public static async Task<Tenant> GetAsync(this ITenants tenants, string tenantId, CancellationToken ct) =>
        await tenants.FindAsync(tenantId, ct) ?? throw Errors.NotFound($"Tenant '{tenantId}'");

    public static async Task<Tenant> GetForUpdateAsync(this ITenants tenants, string tenantId, CancellationToken ct) =>
        await tenants.FindForUpdateAsync(tenantId, ct) ?? throw Errors.NotFound($"Tenant '{tenantId}'");
}
