namespace Pim.Domain;

public sealed record AuditQuery(
    DateTimeOffset? From, DateTimeOffset? To, string? PrincipalId, string? RoleId, string? Action, long? After, int PageSize);

public interface IAuditLog
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken ct);
    Task<IReadOnlyList<AuditEvent>> QueryAsync(string tenantId, AuditQuery query, CancellationToken ct);
}
