using Microsoft.Extensions.DependencyInjection;
using Pim.Domain;

namespace Pim.Infrastructure;

public static class DependencyInjection
{
    /// <summary>The store, the request's unit of work, the repositories, and the domain's use cases.</summary>
    public static IServiceCollection AddPimStore(this IServiceCollection services, StoreProvider provider, string connectionString)
    {
        services.AddSingleton(_ => new Store(provider, connectionString));
        services.AddSingleton<Migrator>();
        services.AddScoped<DbSession>();
        services.AddScoped<IUnitOfWork>(sp => sp.GetRequiredService<DbSession>());
        services.AddScoped<ITenants, TenantRepository>();
        services.AddScoped<IPrincipals, PrincipalRepository>();
        services.AddScoped<IRoleAssignments, RoleAssignmentRepository>();
        services.AddScoped<IRoleSettingsStore, RoleSettingsRepository>();
        services.AddScoped<IActivationRequests, ActivationRequestRepository>();
        services.AddScoped<IAuditLog, AuditRepository>();
        services.AddScoped<IAccessReader, AccessReader>();

        services.AddScoped<AccessService>();
        services.AddScoped<OnboardingService>();
        services.AddScoped<AssignmentService>();
        services.AddScoped<RoleSettingsService>();
        services.AddScoped<ActivationService>();
        services.AddScoped<AuditService>();
        return services;
    }
}
