using Pim.Domain;

namespace Pim.Api.Tests.Support.Fakes;

/// <summary>
/// The domain's ports over dictionaries, for use-case tests without a database. It behaves as a store does where the use
/// cases rely on it: every read hands out a copy (an aggregate changed in memory is not saved until it is written), the
/// uniqueness rules of the schema hold (one assignment per principal, role and scope; one open request), versions are
/// checked on update, and a unit of work that is not committed leaves nothing behind.
/// </summary>
public sealed partial class InMemoryStore : IUnitOfWork
{
    private Dictionary<string, Tenant> _tenants = new();
    private Dictionary<(string, string), Principal> _principals = new();
    private Dictionary<(string, string), RoleAssignment> _assignments = new();
    private Dictionary<(string, string), ActivationRequest> _requests = new();
    private Dictionary<(string, string, string), StoredRoleSettings> _settings = new();
    private Dictionary<(string, string), ScopeNode> _scopes = new();
    private List<AuditEvent> _audit = [];
    private List<(string TenantId, EmailMessage Email, DateTimeOffset At)> _emails = [];

    public required TimeProvider Time { get; init; }

    /// <summary>What the use cases wrote to the audit trail, in order.</summary>
    public IReadOnlyList<AuditEvent> Audit => _audit;

    /// <summary>The emails the use cases put in the outbox.</summary>
    public IReadOnlyList<EmailMessage> Emails => _emails.Select(e => e.Email).ToList();

    public Task<ITransaction> BeginAsync(CancellationToken ct)
    {
        var saved = (_tenants, _principals, _assignments, _requests, _settings, _scopes, _audit, _emails);
        (_tenants, _principals, _assignments, _requests, _settings, _scopes, _audit, _emails) =
            (new(_tenants), new(_principals), new(_assignments), new(_requests), new(_settings), new(_scopes), [.. _audit], [.. _emails]);
        return Task.FromResult<ITransaction>(new Transaction(this, saved));
    }

    public ValueTask ReleaseConnectionAsync() => ValueTask.CompletedTask;

    private sealed class Transaction(InMemoryStore store, (Dictionary<string, Tenant>, Dictionary<(string, string), Principal>,
        Dictionary<(string, string), RoleAssignment>, Dictionary<(string, string), ActivationRequest>,
        Dictionary<(string, string, string), StoredRoleSettings>, Dictionary<(string, string), ScopeNode>, List<AuditEvent>,
        List<(string, EmailMessage, DateTimeOffset)>) saved) : ITransaction
    {
        private bool _done;

        public Task CommitAsync(CancellationToken ct)
        {
            _done = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_done)
                (store._tenants, store._principals, store._assignments, store._requests, store._settings, store._scopes, store._audit, store._emails) = saved;
            _done = true;
            return ValueTask.CompletedTask;
        }
    }

    private static Tenant Copy(Tenant t) => Tenant.Rehydrate(t.Id, t.DisplayName, t.ConsentedAt, t.ConsentedBy, t.SignUps);

    private static RoleAssignment Copy(RoleAssignment a) => RoleAssignment.Rehydrate(a.TenantId, a.Id, a.PrincipalId, a.RoleId, a.Scope, a.Type,
        a.StartsAt, a.EndsAt, a.Justification, a.CreatedAt, a.CreatedBy, a.Version, a.DirectorySync, a.ExpiryWarningAt, a.ExpiryWarnedAt, a.GovernedBy);

    private static ActivationRequest Copy(ActivationRequest r) => ActivationRequest.Rehydrate(r.TenantId, r.Id, r.PrincipalId, r.RoleId, r.Scope,
        r.AssignmentId, r.Status, r.Duration, r.Justification, r.Ticket, r.RequestedAt, r.StartsAt, r.EndsAt, r.EligibilityEndsAt, r.ApprovalDeadline,
        r.Decision, r.ClosedAt, r.Version, r.Extension, r.Approval, r.AutoApprovedBy, r.BreakGlass, r.FollowUp, r.ExpiryWarning, r.NoticesSent, r.GovernedBy);
}
