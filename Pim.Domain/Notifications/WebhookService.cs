using System.Security.Cryptography;

namespace Pim.Domain;

public sealed class WebhookService(ITenants tenants, IWebhooks webhooks, IWebhookUrlPolicy urls, IAuditLog audit, IUnitOfWork uow,
    AccessService access, TimeProvider time)
{
    public const int MaximumPerTenant = 20;

    /// <summary>Creates a webhook; the secret is answered here, once, and never again.</summary>
    public async Task<(WebhookSubscription Webhook, string Secret)> CreateAsync(Caller caller, Uri url, IReadOnlyList<string> eventTypes, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, ct);
        if (await urls.RefusalAsync(url, ct) is { } refusal)
            throw new PimException(ErrorCodes.WebhookUrlRefused, refusal);
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            await tenants.GetForUpdateAsync(caller.TenantId, ct);
            if ((await webhooks.ListAsync(caller.TenantId, ct)).Count >= MaximumPerTenant)
                throw new PimException(ErrorCodes.LimitReached, $"A tenant has at most {MaximumPerTenant} webhooks.");
            var webhook = new WebhookSubscription(caller.TenantId, NewId.Next(), url.ToString(), eventTypes.Distinct().Order(StringComparer.Ordinal).ToList(),
                now, caller.ActorId);
            var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            await webhooks.InsertAsync(webhook, secret, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.WebhookCreated, "webhook", webhook.Id) with
            {
                Details = $"{{\"url\":{System.Text.Json.JsonSerializer.Serialize(webhook.Url)}}}",
            }, ct);
            return (webhook, secret);
        }, ct);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(Caller caller, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, ct);
        return await webhooks.ListAsync(caller.TenantId, ct);
    }

    public async Task<WebhookSubscription> GetAsync(Caller caller, string webhookId, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, ct);
        return await webhooks.FindAsync(caller.TenantId, webhookId, ct) ?? throw Errors.NotFound($"Webhook '{webhookId}'");
    }

    public async Task DeleteAsync(Caller caller, string webhookId, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, ct);
        await uow.RunAsync(async () =>
        {
            if (!await webhooks.DeleteAsync(caller.TenantId, webhookId, ct)) throw Errors.NotFound($"Webhook '{webhookId}'");
            await audit.AppendAsync(AuditEvent.For(caller, time.Now(), AuditActions.WebhookDeleted, "webhook", webhookId), ct);
        }, ct);
    }

    private async Task EnsureAdministratorAsync(Caller caller, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Managing webhooks", ct);
        tenant.EnsureConsented();
    }
}
