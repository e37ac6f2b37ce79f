using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pim.Domain;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pim.Infrastructure;

/// <summary>Claims due outbox messages, delivers them through a Polly pipeline, and records the outcome.</summary>
public sealed class OutboxDispatcher
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IEmailSender _email;
    private readonly WebhookSender _webhooks;
    private readonly SlackDelivery _slack;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly ResiliencePipeline _pipeline;

    public OutboxDispatcher(IServiceScopeFactory scopes, IEmailSender email, WebhookSender webhooks, SlackDelivery slack, OutboxOptions options,
        TimeProvider time, ILogger<OutboxDispatcher> logger)
    {
        (_scopes, _email, _webhooks, _slack, _options, _time, _logger) = (scopes, email, webhooks, slack, options, time, logger);
        // Network time is wall-clock time: the pipeline's timeout and quick retries run on the system clock.
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.QuickRetries, 1),
                ShouldHandle = args => ValueTask.FromResult(options.QuickRetries > 0 && args.Outcome.Exception is HttpRequestException and not SlackRateLimitedException or IOException or TimeoutRejectedException),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.QuickRetryDelay,
            })
            .AddTimeout(options.DeliveryTimeout)
            .Build();
    }

    /// <summary>Delivers one batch; returns how many messages it handled. Cancelling releases undelivered messages.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        Activity.Current = null; // each delivery is a trace of its own (this method's change of the ambient span stays in it)
        await using var scope = _scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<OutboxRepository>();
        var webhooks = scope.ServiceProvider.GetRequiredService<WebhookRepository>();
        if (PimTelemetry.OutboxDepthObserved) PimTelemetry.CountedOutbox(await outbox.CountPendingAsync(ct));
        var claimed = await outbox.ClaimAsync(_options.BatchSize, _options.Lease, ct);
        var leased = Stopwatch.GetTimestamp();
        for (var i = 0; i < claimed.Count; i++)
        {
            var message = claimed[i];
            if (ct.IsCancellationRequested)
            {
                foreach (var rest in claimed.Skip(i)) await outbox.ReleaseAsync(rest, CancellationToken.None);
                break;
            }
            using var delivery = PimTelemetry.StartDelivery(message);
            try
            {
                await _pipeline.ExecuteAsync(async token => await DeliverAsync(scope.ServiceProvider, webhooks, message, token), ct);
                await MarkDeliveredAsync(outbox, message, leased, ct);
                PimTelemetry.DeliveryAttempted(delivery, message.Kind, PimTelemetry.Delivered);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await outbox.ReleaseAsync(message, CancellationToken.None);
            }
            catch (Exception e)
            {
                var error = e is TimeoutRejectedException ? $"No answer within {_options.DeliveryTimeout.TotalSeconds:0.#} s." : e.Message;
                var cause = ActivityContext.TryParse(message.TraceParent, null, out var request) ? request.TraceId.ToString() : "none";
                if (message.Attempts >= _options.MaxAttempts || e is PermanentDeliveryException)
                {
                    _logger.DeliveryFailed(e, message.MessageId, cause, message.Attempts, error);
                    await outbox.MarkFailedAsync(message, error, CancellationToken.None);
                    PimTelemetry.DeliveryAttempted(delivery, message.Kind, PimTelemetry.Failed, error);
                }
                else
                {
                    // Slack's 429 says when to call again (Retry-After); anything else backs off.
                    var next = _time.Now() + (e is SlackRateLimitedException limited ? limited.RetryAfter : Backoff(message.Attempts));
                    _logger.DeliveryRescheduled(message.MessageId, cause, message.Attempts, error, next);
                    await outbox.RescheduleAsync(message, next, error, CancellationToken.None);
                    PimTelemetry.DeliveryAttempted(delivery, message.Kind, PimTelemetry.Rescheduled, error);
                }
            }
        }
        return claimed.Count;
    }

    /// <summary>The wait before recording a delivery again when the store did not answer.</summary>
    public static readonly TimeSpan RecordRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Records that the message went out. When the store does not answer (a failover: the primary is gone, the new one not
    /// yet there) the message is out all the same, so the record is tried again until the store answers — as long as the
    /// claim's lease lasts (wall-clock time, as the delivery's), after which another dispatcher may claim the message and
    /// send it again. Otherwise an outage at the wrong moment would leave the message claimed, and send it twice once its
    /// lease ended.
    /// </summary>
    private async Task MarkDeliveredAsync(OutboxRepository outbox, ClaimedMessage message, long leased, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await outbox.MarkDeliveredAsync(message, CancellationToken.None);
                return;
            }
            catch (Exception e) when (Store.IsUnavailable(e) && !ct.IsCancellationRequested
                && Stopwatch.GetElapsedTime(leased) + RecordRetryDelay < _options.Lease)
            {
                if (attempt == 1)
                    _logger.LogWarning("Notification {MessageId} was sent but the store did not answer when it was recorded; recording it again until it does",
                        message.MessageId);
                await Task.Delay(RecordRetryDelay, CancellationToken.None);
            }
        }
    }

    /// <summary>Exponential backoff with ±20 % jitter: BaseDelay × 2^(attempt−1), at most MaxDelay.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponential = _options.BaseDelay.TotalSeconds * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = Math.Min(exponential, _options.MaxDelay.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private async Task DeliverAsync(IServiceProvider services, WebhookRepository webhooks, ClaimedMessage message, CancellationToken ct)
    {
        switch (message.Kind)
        {
            case NotificationKinds.Email:
                var email = JsonSerializer.Deserialize<EmailPayload>(message.Payload, JsonSerializerOptions.Web)!;
                // A recipient that is not one mailbox (queued before Pim held addresses to that, or stored behind its back)
                // is left out: it must not keep the others, the break-glass alarm's administrators above all, from the mail.
                var (mailboxes, refused) = Mime.Recipients(email.To);
                if (refused.Count > 0)
                    _logger.RecipientsLeftOut(message.MessageId, refused);
                if (mailboxes.Count == 0) throw new PermanentDeliveryException("No recipient of the email is one mailbox.");
                await _email.SendAsync(message.MessageId, email with { To = mailboxes }, ct);
                break;
            case NotificationKinds.Webhook:
                var payload = JsonSerializer.Deserialize<WebhookPayload>(message.Payload, JsonSerializerOptions.Web)!;
                var secret = await webhooks.FindSecretAsync(message.TenantId, payload.WebhookId, ct)
                    ?? throw new PermanentDeliveryException($"Webhook '{payload.WebhookId}' was deleted.");
                await _webhooks.SendAsync(message.MessageId, payload, secret, ct);
                break;
            case NotificationKinds.Slack:
                await _slack.DeliverAsync(services, message, ct);
                break;
            default:
                throw new PermanentDeliveryException($"Unknown message kind '{message.Kind}'.");
        }
    }
}

public sealed class PermanentDeliveryException(string message) : Exception(message);
