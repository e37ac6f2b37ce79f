using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Pim.Domain;

namespace Pim.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// The store, the request's unit of work, the repositories, and the domain's use cases. <paramref name="fromMemory"/>
    /// (<c>Pim:Access:Cache:Enabled</c>): evaluation answers from the grant index, with a change feed; the index's other
    /// settings are <see cref="AccessCacheOptions"/>, which the host binds and checks.
    /// </summary>
    public static IServiceCollection AddPimStore(this IServiceCollection services, StoreProvider provider, string connectionString, bool fromMemory = true)
    {
        services.AddSingleton(_ => new Store(provider, connectionString));
        // Evaluation from memory: the grant index, told of changes by this process's commits (DbSession) and by the store's change feed.
        services.TryAddSingleton(new AccessCacheOptions { Enabled = fromMemory });
        services.AddSingleton<TenantChanges>();
        services.AddSingleton<ITenantChanges>(sp => sp.GetRequiredService<TenantChanges>());
        services.AddSingleton<GrantIndex>();
        if (fromMemory && provider == StoreProvider.Postgres)
        {
            services.AddSingleton<PostgresChangeFeed>();
            services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeFeed>());
        }
        else if (fromMemory) services.AddHostedService<SqliteChangeFeed>();
        services.AddSingleton<Migrator>();
        services.AddScoped<IdempotencyStore>();
        services.AddScoped<DbSession>();
        services.AddScoped<IUnitOfWork>(sp => sp.GetRequiredService<DbSession>());
        // What every evaluation resolves (AccessService's collaborators) holds nothing but the request's DbSession: transient,
        // so that each costs the request's scope no entry of its resolved-services table (issue 27: that table growing
        // was an eighth of an evaluation's allocation). The DbSession, and so the connection and transaction, stay one per request.
        services.AddTransient<ITenants, TenantRepository>();
        services.AddTransient<IPrincipals, PrincipalRepository>();
        services.AddScoped<IRoleAssignments, RoleAssignmentRepository>();
        services.AddScoped<IRoleSettingsStore, RoleSettingsRepository>();
        services.AddTransient<ICustomRoles, CustomRoleRepository>();
        services.AddScoped<IActivationRequests, ActivationRequestRepository>();
        services.AddScoped<IAuditLog, AuditRepository>();
        services.AddTransient<AccessReader>();
        // One composition of AccessService and its readers, for the request's scope and for the single evaluation's own session.
        services.AddSingleton(sp => new AccessServiceFactory(sp.GetRequiredService<Store>(), sp.GetRequiredService<GrantIndex>(),
            sp.GetRequiredService<IUsageRecorder>(), sp.GetRequiredService<TimeProvider>(), fromMemory));
        services.AddTransient(sp => sp.GetRequiredService<AccessServiceFactory>().Reader(sp.GetRequiredService<DbSession>()));
        services.AddScoped<IScopes, ScopeRepository>();
        services.AddScoped<IScopeContents, ScopeContentsRepository>();
        services.AddSingleton(sp =>
        {
            var usage = new UsageRecorder(sp.GetRequiredService<TimeProvider>());
            PimTelemetry.Observe(usage); // pim.usage.unwritten
            return usage;
        });
        services.AddSingleton<IUsageRecorder>(sp => sp.GetRequiredService<UsageRecorder>());
        services.AddScoped<AssignmentUsageRepository>();
        services.AddScoped<IAssignmentUsage>(sp => sp.GetRequiredService<AssignmentUsageRepository>());

        services.AddScoped(sp => sp.GetRequiredService<AccessServiceFactory>().Create(sp.GetRequiredService<DbSession>()));
        services.AddScoped<TenantService>();
        services.AddScoped<PrincipalService>();
        services.AddScoped<RoleService>();
        services.AddScoped<AssignmentService>();
        services.AddScoped<RoleSettingsService>();
        services.AddScoped<ActivationRecorder>();
        services.AddScoped<ActivationService>();
        services.AddScoped<ApprovalService>();
        services.AddScoped<ActivationLifecycleService>();
        services.AddScoped<GrantRevocation>();
        services.AddScoped<ScopeService>();
        services.AddScoped<ScopeRemoval>();
        services.AddScoped<AuditService>();
        // Governance (issue 16): security alerts, access reviews, and when principals were last seen.
        services.AddScoped<IAlertIncidents, AlertIncidentRepository>();
        services.AddScoped<IAlertSettingsStore, AlertSettingsRepository>();
        services.AddScoped<AlertConditions>();
        services.AddScoped<IAlertConditions>(sp => sp.GetRequiredService<AlertConditions>());
        services.AddScoped<IAccessReviews, AccessReviewRepository>();
        services.AddSingleton<PrincipalSightingRecorder>();
        services.AddSingleton<IPrincipalSightings>(sp => sp.GetRequiredService<PrincipalSightingRecorder>());
        services.AddScoped<PrincipalSightingRepository>();
        services.AddScoped<AlertService>();
        services.AddScoped<AccessReviewService>();
        // Slack approvals (issue 29): the tenants' connections, their encrypted tokens, the messages posted.
        services.AddScoped<SlackConnectionRepository>();
        services.AddScoped<ISlackConnections>(sp => sp.GetRequiredService<SlackConnectionRepository>());
        services.AddScoped<SlackMessageRepository>();
        services.AddSingleton<ISecretProtector, DataProtectionSecrets>();
        services.AddScoped<SlackIntegrationService>();
        services.AddScoped<ChatApprovalService>();
        return services;
    }

    /// <summary>
    /// The outbox, email (<paramref name="smtp"/>: through <c>Pim:Email:Smtp</c>, else to the pickup directory), signed
    /// webhooks, and, when <paramref name="background"/>, the dispatcher, the sweeper and the usage flush running in the
    /// background. Their settings (<see cref="EmailOptions"/>, <see cref="OutboxOptions"/>, <see cref="WebhookOptions"/>,
    /// <see cref="NotificationLimits"/>) are the host's to bind and check.
    /// </summary>
    public static IServiceCollection AddPimNotifications(this IServiceCollection services, bool smtp, bool background)
    {
        services.AddScoped<OutboxRepository>();
        services.AddScoped<IOutbox>(sp => sp.GetRequiredService<OutboxRepository>());
        services.AddScoped<IChatOutbox>(sp => sp.GetRequiredService<OutboxRepository>());
        services.AddScoped<WebhookRepository>();
        services.AddScoped<IWebhooks>(sp => sp.GetRequiredService<WebhookRepository>());
        services.AddSingleton<IWebhookUrlPolicy, WebhookUrlPolicy>();
        services.AddScoped<Notifier>();
        services.AddScoped<WebhookService>();
        services.AddScoped<NotificationService>();

        if (smtp) services.AddSingleton<IEmailSender>(sp => new SmtpEmailSender(sp.GetRequiredService<EmailOptions>()));
        else services.AddSingleton<IEmailSender, PickupDirectoryEmailSender>();
        // HttpClientFactory's own loggers (System.Net.Http.HttpClient.*) write every request's URI at Information: a
        // webhook's path is often its credential (Slack, Teams). None of Pim's clients logs them; the dispatcher logs outcomes.
        services.ConfigureHttpClientDefaults(client => client.RemoveAllLoggers());
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookUrlPolicy.Handler(sp.GetRequiredService<WebhookOptions>()));
        services.AddSingleton<WebhookSender>();
        // Slack's Web API: a client of its own (Pim:Slack:ApiBaseUrl), its messages through the outbox.
        services.AddHttpClient(SlackClient.HttpClientName);
        services.AddSingleton<SlackClient>();
        services.AddSingleton<SlackDelivery>();
        services.AddSingleton<OutboxDispatcher>();
        if (background)
        {
            services.AddHostedService<OutboxDispatcherService>();
            services.AddHostedService<SweeperService>();
            services.AddHostedService<UsageFlushService>();
        }
        return services;
    }
}
