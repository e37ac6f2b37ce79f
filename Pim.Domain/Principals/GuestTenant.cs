namespace Pim.Domain;

/// <summary>A tenant where a person of another tenant is a guest: the tenant, its name, and the guest principal it acts as there.</summary>
public sealed record GuestTenant(string TenantId, string DisplayName, string PrincipalId);
