using System.Net;
using System.Net.Http.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Audit;

[Collection(SqliteCollection.Second)]
public sealed class AuditTests_Sqlite(SqliteApp app) : AuditTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AuditTests_Postgres(PostgresApp app) : AuditTests(app);

/// <summary>Reporting: who did what, when, where from and why, and that nobody changes it afterwards.</summary>
public abstract class AuditTests(PimApp app)
{
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

        // A refusal quotes the same trace (with or without traces exported: Telemetry.ContinueTraceContext).
        var refused = new HttpRequestMessage(HttpMethod.Get, s.Path("/activation-requests/no-such-request"));
        refused.Headers.Add("traceparent", "00-5cf92f3577b34da6a3ce929d0e0e4737-00f067aa0ba902b7-00");
        var problem = await (await s.Alice.SendAsync(refused)).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal("5cf92f3577b34da6a3ce929d0e0e4737", problem.Str("traceId"));
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

    [Fact]
    public async Task The_client_ip_comes_from_X_Forwarded_For_only_through_a_trusted_proxy()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        async Task Call(string remote, string forwarded)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, s.Path("/activation-requests"))
            {
                Content = JsonContent.Create(new { roleId = "exchange-administrator", justification = "=cmd|' /C calc'!A0" }),
            };
            request.Headers.Add(PimApp.RemoteIpHeader, remote);
            request.Headers.Add("X-Forwarded-For", forwarded);
            await (await s.Bob.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);
        }
        await Call(PimApp.TrustedProxy, "203.0.113.9");
        var first = (await s.AuditAsync("action=activation.requested")).EnumerateArray().Last();
        Assert.Equal("203.0.113.9", first.Str("clientIp"));
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{first.Str("targetId")}/deactivate")).ExpectAsync(HttpStatusCode.OK);

        await Call("198.51.100.7", "203.0.113.9");
        Assert.Equal("198.51.100.7", (await s.AuditAsync("action=activation.requested")).EnumerateArray().Last().Str("clientIp"));

        // The justification reaches the CSV export neutralised against formula injection.
        using var export = await s.Alice.SendAsync(new HttpRequestMessage(HttpMethod.Get, s.Path("/audit-events?action=activation.requested"))
        {
            Headers = { { "Accept", "text/csv" } },
        });
        Assert.Contains(",\"'=cmd|' /C calc'!A0\",", await export.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_export_is_CSV_with_who_when_where_and_why()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.SetSettingsAsync("exchange-administrator", ScenarioSettings.Document(requireTicket: true, requireApproval: true));
        var id = (await s.ActivateAsync(s.Bob, ticket: new { number = "CHG-4711", system = "ServiceNow" }).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await s.Alice.PostJsonAsync(s.Path($"/activation-requests/{id}/approve"), new { justification = "CHG-4711 approved" }).ExpectAsync(HttpStatusCode.OK);
        await s.Bob.PostJsonAsync(s.Path($"/activation-requests/{id}/deactivate")).ExpectAsync(HttpStatusCode.OK);

        using var export = await s.Alice.SendAsync(new HttpRequestMessage(HttpMethod.Get, s.Path("/audit-events?roleId=exchange-administrator"))
        {
            Headers = { { "Accept", "text/csv" } },
        });
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
        var rows = (await export.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(',').Select(cell => cell.Trim('"')).ToArray()).ToList();
        Assert.Equal(["assignment.created", "assignment.madeEligible", "roleSettings.updated", "activation.requested", "activation.approved",
            "activation.activated", "activation.deactivated"], rows.Select(r => r[5]).ToArray());
        var requested = rows.Single(r => r[5] == "activation.requested");
        Assert.Equal(("bob", "principal", "Mailbox migration", "CHG-4711", "ServiceNow", "127.0.0.1"),
            (requested[2], requested[3], requested[11], requested[12], requested[13], requested[14]));
        var approved = rows.Single(r => r[5] == "activation.approved");
        Assert.Equal(("alice", "CHG-4711 approved"), (approved[2], approved[11]));
    }

    [Fact]
    public async Task A_refused_export_is_a_problem_whatever_the_client_accepts()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var accept in new[] { "text/csv", "application/xml", "text/csv;q=1, application/json;q=0" })
        {
            HttpRequestMessage Export(string query) => new(HttpMethod.Get, s.Path("/audit-events" + query)) { Headers = { { "Accept", accept } } };
            using (var forbidden = await s.Carol.SendAsync(Export("")))
                await forbidden.ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            using (var invalid = await s.Alice.SendAsync(Export("?from=yesterday")))
                await invalid.ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
            using (var anonymous = await app.Anonymous().SendAsync(Export("")))
                await anonymous.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        }
    }
}
