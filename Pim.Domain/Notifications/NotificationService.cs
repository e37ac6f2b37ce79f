namespace Pim.Domain;

/// <summary>Administrators see failed notifications and put them back in line.</summary>
public sealed class NotificationService(ITenants tenants, IOutbox outbox, IAuditLog audit, IUnitOfWork uow, AccessService access, TimeProvider time)
{
    public async Task<Page<OutboxMessage>> ListAsync(Caller caller, string? status, string? after, int pageSize, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.AuditReaders, "Reading notifications", ct, operatorAllowed: true);
        if (!caller.IsOperator) tenant.EnsureConsented();
        return Paging.Of(await outbox.ListAsync(tenant.Id, status, after, pageSize + 1, ct), pageSize, m => m.Id);
    }

    public async Task<OutboxMessage> RetryAsync(Caller caller, string messageId, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, "Re-driving notifications", ct);
        tenant.EnsureConsented();
        var now = time.Now();
        return await uow.RunAsync(async () =>
        {
            var message = await outbox.RetryAsync(tenant.Id, messageId, now, ct)
                ?? throw new PimException(ErrorCodes.InvalidStateTransition, $"Notification '{messageId}' does not exist or has not failed.");
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.NotificationRetried, "notification", messageId), ct);
            return message;
        }, ct);
    }
}
