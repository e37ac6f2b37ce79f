using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Pim's own traces and metrics: the activity source and the meter named <see cref="Name"/>, their instruments
/// (<c>pim.*</c>) and attributes (<c>pim.*</c>), and what records them. Outcomes are recorded where they leave the
/// domain (endpoints, the outbox dispatcher, the sweeper), never inside it. With no listener (OpenTelemetry off) each
/// call costs a check of the instrument. No token, justification, ticket, email address or payload is ever recorded.
/// </summary>
public static class PimTelemetry
{
    public const string Name = "Pim";
    public static readonly string Version = typeof(PimTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static readonly ActivitySource Source = new(Name, Version);
    private static readonly Meter Meter = new(Name, Version);

    // Attributes.
    public const string TenantId = "pim.tenant.id";
    public const string ActivationOutcome = "pim.activation.outcome";
    public const string ApprovalDecision = "pim.approval.decision";
    public const string ApprovalTarget = "pim.approval.target";
    public const string EvaluationDecision = "pim.evaluation.decision";
    public const string NotificationKind = "pim.notification.kind";
    public const string NotificationId = "pim.notification.id";
    public const string DeliveryAttempt = "pim.delivery.attempt";
    public const string DeliveryOutcome = "pim.delivery.outcome";
    public const string RateLimitClass = "pim.rate_limit.class";
    public const string RateLimitBudget = "pim.rate_limit.budget";
    public const string SweepSettled = "pim.sweep.settled";

    /// <summary>The outcomes of a delivery attempt: delivered, to be tried again later, or failed for good.</summary>
    public const string Delivered = "delivered", Rescheduled = "rescheduled", Failed = "failed";

    private static readonly Counter<long> Activations = Meter.CreateCounter<long>("pim.activations", "{request}",
        "Activation requests by outcome: the status they were created in (active, scheduled, pendingApproval) or the problem code that refused them.");

    private static readonly Counter<long> Approvals = Meter.CreateCounter<long>("pim.approvals", "{decision}",
        "Decisions on requests waiting for approval: approved, denied (by an approver) or timedOut (by the sweeper); pim.approval.target is activation or extension.");

    private static readonly Histogram<double> ApprovalWait = Meter.CreateHistogram("pim.approval.wait_time", "s",
        "How long an activation request waited for its decision, from request to approval, denial or time-out.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 259200] });

    private static readonly Histogram<double> EvaluationDuration = Meter.CreateHistogram("pim.evaluation.duration", "s",
        "Access evaluations (native and AuthZEN, each item of a batch) by decision, allow or deny, and how long each took.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });

    private static readonly Counter<long> DeliveryAttempts = Meter.CreateCounter<long>("pim.outbox.delivery_attempts", "{attempt}",
        "Delivery attempts of outbox messages (email, webhook) by outcome: delivered, rescheduled (failed, tried again later) or failed (no attempt left).");

    private static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>("pim.rate_limit.rejections", "{request}",
        "Requests refused with 429 rate-limited, by request class (evaluation, reads, writes) and the budget spent (caller or tenant).");

    private static long[]? _outboxDepth;

    private static readonly ObservableGauge<long> OutboxDepth = Meter.CreateObservableGauge("pim.outbox.depth", ObserveOutboxDepth, "{message}",
        "Outbox messages waiting for delivery (pending, due or backing off), by kind, as last counted by this replica's dispatcher.");

    private static IEnumerable<Measurement<long>> ObserveOutboxDepth()
    {
        if (Volatile.Read(ref _outboxDepth) is not { } depth) yield break;
        for (var i = 0; i < NotificationKinds.All.Length; i++)
            yield return new Measurement<long>(depth[i], new KeyValuePair<string, object?>(NotificationKind, NotificationKinds.All[i]));
    }

    /// <summary>This process's usage recorders (one per application; weakly held, so that a test's go with it).</summary>
    private static readonly ConditionalWeakTable<UsageRecorder, object?> UsageRecorders = new();

    private static readonly ObservableGauge<long> UsageUnwritten = Meter.CreateObservableGauge("pim.usage.unwritten",
        () => UsageRecorders.Sum(r => (long)r.Key.Unwritten), "{pair}",
        "(Assignment, client) pairs used for the first time and not written to the store yet: written within seconds, or, "
        + "in a burst of first uses, as the usage write budget allows.");

    /// <summary>Counts <paramref name="recorder"/>'s pairs waiting for their first write in <c>pim.usage.unwritten</c>.</summary>
    public static void Observe(UsageRecorder recorder) => UsageRecorders.AddOrUpdate(recorder, null);

    /// <summary>Whether a collector reads the outbox depth (so that the dispatcher counts it only then).</summary>
    public static bool OutboxDepthObserved => OutboxDepth.Enabled;

    public static void CountedOutbox(IReadOnlyDictionary<string, long> pendingByKind) =>
        Volatile.Write(ref _outboxDepth, NotificationKinds.All.Select(kind => pendingByKind.GetValueOrDefault(kind)).ToArray());

    /// <summary>A request's (recorded) span carries the tenant the caller acts in.</summary>
    public static void Tenant(string tenantId)
    {
        if (Activity.Current is { Recorded: true } request) request.SetTag(TenantId, tenantId);
    }

    /// <summary>One activation request: the status it was created in, or the code of the problem that refused it.</summary>
    public static async Task<ActivationSnapshot> ActivationAsync(Task<ActivationSnapshot> requested)
    {
        try
        {
            var request = await requested;
            Activated(request.Status);
            return request;
        }
        catch (PimException refused)
        {
            Activations.Add(1, new KeyValuePair<string, object?>(ActivationOutcome, refused.Code));
            throw;
        }
    }

    /// <summary>A batch: each item as one request; a batch refused as a whole counts once, with its code.</summary>
    public static async Task<IReadOnlyList<BatchItem>> ActivationsAsync(Task<IReadOnlyList<BatchItem>> requested)
    {
        try
        {
            var items = await requested;
            foreach (var item in items)
                if (item.Problem is { } refused) Activations.Add(1, new KeyValuePair<string, object?>(ActivationOutcome, refused.Code));
                else Activated(item.Request!.Status);
            return items;
        }
        catch (PimException refused)
        {
            Activations.Add(1, new KeyValuePair<string, object?>(ActivationOutcome, refused.Code));
            throw;
        }
    }

    private static void Activated(ActivationStatus status) =>
        Activations.Add(1, new KeyValuePair<string, object?>(ActivationOutcome, ActivationRequest.Wire(status)));

    /// <summary>
    /// An approver's decision. A decision on the request itself was made at the snapshot's instant (the use case reads the
    /// clock once), so its wait is known; otherwise the decision was on an extension of the activation.
    /// </summary>
    public static ActivationSnapshot Decided(ActivationSnapshot decided, bool approved)
    {
        var decision = approved ? "approved" : "denied";
        var request = decided.Request;
        if (request.Decision is { } made && made.DecidedAt == decided.At)
        {
            Approvals.Add(1, new(ApprovalDecision, decision), new(ApprovalTarget, "activation"));
            ApprovalWait.Record((made.DecidedAt - request.RequestedAt).TotalSeconds, new KeyValuePair<string, object?>(ApprovalDecision, decision));
        }
        // An approver's answer that did not settle the approval (a quorum not reached yet, a stage passed with more to come).
        else if (decided.Status == ActivationStatus.PendingApproval || decided.PendingExtension is not null)
            Approvals.Add(1, new(ApprovalDecision, decision), new(ApprovalTarget, "stage"));
        else Approvals.Add(1, new(ApprovalDecision, decision), new(ApprovalTarget, "extension"));
        return decided;
    }

    /// <summary>What a sweep settled: the requests that timed out waiting for approval.</summary>
    private static void TimedOut(IEnumerable<ActivationRequest> settled)
    {
        foreach (var request in settled.Where(r => r.Status == ActivationStatus.TimedOut))
        {
            Approvals.Add(1, new(ApprovalDecision, "timedOut"), new(ApprovalTarget, "activation"));
            ApprovalWait.Record(((request.ClosedAt ?? request.RequestedAt) - request.RequestedAt).TotalSeconds,
                new KeyValuePair<string, object?>(ApprovalDecision, "timedOut"));
        }
    }

    /// <summary>
    /// One evaluation, measured from <paramref name="started"/> (<see cref="Stopwatch.GetTimestamp"/>, taken before the
    /// evaluation began: pass it as the first argument, C# evaluates arguments in order) until it completes. An evaluation
    /// answered from memory completes at once: it is recorded and its decision returned, with nothing allocated.
    /// </summary>
    public static ValueTask<AccessDecision> Evaluation(long started, ValueTask<AccessDecision> evaluation)
    {
        if (!EvaluationDuration.Enabled) return evaluation;
        if (evaluation.IsCompletedSuccessfully)
        {
            var decision = evaluation.Result;
            Evaluated(decision, started);
            return new(decision);
        }
        return Awaited(started, evaluation);

        static async ValueTask<AccessDecision> Awaited(long started, ValueTask<AccessDecision> evaluation)
        {
            var decision = await evaluation;
            Evaluated(decision, started);
            return decision;
        }
    }

    private static void Evaluated(AccessDecision decision, long started) =>
        EvaluationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>(EvaluationDecision, decision.Granted ? "allow" : "deny"));

    public static void RateLimited(string requestClass, bool callerBudget) =>
        RateLimitRejections.Add(1, new(RateLimitClass, requestClass), new(RateLimitBudget, callerBudget ? "caller" : "tenant"));

    /// <summary>
    /// A delivery is a trace of its own (the dispatcher runs outside any request), linked to the request whose
    /// transaction wrote the message (its W3C traceparent, kept with the message).
    /// </summary>
    public static Activity? StartDelivery(ClaimedMessage message)
    {
        if (!Source.HasListeners()) return null;
        ActivityLink[]? links = ActivityContext.TryParse(message.TraceParent, null, out var cause) ? [new ActivityLink(cause)] : null;
        var activity = Source.StartActivity(ActivityKind.Consumer, parentContext: default, links: links, name: "deliver " + message.Kind);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TenantId, message.TenantId);
            activity.SetTag(NotificationKind, message.Kind);
            activity.SetTag(NotificationId, message.MessageId);
            activity.SetTag(DeliveryAttempt, message.Attempts);
        }
        return activity;
    }

    public static void DeliveryAttempted(Activity? delivery, string kind, string outcome, string? error = null)
    {
        DeliveryAttempts.Add(1, new(NotificationKind, kind), new(DeliveryOutcome, outcome));
        if (delivery is null) return;
        delivery.SetTag(DeliveryOutcome, outcome);
        if (error is not null) delivery.SetStatus(ActivityStatusCode.Error, error);
    }

    /// <summary>A sweep that has work to do is a trace of its own; idle sweeps (every poll) are not traced.</summary>
    public static Activity? StartSweep() => Source.StartActivity("sweep", ActivityKind.Internal, parentContext: default);

    public static void Swept(Activity? sweep, IReadOnlyList<ActivationRequest> settled)
    {
        TimedOut(settled);
        sweep?.SetTag(SweepSettled, settled.Count);
    }
}
