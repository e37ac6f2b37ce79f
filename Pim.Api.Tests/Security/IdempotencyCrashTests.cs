using System.Net;
using System.Net.Http.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

/// <summary>
/// Idempotency survives a crash: Pim is killed (SIGKILL) while POSTs with keys are in flight, started again on the same
/// store, and every request is retried with its key. Each retry answers the change exactly once — replayed when it had
/// committed, run now when it had not — and never "key in use".
/// </summary>
public sealed class IdempotencyCrashTests
{
    public static TheoryData<string> Stores => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_retry_after_a_crash_replays_the_committed_answer_or_runs_once(string provider)
    {
        const int requests = 40;
        var data = Directory.CreateTempSubdirectory("pim-crash-").FullName;
        var (connection, drop) = await PimProcess.FreshStoreAsync(provider, data);
        try
        {
            const string tenant = "crash";
            HttpRequestMessage Assign(int i)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{tenant}/role-assignments")
                {
                    Content = JsonContent.Create(new { principalId = $"p{i}", roleId = "user-administrator", type = "active" }),
                };
                request.Headers.Add("Idempotency-Key", $"assign-{i}");
                return request;
            }

            await using (var pim = await PimProcess.StartAsync(provider, connection, data))
            {
                var sync = await pim.ClientAsync("sync", tenant, false, "pim.operator");
                await sync.PutAsJsonAsync($"/v1/tenants/{tenant}", new { displayName = "Crash" }).ExpectAsync(HttpStatusCode.Created);
                for (var i = 0; i < requests; i++)
                    await sync.PutAsJsonAsync($"/v1/tenants/{tenant}/principals/p{i}", new { kind = "user", displayName = $"P{i}" })
                        .ExpectAsync(HttpStatusCode.Created);

                var inFlight = Enumerable.Range(0, requests).Select(i => sync.SendAsync(Assign(i))).ToList();
                await Task.WhenAny(inFlight); // some have answered, the rest are in flight
                await pim.KillAsync();
                foreach (var call in inFlight)
                {
                    try { (await call).Dispose(); }
                    catch (HttpRequestException) { } // the connection died with the process
                    catch (TaskCanceledException) { }
                }
            }

            await using (var pim = await PimProcess.StartAsync(provider, connection, data))
            {
                var sync = await pim.ClientAsync("sync", tenant, false, "pim.operator");
                var retries = await Task.WhenAll(Enumerable.Range(0, requests).Select(i => sync.SendAsync(Assign(i))));
                foreach (var retry in retries)
                    Assert.True(retry.StatusCode == HttpStatusCode.Created, $"{retry.StatusCode}: {await retry.Content.ReadAsStringAsync()}");
                Assert.Equal(requests, retries.Select(r => r.Headers.Location).Distinct().Count());

                var assignments = await sync.GetAsync($"/v1/tenants/{tenant}/role-assignments?roleId=user-administrator&pageSize=200")
                    .ExpectAsync(HttpStatusCode.OK);
                Assert.Equal(requests, assignments.GetProperty("items").GetArrayLength());
                var audit = await sync.GetAsync($"/v1/tenants/{tenant}/audit-events?action=assignment.created&pageSize=200").ExpectAsync(HttpStatusCode.OK);
                Assert.Equal(requests, audit.GetProperty("items").GetArrayLength());
            }
        }
        finally
        {
            await drop();
            Directory.Delete(data, recursive: true);
        }
    }
}
