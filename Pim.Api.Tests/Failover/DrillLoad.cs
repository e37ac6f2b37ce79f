using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pim.Api.Tests.Failover;

/// <summary>The drill's clock: milliseconds since the drill began, for every moment it compares (a kill, an answer).</summary>
public static class DrillClock
{
    private static readonly long Start = Stopwatch.GetTimestamp();

    public static double Now => Stopwatch.GetElapsedTime(Start).TotalMilliseconds;
}

/// <summary>One keyed write of the drill: an active assignment of a role at a scope to a principal, under its own Idempotency-Key.</summary>
public sealed record DrillWrite(int Number, string Key, string PrincipalId, string RoleId, string Scope)
{
    public HttpRequestMessage Request() => new(HttpMethod.Post, FailoverDrillTests.Path("/role-assignments"))
    {
        Content = JsonContent.Create(new { principalId = PrincipalId, roleId = RoleId, scope = Scope, type = "active", justification = Key }),
        Headers = { { "Idempotency-Key", Key } },
    };
}

/// <summary>The drill's writes, each taken once, by whichever writer comes next, across both failovers.</summary>
public sealed class DrillPlan(IReadOnlyList<DrillWrite> writes)
{
    private int _next = -1;

    public DrillWrite? Take()
    {
        var number = Interlocked.Increment(ref _next);
        return number < writes.Count ? writes[number] : null;
    }
}

/// <summary>How a Pim answered a write: its status (0: no answer at all), the assignment it created, whether it replayed.</summary>
public sealed record WriteAnswer(DrillWrite Write, int Pim, double SentAt, double AnsweredAt, int Status, string? AssignmentId, bool Replayed,
    string? Refusal);

/// <summary>How a Pim answered an evaluation: 200 with its decision, 503, or 0 (no answer).</summary>
public sealed record EvaluationAnswer(int Pim, double SentAt, double AnsweredAt, int Status, string? Decision, string? Refusal);

/// <summary>
/// The drill's load on every Pim at once: writers sending keyed writes (each a new one, never a retry: a refused write is
/// resent later with its key), and an evaluator asking about a principal whose role never changes, in a tenant nothing
/// writes to meanwhile (a replica forgets a tenant it was writing to when the store went away: whether its write committed
/// is unknown). Everything answered is recorded with the drill's clock.
/// </summary>
public sealed class DrillLoad(IReadOnlyList<DrillPim> pims, DrillPlan plan)
{
    public const int WritersPerPim = 2;

    /// <summary>A refused call waits this long before the next, so that an outage is not a busy loop (and sets how finely Pim's share is measured).</summary>
    public static readonly TimeSpan PauseAfterRefusal = TimeSpan.FromMilliseconds(250);

    /// <summary>An accepted write waits this long before the next: load, not a benchmark.</summary>
    public static readonly TimeSpan PauseAfterWrite = TimeSpan.FromMilliseconds(10);

    public ConcurrentQueue<WriteAnswer> Writes { get; } = new();
    public ConcurrentQueue<EvaluationAnswer> Evaluations { get; } = new();

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(pims.SelectMany((_, pim) =>
        Enumerable.Range(0, WritersPerPim).Select(_ => WriteAsync(pim, stop)).Append(EvaluateAsync(pim, stop))));

    /// <summary>How many writes <paramref name="pim"/> accepted.</summary>
    public int Accepted(int pim) => Writes.Count(w => w.Pim == pim && w.Status == 201);

    /// <summary>How many evaluations <paramref name="pim"/> answered.</summary>
    public int Evaluated(int pim) => Evaluations.Count(e => e.Pim == pim && e.Status == 200);

    /// <summary>The first write of <paramref name="pim"/> sent after <paramref name="after"/> that it accepted, when it answered.</summary>
    public double? FirstAccepted(int pim, double after) =>
        Writes.Where(w => w.Pim == pim && w.SentAt > after && w.Status == 201).Select(w => (double?)w.AnsweredAt).Min();

    private async Task WriteAsync(int pim, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (plan.Take() is not { } write) return;
            var answer = await SendAsync(pims[pim], write);
            Writes.Enqueue(answer);
            await Pause(answer.Status == 201 ? PauseAfterWrite : PauseAfterRefusal, stop);
        }
    }

    public static async Task<WriteAnswer> SendAsync(DrillPim pim, DrillWrite write)
    {
        var sentAt = DrillClock.Now;
        try
        {
            using var request = write.Request();
            using var response = await pim.Operator.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var created = response.StatusCode == HttpStatusCode.Created;
            return new WriteAnswer(write, pim.Index, sentAt, DrillClock.Now, (int)response.StatusCode,
                created ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetString() : null,
                response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"),
                created ? null : body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new WriteAnswer(write, pim.Index, sentAt, DrillClock.Now, 0, null, false, e.Message);
        }
    }

    private async Task EvaluateAsync(int pim, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var sentAt = DrillClock.Now;
            EvaluationAnswer answer;
            try
            {
                using var response = await pims[pim].Evaluator.PostAsJsonAsync(FailoverDrillTests.Path("/access/evaluation", FailoverDrillTests.Quiet),
                    new { principalId = FailoverDrillTests.Watched, roleId = "security-reader" });
                var body = await response.Content.ReadAsStringAsync();
                answer = response.StatusCode == HttpStatusCode.OK
                    ? new EvaluationAnswer(pim, sentAt, DrillClock.Now, 200, JsonDocument.Parse(body).RootElement.GetProperty("decision").GetString(), null)
                    : new EvaluationAnswer(pim, sentAt, DrillClock.Now, (int)response.StatusCode, null, body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                answer = new EvaluationAnswer(pim, sentAt, DrillClock.Now, 0, null, e.Message);
            }
            Evaluations.Enqueue(answer);
            await Pause(answer.Status == 200 ? PauseAfterWrite : PauseAfterRefusal, stop);
        }
    }

    private static async Task Pause(TimeSpan pause, CancellationToken stop)
    {
        try { await Task.Delay(pause, stop); }
        catch (OperationCanceledException) { }
    }
}
