namespace Pim.Infrastructure;

public sealed class OutboxOptions
{
    public int BatchSize { get; set; } = 20;
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>The wait before the second attempt; it doubles with each attempt (with ±20 % jitter) up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long one delivery may take (SMTP conversation, webhook POST).</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Quick in-process retries of a transient failure within one attempt.</summary>
    public int QuickRetries { get; set; } = 2;
    public TimeSpan QuickRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public bool BackgroundEnabled { get; set; } = true;
}
