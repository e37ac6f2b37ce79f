namespace Pim.Domain;

/// <summary>
/// Hears that something changed in a tenant: a commit on this replica, or on another one (through the store's change
/// feed). What waits for a change asks for <see cref="Next"/> before it reads, so that no change slips between the two.
/// </summary>
public interface ITenantChanges
{
    /// <summary>A task that completes at the next change in the tenant.</summary>
    Task Next(string tenantId);
}
