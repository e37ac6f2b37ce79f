using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pim.Infrastructure;

namespace Pim.Api.Http;

/// <summary>
/// Degraded (still ready: answers are right, only slower) while the grant index cannot prove itself current — its change
/// feed is lost or late — so evaluations go to the store.
/// </summary>
public sealed class AccessCacheHealthCheck(GrantIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(!index.Enabled ? HealthCheckResult.Healthy("The grant index is off (Pim:Access:Cache:Enabled).")
            : index.Current ? HealthCheckResult.Healthy($"The grant index is current ({index.Entries} rows of at most {index.MaxEntries}).")
            : HealthCheckResult.Degraded("The grant index's change feed is not current: evaluations are answered from the store."));
}
