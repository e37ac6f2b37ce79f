namespace Pim.Domain;

/// <summary>
/// Records, off the hot path, that a principal's own token called Pim (what "potential stale accounts in a privileged
/// role" reads: a principal Pim has not seen for long may be an account nobody uses).
/// </summary>
public interface IPrincipalSightings
{
    void Record(string tenantId, string principalId, DateTimeOffset at);
}
