using System.Diagnostics;
using System.Net;
using Npgsql;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Failover;

/// <summary>The failover drill's checks, on the store itself: nothing lost, nothing twice; revocations across replicas.</summary>
public sealed partial class FailoverDrillTests
{
    /// <summary>Each write answered 201 exists once, as answered; no write exists twice.</summary>
    private static async Task WrittenOnceAsync(FailoverCluster cluster, int primary, IReadOnlyList<WriteAnswer> answered, string name)
    {
        var stored = await cluster.OnNodeAsync(primary, async connection =>
        {
            var rows = new List<(string Key, string Id)>();
            await using var reader = await new NpgsqlCommand(
                "SELECT justification, assignment_id FROM role_assignments WHERE tenant_id = 'drill' AND justification LIKE 'drill-%'", connection).ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
            return rows.ToLookup(r => r.Key, r => r.Id);
        });
        var lost = answered.Where(w => !stored[w.Write.Key].Contains(w.AssignmentId)).Select(w => w.Write.Key).ToList();
        Assert.True(lost.Count == 0, $"{name}: {lost.Count} acknowledged writes are not in the store: {string.Join(", ", lost.Take(10))}");
        var twice = stored.Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"{name}: {twice.Count} writes were applied more than once: {string.Join(", ", twice.Take(10))}");
    }


    /// <summary>A revocation through one replica is seen by the other within a second, each way, while it answers from its index.</summary>
    private static async Task<TimeSpan[]> RevocationsSeenAsync(FailoverCluster cluster, int primary, DrillPim[] pims, string name)
    {
        var seen = new TimeSpan[pims.Length];
        foreach (var (maker, observer) in new[] { (pims[0], pims[1]), (pims[1], pims[0]) })
        {
            var id = (await maker.Alice.PostJsonAsync(Path("/role-assignments"), new { principalId = "probe", roleId = "helpdesk-administrator", type = "active" })
                .ExpectAsync(HttpStatusCode.Created)).Str("id");
            await WarmAsync(cluster, primary, observer, Tenant);
            Assert.True(await AllowsAsync(observer, "probe", "helpdesk-administrator"));
            await maker.Alice.DeleteAsync(Path($"/role-assignments/{id}")).ExpectAsync(HttpStatusCode.NoContent);
            var clock = Stopwatch.StartNew();
            var denied = await Eventually.WithinAsync(Eventually.FeedWindow, async () => !await AllowsAsync(observer, "probe", "helpdesk-administrator"));
            seen[observer.Index] = clock.Elapsed;
            Assert.True(denied, $"{name}: {observer.Name} still allowed {clock.Elapsed.TotalMilliseconds:0} ms after the revocation through {maker.Name}.");
        }
        return seen;
    }

    private static async Task<bool> AllowsAsync(DrillPim pim, string principalId, string roleId) =>
        (await pim.Evaluator.PostJsonAsync(Path("/access/evaluation"), new { principalId, roleId }).ExpectAsync(HttpStatusCode.OK)).Str("decision") == "allow";


    /// <summary>Every notification delivered, none failed, each exactly once: webhooks by their id, emails by their file.</summary>
    private static async Task<(int Webhooks, int Emails)> DeliveredOnceAsync(FailoverCluster cluster, int primary, WebhookReceiver receiver,
        PickupWatch[] mail)
    {
        var messages = new List<(string Id, string Kind, string Status, string? Error)>();
        var clock = Stopwatch.StartNew();
        do
        {
            messages = await cluster.OnNodeAsync(primary, async connection =>
            {
                var rows = new List<(string, string, string, string?)>();
                await using var reader = await new NpgsqlCommand(
                    "SELECT message_id, kind, status, last_error FROM outbox_messages WHERE tenant_id = 'drill'", connection).ExecuteReaderAsync();
                while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
                return rows;
            });
            if (messages.All(m => m.Status == "delivered")) break;
            await Task.Delay(250);
        } while (clock.Elapsed < TimeSpan.FromSeconds(60));
        var undelivered = messages.Where(m => m.Status != "delivered").ToList();
        Assert.True(undelivered.Count == 0, $"{undelivered.Count} notifications were not delivered within 60 s: " +
            string.Join("; ", undelivered.Take(5).Select(m => $"{m.Kind} {m.Id} {m.Status} {m.Error}")));

        var webhooks = messages.Where(m => m.Kind == "webhook").Select(m => m.Id).ToHashSet();
        var received = receiver.Deliveries.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Empty(webhooks.Where(id => received.GetValueOrDefault(id) != 1).Select(id => $"webhook {id} received {received.GetValueOrDefault(id)} times"));
        var strangers = received.Keys.Where(id => !webhooks.Contains(id)).ToList();
        Assert.True(strangers.Count == 0, $"webhooks received that Pim never queued: {string.Join(", ", strangers.Take(5))}");

        var emails = messages.Where(m => m.Kind == "email").Select(m => m.Id).ToList();
        Assert.True(await Eventually.WithinAsync(TimeSpan.FromSeconds(5), () => Task.FromResult(emails.All(id => mail.Any(w => w.Sent.ContainsKey(id))))),
            "an email marked delivered is in no pickup directory");
        Assert.All(mail, w => Assert.False(w.Overflowed, "the pickup directory's watcher lost events"));
        Assert.Empty(emails.Where(id => mail.Sum(w => w.Sent.GetValueOrDefault(id)) != 1)
            .Select(id => $"email {id} written {mail.Sum(w => w.Sent.GetValueOrDefault(id))} times"));
        return (webhooks.Count, emails.Count);
    }

    /// <summary>Each review's first instance started once, each scheduled activation activated once, the alert raised and resolved once.</summary>
    private async Task SchedulesRanOnceAsync(FailoverCluster cluster, int primary)
    {
        Dictionary<(string Action, string Target), long> counts = [];
        Dictionary<string, long> instances = [];
        var done = await Eventually.WithinAsync(TimeSpan.FromSeconds(30), async () =>
        {
            (counts, instances) = await cluster.OnNodeAsync(primary, async connection =>
            {
                var audit = new Dictionary<(string, string), long>();
                await using (var reader = await new NpgsqlCommand("""
                    SELECT action, target_id, count(*) FROM audit_events WHERE tenant_id = 'drill'
                    AND action IN ('accessReview.started', 'activation.activated', 'alert.raised', 'alert.resolved') GROUP BY action, target_id
                    """, connection).ExecuteReaderAsync())
                    while (await reader.ReadAsync()) audit[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
                var started = new Dictionary<string, long>();
                await using (var reader = await new NpgsqlCommand(
                    "SELECT review_id, count(*) FROM access_review_instances WHERE tenant_id = 'drill' GROUP BY review_id", connection).ExecuteReaderAsync())
                    while (await reader.ReadAsync()) started[reader.GetString(0)] = reader.GetInt64(1);
                return (audit, started);
            });
            return _reviews.All(instances.ContainsKey) && _activations.All(id => counts.ContainsKey(("activation.activated", id)))
                && counts.Keys.Any(k => k.Action == "alert.raised") && counts.Keys.Any(k => k.Action == "alert.resolved");
        });
        Assert.True(done, $"the schedules did not all run: reviews started {instances.Count}/{_reviews.Count}, activations started " +
            $"{_activations.Count(id => counts.ContainsKey(("activation.activated", id)))}/{_activations.Count}, alerts {string.Join(", ", counts.Keys.Where(k => k.Action.StartsWith("alert.", StringComparison.Ordinal)))}");
        Assert.Empty(instances.Where(i => i.Value != 1).Select(i => $"review {i.Key} has {i.Value} instances"));
        Assert.Empty(counts.Where(c => c.Value != 1).Select(c => $"{c.Key.Action} {c.Key.Target} audited {c.Value} times"));
    }
}
