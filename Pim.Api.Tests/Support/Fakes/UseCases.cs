using Microsoft.Extensions.Time.Testing;
using Pim.Domain;

namespace Pim.Api.Tests.Support.Fakes;

/// <summary>
/// The activation and approval use cases wired over <see cref="InMemoryStore"/> and a fake clock: tenant "contoso",
/// consented and signed up; Alice an active Privileged Role and Security Administrator; Bob eligible for Exchange
/// Administrator; Carol a plain user; group "team" (Dave a member) eligible for Helpdesk Administrator.
/// </summary>
public sealed class UseCases
{
    public const string TenantId = "contoso";
    public const string Exchange = "exchange-administrator";
    public const string Helpdesk = "helpdesk-administrator";

    public UseCases()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        Store = new InMemoryStore { Time = Time };
        Access = new AccessService(Store, Store, Store, Store, Store, Time);
        Settings = new RoleSettingsService(Store, Store, Store, Store, Store, Store, Store, Access, Store, Time);
        Notifier = new Notifier(Store, Store, Store, Store, NotificationLimits.Default, Time, ConsoleLinks.None);
        Recorder = new ActivationRecorder(Store, Store, Notifier, Settings);
        Revocation = new GrantRevocation(Store, Store, Store, Store, Recorder, Notifier, Settings);
        Approvals = new ApprovalService(Store, Store, Store, Settings, Store, Access, Recorder, Revocation, Notifier, Time);
        Activations = new ActivationService(Store, Store, Store, Store, Settings, Store, Access, Approvals, Recorder, Store, Store, Store, Time);
        Lifecycle = new ActivationLifecycleService(Store, Store, Store, Settings, Store, Access, Recorder, Revocation, Notifier, Store, Time);
        Principals = new PrincipalService(Store, Store, Store, Store, Store, Store, Access, Revocation, new ScopeRemoval(Store, Store, Store), Notifier, Time);
        Seed().GetAwaiter().GetResult();
    }

    public FakeTimeProvider Time { get; }
    public InMemoryStore Store { get; }
    public AccessService Access { get; }
    public RoleSettingsService Settings { get; }
    public Notifier Notifier { get; }
    public ActivationRecorder Recorder { get; }
    public GrantRevocation Revocation { get; }
    public ApprovalService Approvals { get; }
    public ActivationService Activations { get; }
    public ActivationLifecycleService Lifecycle { get; }
    public PrincipalService Principals { get; }

    /// <summary>The directory-sync service (a platform identity with the operator scope).</summary>
    public static readonly Caller Sync = new(TenantId, null,
        new TokenFacts("sync", null, new HashSet<string> { TokenFacts.OperatorScope }, false, null, true), RequestOrigin.None);

    public DateTimeOffset Now => Time.Now();

    /// <summary>A principal of the tenant, signed in (with MFA unless told otherwise).</summary>
    public static Caller As(string principalId, bool mfa = true) =>
        new(TenantId, principalId, new TokenFacts(principalId, TenantId, new HashSet<string>(), mfa, null), RequestOrigin.None);

    public static ActivationAsk Ask(string roleId = Exchange, string? justification = "Mailbox migration") =>
        new(roleId, null, null, justification, null, null);

    /// <summary>Replaces a role's settings, as an administrator would.</summary>
    public async Task SetAsync(string roleId, Func<RoleSettings, RoleSettings> change)
    {
        var current = await Settings.EffectiveAsync(TenantId, roleId, default);
        await Settings.UpdateAsync(As("alice"), change(current.Settings), ScopePath.Root, current.Version, default);
    }

    public IEnumerable<string> AuditActions(string? targetId = null) =>
        Store.Audit.Where(e => targetId is null || e.TargetId == targetId).Select(e => e.Action);

    private async Task Seed()
    {
        var now = Now;
        var tenant = Tenant.Create(TenantId, "Contoso");
        tenant.Consent("alice", now);
        tenant.SignUp(ManagementArea.DirectoryRoles, ScopePath.Root, "alice", now);
        await ((ITenants)Store).UpsertAsync(tenant, now, default);
        await ((ITenants)Store).RecordConsentAsync(tenant, default);
        await Store.AddSignUpAsync(TenantId, tenant.SignUps[0], default);
        await Store.UpsertAsync(new Principal(TenantId, "team", PrincipalKind.Group, "Team", null, null, null, []), now, default);
        foreach (var name in new[] { "alice", "bob", "carol", "dave" })
            await Store.UpsertAsync(new Principal(TenantId, name, PrincipalKind.User, name, $"{name}@contoso.example", null, null,
                name == "dave" ? ["team"] : []), now, default);
        foreach (var (principal, role, type) in new[]
                 {
                     ("alice", RoleCatalog.PrivilegedRoleAdministrator, AssignmentType.Active), ("alice", RoleCatalog.SecurityAdministrator, AssignmentType.Active),
                     ("bob", Exchange, AssignmentType.Eligible), ("team", Helpdesk, AssignmentType.Eligible),
                 })
            await Store.InsertAsync(RoleAssignment.Create(TenantId, principal, role, ScopePath.Root, type, now, null, null, now, "seed", null), default);
    }
}
