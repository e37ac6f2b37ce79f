using System.Globalization;

namespace Pim.Domain;

/// <summary>Reporting: who did what, when, where from and why — for auditors, security administrators and the operator.</summary>
public sealed class AuditService(ITenants tenants, IAuditLog audit, AccessService access)
{
    public async Task<Page<AuditEvent>> QueryAsync(Caller caller, AuditQuery query, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.AuditReaders, "Reading the audit trail", ct, operatorAllowed: true);
        if (!caller.IsOperator) tenant.EnsureConsented();
        var rows = await audit.QueryAsync(tenant.Id, query with { PageSize = query.PageSize + 1 }, ct);
        return Paging.Of(rows, query.PageSize, e => e.Id.ToString(CultureInfo.InvariantCulture));
    }
}
