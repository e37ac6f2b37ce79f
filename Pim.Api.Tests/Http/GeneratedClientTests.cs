using Pim.Api.Tests.Support;
using Pim.Client;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class GeneratedClientTests_Sqlite(SqliteApp app) : GeneratedClientTests(app);

[Collection(PostgresCollection.Name)]
public sealed class GeneratedClientTests_Postgres(PostgresApp app) : GeneratedClientTests(app);

/// <summary>
/// The README walkthrough driven only through the C# client that the build generates from openapi.yaml (Pim.Client,
/// NSwag): onboard, make eligible, role settings with ETag/If-Match, activate, approve, evaluate. Problems come back
/// as typed exceptions carrying the problem's stable code. A contract change that breaks the client breaks this build.
/// </summary>
public abstract class GeneratedClientTests(PimApp app)
{
    private const string ExchangeAdministrator = "exchange-administrator";

    private DateTimeOffset Now => app.Time.GetUtcNow();

    /// <summary>The generated client over the test server, with a development token for the caller.</summary>
    private static PimClient Pim(HttpClient http) => new(http) { BaseUrl = http.BaseAddress!.ToString() };

    private PimClient User(string tenantId, string subject, bool mfa = true) => Pim(app.Client(subject, tenantId, mfa));

    [Fact]
    public async Task The_walkthrough_through_the_generated_client()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..16];
        var op = Pim(app.Operator());
        var alice = User(tenant, "alice");
        var bob = User(tenant, "bob");

        // Directory sync (operator): the tenant, its principals and their standing roles.
        var created = await op.PutTenantAsync(tenant, new TenantRequest { DisplayName = "Contoso" });
        Assert.Equal((tenant, "Contoso", false), (created.Id, created.DisplayName, created.Consented));
        foreach (var (id, name) in new[] { ("alice", "Alice"), ("bob", "Bob") })
        {
            var principal = await op.PutPrincipalAsync(tenant, id,
                new PrincipalRequest { Kind = PrincipalKind.User, DisplayName = name, Email = $"{id}@{tenant}.example" });
            Assert.Equal((id, PrincipalKind.User, $"{id}@{tenant}.example"), (principal.Id, principal.Kind, principal.Email));
        }
        await op.CreateRoleAssignmentAsync(tenant, new RoleAssignmentRequest { PrincipalId = "alice", RoleId = "global-administrator", Type = AssignmentType.Active });
        var bobAssignment = await op.CreateRoleAssignmentAsync(tenant,
            new RoleAssignmentRequest { PrincipalId = "bob", RoleId = ExchangeAdministrator, Type = AssignmentType.Active });
        Assert.Equal(("bob", ExchangeAdministrator, AssignmentType.Active), (bobAssignment.PrincipalId, bobAssignment.RoleId, bobAssignment.Type));

        // Until the tenant consents, PIM operations answer 409 consent-required: a typed exception with the problem's code.
        var notYet = await Assert.ThrowsAsync<ApiException<Problem>>(() => alice.SignUpAsync(tenant, new SignUpRequest { Area = ManagementArea.DirectoryRoles }));
        AssertProblem(notYet, 409, ProblemCode.ConsentRequired);

        // Consent and sign-up (Alice, an active Global Administrator).
        var consent = await alice.ConsentAsync(tenant);
        Assert.True(consent.Consented);
        Assert.Equal("alice", consent.ConsentedBy);
        var signUp = await alice.SignUpAsync(tenant, new SignUpRequest { Area = ManagementArea.DirectoryRoles });
        Assert.Equal((ManagementArea.DirectoryRoles, "alice"), (signUp.Area, signUp.SignedUpBy));

        // Make eligible: Bob loses the standing right at once.
        var eligible = await alice.MakeRoleAssignmentEligibleAsync(tenant, bobAssignment.Id);
        Assert.Equal(AssignmentType.Eligible, eligible.Type);
        var denied = await Pim(app.Evaluator()).EvaluateAccessAsync(tenant, new EvaluationRequest { PrincipalId = "bob", RoleId = ExchangeAdministrator });
        Assert.Equal(EvaluationDecision.Deny, denied.Decision);

        // Role settings: read them with their ETag (a wrapped response exposes the headers), replace them with If-Match.
        var current = await alice.GetRoleSettingsAsync(tenant, ExchangeAdministrator);
        Assert.Equal(200, current.StatusCode);
        var etag = Header(current.Headers, "ETag");
        Assert.False(string.IsNullOrEmpty(etag));
        var settings = new RoleSettings
        {
            Activation = current.Result.Activation,
            Assignment = current.Result.Assignment,
            Notifications = current.Result.Notifications,
        };
        settings.Activation.MaximumDuration = "PT2H";
        settings.Activation.RequireMfa = true;
        settings.Activation.RequireJustification = true;
        settings.Activation.RequireTicket = true;
        settings.Activation.RequireApproval = true;
        var missingIfMatch = await Assert.ThrowsAsync<ApiException<Problem>>(() => alice.PutRoleSettingsAsync(tenant, ExchangeAdministrator, settings));
        AssertProblem(missingIfMatch, 428, ProblemCode.PreconditionRequired);
        var updated = await alice.PutRoleSettingsAsync(tenant, ExchangeAdministrator, settings, if_Match: etag);
        Assert.Equal(("PT2H", true, true), (updated.Activation.MaximumDuration, updated.Activation.RequireTicket, updated.Activation.RequireApproval));

        // Activate from "my roles": eligible, not active yet.
        var mine = (await bob.ListMyRolesAsync(tenant)).Items.Single(r => r.RoleId == ExchangeAdministrator);
        Assert.Equal((AssignmentType.Eligible, bobAssignment.Id), (mine.AssignmentType, mine.AssignmentId));
        Assert.True(mine.Requirements.RequireApproval);

        // Without MFA: 401 mfa-required; without a ticket: 422 ticket-required.
        var activation = new ActivationRequestBody { RoleId = ExchangeAdministrator, Duration = "PT1H", Justification = "Mailbox migration" };
        var noMfa = await Assert.ThrowsAsync<ApiException<Problem>>(() => User(tenant, "bob", mfa: false).RequestActivationAsync(tenant, activation));
        AssertProblem(noMfa, 401, ProblemCode.MfaRequired);
        Assert.Contains("insufficient_user_authentication", Header(noMfa.Headers, "WWW-Authenticate"));
        var noTicket = await Assert.ThrowsAsync<ApiException<Problem>>(() => bob.RequestActivationAsync(tenant, activation));
        AssertProblem(noTicket, 422, ProblemCode.TicketRequired);

        activation.Ticket = new Ticket { Number = "CHG-4711", System = "ServiceNow" };
        var pending = await bob.RequestActivationAsync(tenant, activation);
        Assert.Equal((ActivationStatus.PendingApproval, "bob", "Mailbox migration"), (pending.Status, pending.PrincipalId, pending.Justification));
        Assert.Null(pending.EndsAt);
        Assert.Equal("CHG-4711", pending.Ticket?.Number);

        // Approve: Alice sees the request among her approvals; the clock starts at approval.
        var waiting = await alice.ListApprovalsAsync(tenant);
        Assert.Equal(pending.Id, Assert.Single(waiting.Items).Id);
        app.Time.Advance(TimeSpan.FromMinutes(10));
        var approved = await alice.ApproveActivationRequestAsync(tenant, pending.Id, new DecisionRequest { Justification = "CHG-4711 approved" });
        Assert.Equal(ActivationStatus.Active, approved.Status);
        Assert.Equal(Now.AddHours(1), approved.EndsAt);
        Assert.Equal(((ApprovalDecision?)ApprovalDecision.Approved, "alice", "CHG-4711 approved"), (approved.Decision?.Decision, approved.Decision?.DecidedBy, approved.Decision?.Justification));

        var active = (await bob.ListMyRolesAsync(tenant)).Items.Single(r => r.RoleId == ExchangeAdministrator);
        Assert.Equal((MyRoleStatus.Active, (DateTimeOffset?)Now.AddHours(1), pending.Id), (active.Status, active.ValidUntil, active.ActivationRequestId));

        // Ask Pim, as another service would: allow, until the activation ends.
        var evaluation = await Pim(app.Evaluator()).EvaluateAccessAsync(tenant, new EvaluationRequest { PrincipalId = "bob", RoleId = ExchangeAdministrator });
        Assert.Equal(EvaluationDecision.Allow, evaluation.Decision);
        Assert.Equal(Now.AddHours(1), evaluation.ValidUntil);
        Assert.Equal(pending.Id, evaluation.ActivationRequestId);

        // Done early: Bob deactivates, and the answer is deny again.
        var deactivated = await bob.DeactivateActivationRequestAsync(tenant, pending.Id);
        Assert.Equal((ActivationStatus.Deactivated, (DateTimeOffset?)Now), (deactivated.Status, deactivated.EndsAt));
        Assert.Equal(EvaluationDecision.Deny, (await Pim(app.Evaluator()).EvaluateAccessAsync(tenant, new EvaluationRequest { PrincipalId = "bob", RoleId = ExchangeAdministrator })).Decision);

        // Report: the audit trail as JSON, with who, why and which ticket — every step above, in order.
        var trail = await alice.ListAuditEventsAsync(tenant, roleId: ExchangeAdministrator, pageSize: 50);
        Assert.Null(trail.NextPageToken);
        Assert.Equal(
            [AuditAction.AssignmentCreated, AuditAction.AssignmentMadeEligible, AuditAction.RoleSettingsUpdated, AuditAction.ActivationRequested,
             AuditAction.ActivationApproved, AuditAction.ActivationActivated, AuditAction.ActivationDeactivated],
            trail.Items.Select(e => e.Action));
        var requested = trail.Items.Single(e => e.Action == AuditAction.ActivationRequested);
        Assert.Equal(("bob", ActorKind.Principal, "Mailbox migration", "CHG-4711", "ServiceNow"),
            (requested.ActorId, requested.ActorKind, requested.Justification, requested.TicketNumber, requested.TicketSystem));
        var byBob = await alice.ListAuditEventsAsync(tenant, principalId: "bob", action: AuditAction.ActivationDeactivated);
        Assert.Equal(pending.Id, Assert.Single(byBob.Items).TargetId);
    }

    /// <summary>
    /// A gateway asks Pim through AuthZEN — the metadata, one evaluation, a batch with defaults and a semantic — and a
    /// service through the native batch, all with the generated client.
    /// </summary>
    [Fact]
    public async Task AuthZEN_and_the_native_batch_through_the_generated_client()
    {
        var s = await Scenario.OnboardAsync(app);
        var gateway = Pim(app.Client("gateway", s.Id, false, "pim.evaluate"));

        var metadata = await Pim(app.Anonymous()).GetAuthZenConfigurationAsync();
        Assert.Equal(new Uri(app.Server.BaseAddress, "/access/v1/evaluation"), metadata.Access_evaluation_endpoint);
        Assert.Equal(new Uri(app.Server.BaseAddress, "/access/v1/evaluations"), metadata.Access_evaluations_endpoint);

        AuthZenResource Role(string id) => new() { Type = "role", Id = id };
        var bob = new AuthZenSubject { Type = "user", Id = "bob" };
        var hold = new AuthZenAction { Name = "hold" };

        var allowed = await gateway.AuthZenEvaluationAsync(new AuthZenEvaluationRequest { Subject = bob, Action = hold, Resource = Role(ExchangeAdministrator) },
            x_Request_ID: "req-1");
        Assert.True(allowed.Decision);
        var denied = await gateway.AuthZenEvaluationAsync(new AuthZenEvaluationRequest { Subject = bob, Action = hold, Resource = Role("global-administrator") });
        Assert.Equal((false, (AuthZenReason?)AuthZenReason.NotEligible), (denied.Decision, denied.Context?.Reason));

        var batch = await gateway.AuthZenEvaluationsAsync(new AuthZenEvaluationsRequest
        {
            Subject = bob,
            Action = hold,
            Evaluations = [new() { Resource = Role(ExchangeAdministrator) }, new() { Resource = Role("global-administrator") }, new() { Resource = Role(ExchangeAdministrator) }],
            Options = new AuthZenOptions { Evaluations_semantic = AuthZenEvaluationsSemantic.DenyOnFirstDeny },
        });
        Assert.Equal([true, false], batch.Evaluations!.Select(e => e.Decision));
        Assert.Null(batch.Decision);

        // A platform identity names the tenant; without it, a typed problem.
        var platform = Pim(app.Evaluator());
        var missing = await Assert.ThrowsAsync<ApiException<Problem>>(() =>
            platform.AuthZenEvaluationAsync(new AuthZenEvaluationRequest { Subject = bob, Action = hold, Resource = Role(ExchangeAdministrator) }));
        AssertProblem(missing, 400, ProblemCode.TenantRequired);
        var named = new AuthZenSubject { Type = "user", Id = "bob", Properties = new AuthZenSubjectProperties { TenantId = s.Id } };
        Assert.True((await platform.AuthZenEvaluationAsync(new AuthZenEvaluationRequest { Subject = named, Action = hold, Resource = Role(ExchangeAdministrator) })).Decision);

        // The native batch: items under evaluations, each an EvaluationResponse, in order.
        var native = await platform.EvaluateAccessBatchAsync(s.Id, new BatchEvaluationRequest
        {
            RoleId = ExchangeAdministrator,
            Evaluations = [new() { PrincipalId = "bob" }, new() { PrincipalId = "carol" }, new() { PrincipalId = "alice", RoleId = "global-administrator" }],
            Options = new BatchEvaluationOptions { EvaluationsSemantic = EvaluationsSemantic.ExecuteAll },
        });
        Assert.Equal([EvaluationDecision.Allow, EvaluationDecision.Deny, EvaluationDecision.Allow], native.Evaluations.Select(e => e.Decision));
        Assert.Equal(["bob", "carol", "alice"], native.Evaluations.Select(e => e.PrincipalId));
        Assert.Equal(DenyReason.NotEligible, native.Evaluations.ElementAt(1).Reason);
    }

    private static void AssertProblem(ApiException<Problem> exception, int status, ProblemCode code)
    {
        Assert.Equal(status, exception.StatusCode);
        Assert.Equal(status, exception.Result.Status);
        Assert.Equal("application/problem+json", Header(exception.Headers, "Content-Type").Split(';')[0]);
        Assert.Equal(code, exception.Result.Code);
        Assert.False(string.IsNullOrEmpty(exception.Result.TraceId));
    }

    private static string Header(IReadOnlyDictionary<string, IEnumerable<string>> headers, string name) =>
        string.Join(", ", headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value));
}
