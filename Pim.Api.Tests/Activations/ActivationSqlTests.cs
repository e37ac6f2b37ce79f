using Dapper;
using Pim.Api.Tests.Support;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Activations;

[Collection(SqliteCollection.Name)]
public sealed class ActivationSqlTests_Sqlite(SqliteApp app) : ActivationSqlTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ActivationSqlTests_Postgres(PostgresApp app) : ActivationSqlTests(app);

/// <summary>
/// The time predicates in SQL (<see cref="ActivationSql"/>, <see cref="AssignmentSql"/>) say what the domain says
/// (<see cref="ActivationRequest.StatusAt"/>, <see cref="RoleAssignment.IsInForceAt"/>), on each store, at every kind of
/// instant: before, at and after each boundary.
/// </summary>
public abstract class ActivationSqlTests(PimApp app)
{
    private static readonly DateTimeOffset T = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset[] Instants =
        [T.AddHours(-2), T.AddHours(-1), T, T.AddMinutes(30), T.AddMinutes(45), T.AddHours(1), T.AddMinutes(90), T.AddHours(2), T.AddHours(3)];

    private static ActivationRequest Request(string tenantId, int i, ActivationStatus status, DateTimeOffset startsAt, DateTimeOffset? endsAt,
        DateTimeOffset? deadline = null, PendingExtension? extension = null) =>
        ActivationRequest.Rehydrate(tenantId, NewId.Next(), $"p{i}", "exchange-administrator", ScopePath.Root, "a1", status, TimeSpan.FromHours(1),
            "why", null, T.AddHours(-3), startsAt, endsAt, null, deadline, null, null, 1, extension);

    /// <summary>One of each recorded state; none recorded later than the earliest instant asked about (T-2h), as in life.</summary>
    private static IReadOnlyList<ActivationRequest> Requests(string tenantId)
    {
        var i = 0;
        return
        [
            Request(tenantId, i++, ActivationStatus.PendingApproval, T, null, deadline: T.AddHours(1)),
            Request(tenantId, i++, ActivationStatus.Scheduled, T.AddHours(1), T.AddHours(2)),
            Request(tenantId, i++, ActivationStatus.Scheduled, T.AddHours(-1), T), // started and ended, unrecorded
            Request(tenantId, i++, ActivationStatus.Active, T.AddHours(-2), T.AddHours(1)),
            Request(tenantId, i++, ActivationStatus.Active, T.AddHours(-2), T.AddHours(1),
                extension: new PendingExtension(TimeSpan.FromMinutes(30), "more", T.AddHours(-2), T.AddMinutes(45))),
            Request(tenantId, i++, ActivationStatus.Active, T.AddHours(-2), T.AddMinutes(30),
                extension: new PendingExtension(TimeSpan.FromMinutes(30), "more", T.AddHours(-2), T.AddHours(1))), // ends before its extension's deadline
            Request(tenantId, i++, ActivationStatus.Denied, T.AddHours(-3), null, deadline: T.AddHours(1)),
            Request(tenantId, i++, ActivationStatus.TimedOut, T.AddHours(-3), null, deadline: T.AddHours(-2)),
            Request(tenantId, i++, ActivationStatus.Canceled, T.AddHours(1), T.AddHours(2)),
            Request(tenantId, i++, ActivationStatus.Deactivated, T.AddHours(-3), T.AddHours(-2)),
            Request(tenantId, i++, ActivationStatus.Expired, T.AddHours(-3), T.AddHours(-2)),
            Request(tenantId, i, ActivationStatus.Revoked, T.AddHours(-3), T.AddHours(-2)),
        ];
    }

    /// <summary>Each SQL predicate, and the domain's answer it must agree with.</summary>
    private static readonly (string Name, string Sql, Func<ActivationRequest, DateTimeOffset, bool> Domain)[] Predicates =
    [
        ("ActiveAt", ActivationSql.ActiveAt, (r, now) => r.StatusAt(now) == ActivationStatus.Active),
        ("ScheduledAt", ActivationSql.ScheduledAt, (r, now) => r.StatusAt(now) == ActivationStatus.Scheduled),
        ("PendingApprovalAt", ActivationSql.PendingApprovalAt, (r, now) => r.StatusAt(now) == ActivationStatus.PendingApproval),
        ("ExpiredAt", ActivationSql.ExpiredAt, (r, now) => r.StatusAt(now) == ActivationStatus.Expired),
        ("TimedOutAt", ActivationSql.TimedOutAt, (r, now) => r.StatusAt(now) == ActivationStatus.TimedOut),
        ("ExtensionPendingAt", ActivationSql.ExtensionPendingAt, (r, now) => r.HasPendingExtensionAt(now)),
        ("AwaitingDecisionAt", ActivationSql.AwaitingDecisionAt,
            (r, now) => r.StatusAt(now) == ActivationStatus.PendingApproval || r.HasPendingExtensionAt(now)),
        ("Due", $"(({ActivationSql.DueToEnd}) OR ({ActivationSql.DueToStart}) OR ({ActivationSql.DueToTimeOut}))",
            (r, now) => r.StatusAt(now) != r.Status),
    ];

    [Fact]
    public async Task Activation_status_in_SQL_is_StatusAt()
    {
        var tenantId = "sql-" + Guid.NewGuid().ToString("N")[..12];
        var requests = Requests(tenantId);
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IActivationRequests>();
        foreach (var request in requests) await store.InsertAsync(request, CancellationToken.None);

        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        var connection = await db.ConnectionAsync(CancellationToken.None);
        foreach (var now in Instants)
            foreach (var (name, sql, domain) in Predicates)
            {
                var fromSql = (await connection.QueryAsync<string>(db.Command(
                    $"SELECT r.request_id FROM activation_requests r WHERE r.tenant_id = @tenantId AND ({sql})", new { tenantId, now }, default))).Order().ToList();
                var fromDomain = requests.Where(r => domain(r, now)).Select(r => r.Id).Order().ToList();
                Assert.True(fromDomain.SequenceEqual(fromSql), $"{name} at T{(now - T).TotalMinutes:+0;-0;+0}min: SQL {string.Join(",", fromSql)}, domain {string.Join(",", fromDomain)}");
            }
    }

    [Fact]
    public async Task Assignments_in_force_in_SQL_are_IsInForceAt()
    {
        var s = await Scenario.OnboardAsync(app);
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IRoleAssignments>();
        var roles = RoleCatalog.All.Where(r => !r.Resource).Select(r => r.Id).Except(["global-administrator", "exchange-administrator"]).ToArray();
        var windows = new (AssignmentType Type, DateTimeOffset StartsAt, DateTimeOffset? EndsAt)[]
        {
            (AssignmentType.Active, T.AddHours(-1), null), (AssignmentType.Active, T, T.AddHours(1)), (AssignmentType.Active, T.AddHours(1), T.AddHours(2)),
            (AssignmentType.Eligible, T.AddHours(-1), null), (AssignmentType.Eligible, T, T.AddHours(1)),
        };
        var created = new List<RoleAssignment>();
        for (var i = 0; i < windows.Length; i++)
        {
            var assignment = RoleAssignment.Create(s.Id, "carol", roles[i], ScopePath.Root, windows[i].Type, windows[i].StartsAt, windows[i].EndsAt, null, T, "test", null);
            await store.InsertAsync(assignment, CancellationToken.None);
            created.Add(assignment);
        }

        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        var connection = await db.ConnectionAsync(CancellationToken.None);
        foreach (var now in Instants)
            foreach (var (name, sql, domain) in new (string, string, Func<RoleAssignment, bool>)[]
                     {
                         ("InForceAt", AssignmentSql.InForceAt, a => a.IsInForceAt(now)),
                         ("ActiveInForceAt", AssignmentSql.ActiveInForceAt, a => a.Type == AssignmentType.Active && a.IsInForceAt(now)),
                     })
            {
                var fromSql = (await connection.QueryAsync<string>(db.Command(
                    $"SELECT a.assignment_id FROM role_assignments a WHERE a.tenant_id = @tenantId AND a.principal_id = 'carol' AND ({sql})",
                    new { tenantId = s.Id, now }, default))).Order().ToList();
                var fromDomain = created.Where(domain).Select(a => a.Id).Order().ToList();
                Assert.True(fromDomain.SequenceEqual(fromSql), $"{name} at T{(now - T).TotalMinutes:+0;-0;+0}min");
            }
    }
}
