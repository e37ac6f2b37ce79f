using Microsoft.Extensions.Logging;

namespace Pim.Infrastructure;

/// <summary>
/// The log messages of the store's side of Pim (the grant index and its change feed, notifications, background work),
/// each compiled once by <c>[LoggerMessage]</c>: no argument array, no boxing, nothing formatted unless its level is on.
/// Event ids: 1xxx access, 2xxx notifications, 3xxx background work.
/// </summary>
public static partial class PimLog
{
    [LoggerMessage(1001, LogLevel.Warning, "Warming the grant index failed; tenants load as they are asked about")]
    public static partial void IndexWarmingFailed(this ILogger logger, Exception exception);

    [LoggerMessage(1002, LogLevel.Warning,
        "Tenant {TenantId} has {Entries} grant rows, more than Pim:Access:Cache:MaxEntries ({Max}): it is answered from the store")]
    public static partial void TenantTooLargeToHold(this ILogger logger, string tenantId, int entries, int max);

    [LoggerMessage(1003, LogLevel.Warning, "Loading the grants of tenant {TenantId} failed; it is answered from the store")]
    public static partial void TenantLoadFailed(this ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(1004, LogLevel.Information, "Listening to the grant change feed (backend {Backend})")]
    public static partial void FeedListening(this ILogger logger, int backend);

    [LoggerMessage(1005, LogLevel.Warning, "The grant change feed was lost; evaluations are answered from the store until it is back")]
    public static partial void FeedLost(this ILogger logger, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "The grant change feed failed; evaluations are answered from the store until it is back")]
    public static partial void FeedFailed(this ILogger logger, Exception exception);

    [LoggerMessage(2001, LogLevel.Error, "Notification {MessageId} (written by trace {CauseTraceId}) failed after {Attempts} attempt(s): {Error}")]
    public static partial void DeliveryFailed(this ILogger logger, Exception exception, string messageId, string causeTraceId, int attempts, string error);

    [LoggerMessage(2002, LogLevel.Warning,
        "Notification {MessageId} (written by trace {CauseTraceId}) attempt {Attempts} failed ({Error}); next attempt at {Next:O}")]
    public static partial void DeliveryRescheduled(this ILogger logger, string messageId, string causeTraceId, int attempts, string error, DateTimeOffset next);

    [LoggerMessage(2003, LogLevel.Warning, "Notification {MessageId} leaves out recipients that are not one mailbox: {Refused}")]
    public static partial void RecipientsLeftOut(this ILogger logger, string messageId, IReadOnlyList<string> refused);

    [LoggerMessage(2004, LogLevel.Error, "Outbox dispatch failed; trying again shortly")]
    public static partial void DispatchFailed(this ILogger logger, Exception exception);

    [LoggerMessage(2005, LogLevel.Warning, "Email '{Subject}' skips recipients without an email address that is one mailbox: {Skipped}")]
    public static partial void RecipientsSkipped(this ILogger logger, string subject, IReadOnlyList<string> skipped);

    [LoggerMessage(3001, LogLevel.Error, "Sweep failed; trying again shortly")]
    public static partial void SweepFailed(this ILogger logger, Exception exception);

    [LoggerMessage(3002, LogLevel.Warning, "Could not write assignment usage")]
    public static partial void UsageNotWritten(this ILogger logger, Exception exception);
}
