using Pim.Domain;

namespace Pim.Api.Tests.Support.Fakes;

/// <summary>The audit trail, the outbox (emails only: what the use cases write), and usage (not recorded here).</summary>
public sealed partial class InMemoryStore : IAuditLog, IOutbox, IUsageRecorder
{
    public Task AppendAsync(AuditEvent auditEvent, CancellationToken ct)
    {
        _audit.Add(auditEvent with { Id = _audit.Count + 1 });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEvent>> QueryAsync(string tenantId, AuditQuery query, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AuditEvent>>(_audit.Where(e => e.TenantId == tenantId && (query.Action is null || e.Action == query.Action)
                                                                     && (query.After is null || e.Id > query.After)).Take(query.PageSize).ToList());

    public Task EnqueueEmailAsync(string tenantId, EmailMessage email, CancellationToken ct)
    {
        if (email.To.Count > 0) _emails.Add((tenantId, email, Time.GetUtcNow()));
        return Task.CompletedTask;
    }

    public Task<int> CountTopicAsync(string tenantId, string topic, DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult(_emails.Count(e => e.TenantId == tenantId && e.Email.Topic == topic && e.At >= since));

    public Task<IReadOnlyList<OutboxMessage>> ListAsync(string tenantId, string? status, string? after, int pageSize, CancellationToken ct) =>
        throw new NotSupportedException("The use-case tests read Emails.");

    public Task<OutboxMessage?> RetryAsync(string tenantId, string messageId, DateTimeOffset now, CancellationToken ct) =>
        throw new NotSupportedException("The use-case tests do not re-drive the outbox.");

    public void Record(string tenantId, string assignmentId, string clientId, DateTimeOffset at, bool service) { }
}
