using System.Net;
using System.Net.Http.Json;
using System.Text;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class OnboardingTests_Sqlite(SqliteApp app) : OnboardingTests(app);

[Collection(PostgresCollection.Name)]
public sealed class OnboardingTests_Postgres(PostgresApp app) : OnboardingTests(app);

/// <summary>Bringing a tenant under PIM: directory sync, consent, sign-up, and the gates before them.</summary>
public abstract class OnboardingTests(PimApp app)
{
    [Fact]
    public async Task Operator_creates_then_renames_a_tenant()
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var created = await app.Operator().PutJsonAsync($"/v1/tenants/{id}", new { displayName = "Fabrikam" }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Fabrikam", created.Str("displayName"));
        Assert.False(created.GetProperty("consented").GetBoolean());
        var renamed = await app.Operator().PutJsonAsync($"/v1/tenants/{id}", new { displayName = "Fabrikam Ltd" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Fabrikam Ltd", renamed.Str("displayName"));
    }

    [Fact]
    public async Task Directory_sync_needs_the_operator_scope()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Alice.PutJsonAsync(s.Path("/principals/mallory"), new { kind = "user", displayName = "Mallory" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Alice.PutJsonAsync(s.Path(), new { displayName = "Renamed" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Principals_are_synced_with_group_membership_and_read_back()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/exchange-admins"), new { kind = "group", displayName = "Exchange admins" })
            .ExpectAsync(HttpStatusCode.Created);
        var dave = await s.Operator.PutJsonAsync(s.Path("/principals/dave"),
            new { kind = "user", displayName = "Dave", email = "dave@contoso.example", memberOf = new[] { "exchange-admins" } }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("exchange-admins", dave.GetProperty("memberOf")[0].GetString());

        var read = await s.Alice.GetAsync(s.Path("/principals/dave")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Dave", read.Str("displayName"));
        Assert.Equal("user", read.Str("kind"));

        var replaced = await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "David" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, replaced.GetProperty("memberOf").GetArrayLength());
    }

    [Fact]
    public async Task Membership_of_an_unknown_group_is_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave", memberOf = new[] { "nope" } })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-principal");
        await s.Operator.PutJsonAsync(s.Path("/principals/dave"), new { kind = "user", displayName = "Dave", memberOf = new[] { "bob" } })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-principal");
    }

    [Fact]
    public async Task A_guest_needs_its_home_identity()
    {
        var s = await Scenario.OnboardAsync(app);
        var problem = await s.Operator.PutJsonAsync(s.Path("/principals/guest1"), new { kind = "guest", displayName = "Guest" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("homeTenantId", out _));
    }

    [Fact]
    public async Task Only_an_active_Global_Administrator_consents()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        await s.Bob.PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await s.Operator.PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // A Global Administrator assignment that has ended does not count.
        await s.Operator.PutJsonAsync(s.Path("/principals/erin"), new { kind = "user", displayName = "Erin" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Operator, "erin", "global-administrator", "active", HttpStatusCode.Created, endsAt: s.App.Time.GetUtcNow().AddHours(1));
        s.App.Time.Advance(TimeSpan.FromHours(2));
        await s.User("erin").PostJsonAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var status = await s.Alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(status.GetProperty("consented").GetBoolean());
    }

    [Fact]
    public async Task The_first_consenter_becomes_Privileged_Role_and_Security_Administrator()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        var consent = await s.Alice.PostJsonAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(consent.GetProperty("consented").GetBoolean());
        Assert.Equal("alice", consent.Str("consentedBy"));

        var roles = await s.App.Operator().GetAsync(s.Path("/principals/alice/active-roles")).ExpectAsync(HttpStatusCode.OK);
        var held = roles.GetProperty("items").EnumerateArray().Select(r => (r.Str("roleId"), r.GetProperty("validUntil").ValueKind)).ToList();
        Assert.Contains(("privileged-role-administrator", System.Text.Json.JsonValueKind.Null), held);
        Assert.Contains(("security-administrator", System.Text.Json.JsonValueKind.Null), held);
        Assert.Contains(("global-administrator", System.Text.Json.JsonValueKind.Null), held);
    }

    [Fact]
    public async Task Consenting_again_changes_nothing_and_grants_nothing()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        var first = await s.Alice.PostJsonAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        // A second Global Administrator consents later: nothing changes, and nothing is granted to her.
        await s.Operator.PutJsonAsync(s.Path("/principals/gina"), new { kind = "user", displayName = "Gina" }).ExpectAsync(HttpStatusCode.Created);
        await s.AssignAsync(s.Operator, "gina", "global-administrator", "active", HttpStatusCode.Created);
        var second = await s.User("gina").PostJsonAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first.Str("consentedBy"), second.Str("consentedBy"));
        Assert.Equal(first.GetProperty("consentedAt").GetDateTimeOffset(), second.GetProperty("consentedAt").GetDateTimeOffset());

        var gina = await s.App.Operator().GetAsync(s.Path("/principals/gina/active-roles")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["global-administrator"], gina.GetProperty("items").EnumerateArray().Select(r => r.Str("roleId")).ToArray());
        Assert.Single(await s.AuditActionsAsync("action=consent.granted"));
    }

    [Fact]
    public async Task Racing_consents_grant_once()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => s.Alice.PostJsonAsync(s.Path("/consent"))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(await s.AuditActionsAsync("action=consent.granted"));
        var members = await s.Operator.GetAsync(s.Path("/role-assignments?principalId=alice")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, members.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Before_consent_PIM_operations_answer_consent_required()
    {
        var s = await Scenario.OnboardAsync(app, consent: false);
        await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" }).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        await s.Alice.GetAsync(s.Path("/audit-events")).ExpectProblemAsync(HttpStatusCode.Conflict, "consent-required");
        // Directory sync and access evaluation mirror the directory as it is, consent or not.
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
    }

    [Fact]
    public async Task Before_sign_up_managing_directory_roles_answers_sign_up_required()
    {
        var s = await Scenario.OnboardAsync(app, signUp: false);
        await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectProblemAsync(HttpStatusCode.Conflict, "sign-up-required");
        await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings")).ExpectProblemAsync(HttpStatusCode.Conflict, "sign-up-required");
        await s.Alice.PostJsonAsync(s.Path("/role-assignments"), new { principalId = "carol", roleId = "user-administrator", type = "eligible" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "sign-up-required");
        await s.Bob.PostJsonAsync(s.Path("/activation-requests"), new { roleId = "exchange-administrator", justification = "x" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "sign-up-required");
        // The operator still syncs standing assignments.
        await s.AssignAsync(s.Operator, "carol", "helpdesk-administrator", "active", HttpStatusCode.Created);
    }

    [Fact]
    public async Task Sign_up_is_for_Global_or_Privileged_Role_Administrators_and_idempotent()
    {
        var s = await Scenario.OnboardAsync(app, signUp: false);
        await s.Bob.PostJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var created = await s.Alice.PostAsJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.Location);
        var again = await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "directoryRoles" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("directoryRoles", again.Str("area"));
        var list = await s.Carol.GetAsync(s.Path("/sign-ups")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
        await s.Alice.PostJsonAsync(s.Path("/sign-ups"), new { area = "everything" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Members_list_the_role_holders_with_type_and_window()
    {
        var s = await Scenario.OnboardAsync(app);
        var until = s.App.Time.GetUtcNow().AddDays(30);
        await s.AssignAsync(s.Alice, "carol", "exchange-administrator", "eligible", HttpStatusCode.Created, endsAt: until);
        var members = (await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        var bob = members.EnumerateArray().Single(m => m.Str("principalId") == "bob");
        var carol = members.EnumerateArray().Single(m => m.Str("principalId") == "carol");
        Assert.Equal(("active", "Bob"), (bob.Str("type"), bob.Str("principalDisplayName")));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, bob.GetProperty("endsAt").ValueKind);
        Assert.Equal("eligible", carol.Str("type"));
        Assert.Equal(until, carol.GetProperty("endsAt").GetDateTimeOffset());
        await s.Carol.GetAsync(s.Path("/roles/exchange-administrator/members")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_catalog_lists_built_in_roles()
    {
        var s = await Scenario.OnboardAsync(app);
        var roles = (await s.Carol.GetAsync(s.Path("/roles")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Contains(roles.EnumerateArray(), r => r.Str("id") == "global-administrator" && r.Str("displayName") == "Global Administrator");
        await s.Carol.GetAsync(s.Path("/roles/exchange-administrator")).ExpectAsync(HttpStatusCode.OK);
        await s.Carol.GetAsync(s.Path("/roles/no-such-role")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Every_change_is_audited_with_actor_origin_and_correlation()
    {
        var s = await Scenario.OnboardAsync(app);
        var events = await s.AuditAsync();
        var consent = events.EnumerateArray().Single(e => e.Str("action") == "consent.granted");
        Assert.Equal("alice", consent.Str("actorId"));
        Assert.Equal("127.0.0.1", consent.Str("clientIp"));
        Assert.Equal("pim-tests/1.0", consent.Str("userAgent"));
        Assert.Matches("^[0-9a-f]{32}$", consent.Str("correlationId"));
        var actions = events.EnumerateArray().Select(e => e.Str("action")).ToList();
        Assert.Equal(["tenant.upserted", "principal.upserted", "principal.upserted", "principal.upserted", "assignment.created", "assignment.created",
            "consent.granted", "assignment.created", "assignment.created", "signUp.created"], actions);
    }

    [Fact]
    public async Task Correlation_id_follows_the_callers_traceparent()
    {
        var s = await Scenario.OnboardAsync(app, signUp: false);
        var request = new HttpRequestMessage(HttpMethod.Post, s.Path("/sign-ups"))
        {
            Content = JsonContent.Create(new { area = "directoryRoles" }),
        };
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        await (await s.Alice.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);
        var signUp = (await s.AuditAsync("action=signUp.created")).EnumerateArray().Single();
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", signUp.Str("correlationId"));
    }

    [Fact]
    public async Task Unauthenticated_calls_answer_401_problem()
    {
        var s = await Scenario.OnboardAsync(app);
        using var response = await s.App.Anonymous().GetAsync(s.Path("/consent"));
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);

        var forged = s.App.Anonymous();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", UnsignedToken("alice", s.Id));
        await forged.GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Expired_tokens_are_refused()
    {
        var s = await Scenario.OnboardAsync(app);
        var alice = s.Alice;
        await alice.GetAsync(s.Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        s.App.Time.Advance(TimeSpan.FromHours(2));
        await alice.GetAsync(s.Path("/consent")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Another_tenants_data_answers_not_found()
    {
        var ours = await Scenario.OnboardAsync(app);
        var theirs = await Scenario.OnboardAsync(app);
        var intruder = ours.Alice; // a Global Administrator, but of the other tenant
        await intruder.GetAsync(theirs.Path("/principals/bob")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await intruder.GetAsync(theirs.Path("/role-assignments")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await intruder.GetAsync(theirs.Path($"/role-assignments/{ours.BobExchangeAssignment}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await intruder.PostJsonAsync(theirs.Path("/consent")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await intruder.GetAsync(theirs.Path("/audit-events")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await ours.Alice.GetAsync($"/v1/tenants/t-does-not-exist/consent").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Malformed_and_unknown_json_answers_400()
    {
        var s = await Scenario.OnboardAsync(app);
        var op = s.Operator;
        using var broken = await op.PutAsync(s.Path(), new StringContent("{\"displayName\": ", Encoding.UTF8, "application/json"));
        await broken.ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await op.PutJsonAsync(s.Path(), new { displayName = "X", extra = true }).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await op.PutJsonAsync(s.Path(), new { }).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await op.PutJsonAsync(s.Path(), new { displayName = new string('x', 300) }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await op.PutJsonAsync(s.Path("/principals/bob"), new { kind = "robot", displayName = "Bob" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        using var wrongType = await op.PutAsync(s.Path(), new StringContent("displayName=x", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        await op.GetAsync("/v1/tenants/bad%20id/consent").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Audit_events_cannot_be_changed_even_by_the_database_client()
    {
        var s = await Scenario.OnboardAsync(app);
        var store = s.App.Services.GetRequiredService<Pim.Infrastructure.Store>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE audit_events SET action = 'x' WHERE tenant_id = '{s.Id}'";
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
        command.CommandText = $"DELETE FROM audit_events WHERE tenant_id = '{s.Id}'";
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
    }

    private static string UnsignedToken(string subject, string tenant)
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
               B64($"{{\"sub\":\"{subject}\",\"tid\":\"{tenant}\",\"iss\":\"pim-dev-issuer\",\"aud\":\"pim\",\"exp\":{exp}}}") + ".";
    }
}
