using System.Net;
using Npgsql;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Failover;

/// <summary>The failover drill's set-up: the tenants, the work left to the schedules, and replicas answering from their grant index.</summary>
public sealed partial class FailoverDrillTests
{
    private async Task SetUpAsync(FailoverCluster cluster, DrillPim pim, WebhookReceiver receiver)
    {
        var op = pim.Operator;
        async Task PrincipalsAsync(string tenant, IEnumerable<string> names) =>
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, _) =>
                await op.PutJsonAsync(Path($"/principals/{name}", tenant), new { kind = "user", displayName = name, email = $"{name}@{tenant}.example" })
                    .ExpectAsync(HttpStatusCode.Created));
        async Task AssignAsync(string tenant, string principalId, string roleId) =>
            await op.PostJsonAsync(Path("/role-assignments", tenant), new { principalId, roleId, type = "active" }).ExpectAsync(HttpStatusCode.Created);

        await op.PutJsonAsync(Path("", Quiet), new { displayName = "Quiet" }).ExpectAsync(HttpStatusCode.Created);
        await PrincipalsAsync(Quiet, ["alice", Watched, "silent"]);
        foreach (var (principal, role) in new[] { ("alice", "global-administrator"), (Watched, "security-reader"), ("silent", "security-reader") })
            await AssignAsync(Quiet, principal, role);

        await op.PutJsonAsync(Path(), new { displayName = "Failover drill" }).ExpectAsync(HttpStatusCode.Created);
        await PrincipalsAsync(Tenant, new[] { "alice", "admin2", "silent", "probe" }
            .Concat(Enumerable.Range(0, Principals).Select(n => $"p{n:D4}"))
            .Concat(Enumerable.Range(0, 2 * Scheduled).Select(n => $"s{n:D2}")));
        for (var n = 0; n < 4; n++)
            await op.PutJsonAsync(Path($"/management-groups/mg{n}"), new { displayName = $"Management group {n}" }).ExpectAsync(HttpStatusCode.Created);
        foreach (var (principal, role) in new[] { ("alice", "global-administrator"), ("admin2", "global-administrator"), ("silent", "security-reader") })
            await AssignAsync(Tenant, principal, role);
        await pim.Alice.PostJsonAsync(Path("/consent")).ExpectAsync(HttpStatusCode.OK);
        await pim.Alice.PostJsonAsync(Path("/sign-ups"), new { area = "directoryRoles" }).ExpectAsync(HttpStatusCode.Created);
        for (var n = 0; n < 2 * Scheduled; n++)
            await pim.Alice.PostJsonAsync(Path("/role-assignments"), new { principalId = $"s{n:D2}", roleId = "exchange-administrator", type = "eligible" })
                .ExpectAsync(HttpStatusCode.Created);
        await pim.Alice.PostJsonAsync(Path("/webhooks"), new
        {
            url = receiver.Url,
            eventTypes = new[] { "pim.assignment.created", "pim.activation.activated", "pim.accessReview.started", "pim.alert.raised", "pim.alert.resolved" },
        }).ExpectAsync(HttpStatusCode.Created);
        await cluster.OnNodeAsync(1, c => new NpgsqlCommand("CREATE TABLE drill_probe (at timestamptz NOT NULL DEFAULT now())", c).ExecuteNonQueryAsync());
    }


    /// <summary>
    /// Evaluates on the replica until it answers for the tenant from its grant index: the "silent" principal, disabled in
    /// the store with its triggers off (no replica hears of it), is still allowed only by an index loaded before. Enabled
    /// again the same way.
    /// </summary>
    private static async Task WarmAsync(FailoverCluster cluster, int primary, DrillPim pim, string tenant)
    {
        Task Silently(string sql) => cluster.OnNodeAsync(primary, c => new NpgsqlCommand($"SET session_replication_role = replica; {sql}", c).ExecuteNonQueryAsync());
        async Task<bool> AllowsSilent() =>
            (await pim.Evaluator.PostJsonAsync(Path("/access/evaluation", tenant), new { principalId = "silent", roleId = "security-reader" })
                .ExpectAsync(HttpStatusCode.OK)).Str("decision") == "allow";
        var where = $"tenant_id = '{tenant}' AND principal_id = 'silent'";
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(20), async () =>
        {
            await AllowsSilent();
            await Silently($"UPDATE principals SET disabled_at = now() WHERE {where}");
            bool fromIndex;
            try { fromIndex = await AllowsSilent(); }
            finally { await Silently($"UPDATE principals SET disabled_at = NULL WHERE {where}"); }
            if (await AllowsSilent()) return fromIndex;
            // The index loaded while "silent" was disabled: a change the feed tells makes it load again.
            await cluster.OnNodeAsync(primary, c => new NpgsqlCommand($"UPDATE principals SET updated_at = updated_at WHERE {where}", c).ExecuteNonQueryAsync());
            return false;
        }), $"{pim.Name} never answered for {tenant} from its grant index");
    }


    /// <summary>
    /// Work for the background schedules to do across the failover: access reviews whose first instance starts at once, an
    /// alert setting that makes the tenant's alerts due (raised, then resolved the second time), and activations scheduled
    /// to start in the seconds the primary is away.
    /// </summary>
    private async Task ScheduleAsync(DrillPim[] pims, int maximumGlobalAdministrators)
    {
        foreach (var pim in pims)
            _reviews.Add((await pim.Alice.PostJsonAsync(Path("/access-reviews"), new
            {
                displayName = $"Drill review {_reviews.Count}", reviewers = "roleAdministrators", scope = "/", roleIds = new[] { "security-reader" },
                recurrence = "once", duration = "P1D",
            }).ExpectAsync(HttpStatusCode.Created)).Str("id"));
        var settings = Path("/alert-settings/too-many-global-administrators");
        using (var current = await pims[0].Alice.GetAsync(settings))
        {
            await current.ExpectAsync(HttpStatusCode.OK);
            using var update = new HttpRequestMessage(HttpMethod.Put, settings)
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { enabled = true, maximumCount = maximumGlobalAdministrators }),
                Headers = { IfMatch = { current.Headers.ETag! } },
            };
            await (await pims[1].Alice.SendAsync(update)).ExpectAsync(HttpStatusCode.OK);
        }
        for (var n = 0; n < Scheduled; n++, _scheduledUsed++)
        {
            var requester = pims[n % pims.Length].User($"s{_scheduledUsed:D2}");
            _activations.Add((await requester.PostJsonAsync(Path("/activation-requests"), new
            {
                roleId = "exchange-administrator", justification = "Failover drill", startsAt = DateTimeOffset.UtcNow.AddSeconds(2 + 2 * n),
            }).ExpectAsync(HttpStatusCode.Created)).Str("id"));
        }
    }
}
