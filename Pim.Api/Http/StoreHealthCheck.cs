using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pim.Infrastructure;

namespace Pim.Api.Http;

/// <summary>Ready when the store answers and every migration has been applied.</summary>
public sealed class StoreHealthCheck(Migrator migrator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var pending = migrator.Pending();
            return Task.FromResult(pending.Count == 0
                ? HealthCheckResult.Healthy("Store reachable, schema current.")
                : HealthCheckResult.Unhealthy($"Migrations pending: {string.Join(", ", pending)}."));
        }
        catch (Exception e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Store unreachable.", e));
        }
    }
}
