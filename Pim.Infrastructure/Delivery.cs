using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using Pim.Domain;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pim.Infrastructure;

public sealed class EmailOptions
{
    public string From { get; set; } = "Pim <pim@localhost>";
    /// <summary>Where .eml files are written when no SMTP host is set (the embedded default).</summary>
    public string PickupDirectory { get; set; } = "data/mail";
    public SmtpOptions Smtp { get; set; } = new();

    public sealed class SmtpOptions
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 587;
        /// <summary>MailKit's SecureSocketOptions: Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.</summary>
        public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;
        public string? Username { get; set; }
        public string? Password { get; set; }
    }
}

public interface IEmailSender
{
    Task SendAsync(string messageId, EmailPayload email, CancellationToken ct);
}

/// <summary>Builds the RFC 5322 message once, for either transport.</summary>
internal static class Mime
{
    public static MimeMessage Create(EmailOptions options, string messageId, EmailPayload email)
    {
        var message = new MimeMessage { Subject = email.Subject, MessageId = $"{messageId}@pim" };
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var to in email.To) message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain") { Text = email.Body };
        return message;
    }
}

/// <summary>The embedded default: each email is an .eml file in the pickup directory, named by its message id (a
/// second delivery of the same message rewrites the same file).</summary>
public sealed class PickupDirectoryEmailSender(EmailOptions options) : IEmailSender
{
    public async Task SendAsync(string messageId, EmailPayload email, CancellationToken ct)
    {
        Directory.CreateDirectory(options.PickupDirectory);
        var path = Path.Combine(options.PickupDirectory, messageId + ".eml");
        var temporary = path + ".tmp";
        await Mime.Create(options, messageId, email).WriteToAsync(temporary, ct);
        File.Move(temporary, path, overwrite: true);
    }
}

public sealed class SmtpEmailSender(EmailOptions options) : IEmailSender
{
    public async Task SendAsync(string messageId, EmailPayload email, CancellationToken ct)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(options.Smtp.Host!, options.Smtp.Port, options.Smtp.Security, ct);
        if (!string.IsNullOrEmpty(options.Smtp.Username)) await client.AuthenticateAsync(options.Smtp.Username, options.Smtp.Password ?? "", ct);
        await client.SendAsync(Mime.Create(options, messageId, email), ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary><c>Pim:Notifications</c>: the bound on fan-out emails per role (see <see cref="NotificationLimits"/>).</summary>
public sealed class NotificationLimitOptions
{
    public int MaxPerRolePerWindow { get; set; } = NotificationLimits.Default.MaxPerRolePerWindow;
    public TimeSpan Window { get; set; } = NotificationLimits.Default.Window;
}

public sealed class WebhookOptions
{
    /// <summary>Development only: http and loopback targets are allowed (for local receivers).</summary>
    public bool AllowInsecureTargets { get; set; }
}

/// <summary>
/// Webhook targets must be https and resolve only to public unicast addresses (<see cref="PublicAddresses"/>), checked
/// when the webhook is created and again, by the same function, on every connection (DNS rebinding); no proxy is used.
/// </summary>
public sealed class WebhookUrlPolicy(WebhookOptions options) : IWebhookUrlPolicy
{
    public async Task<string?> RefusalAsync(Uri url, CancellationToken ct)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return "A webhook URL must be an absolute http(s) URL.";
        if (!string.IsNullOrEmpty(url.UserInfo)) return "A webhook URL must not carry credentials.";
        if (options.AllowInsecureTargets) return null;
        if (url.Scheme != Uri.UriSchemeHttps) return "A webhook URL must use https.";
        IPAddress[] addresses;
        try { addresses = IPAddress.TryParse(url.DnsSafeHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(url.DnsSafeHost, ct); }
        catch (SocketException) { return $"The host '{url.Host}' does not resolve."; }
        return addresses.Length == 0 ? $"The host '{url.Host}' does not resolve."
            : addresses.FirstOrDefault(a => !PublicAddresses.IsPublicUnicast(a)) is { } bad
                ? $"The host '{url.Host}' resolves to a non-public address ({bad})." : null;
    }

    /// <summary>An HTTP handler that refuses to connect to a non-public address, whatever DNS answered at creation.</summary>
    public static SocketsHttpHandler Handler(WebhookOptions options) => new()
    {
        // A proxy would make the connection to itself and reach the target on Pim's behalf, past the check below.
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            // Only addresses the policy allows; if DNS answers a mix, the non-public ones are never tried.
            var allowed = options.AllowInsecureTargets ? addresses : addresses.Where(PublicAddresses.IsPublicUnicast).ToArray();
            if (allowed.Length == 0) throw new HttpRequestException($"Refusing to connect to '{context.DnsEndPoint.Host}': not a public address.");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

public sealed class WebhookRepository(DbSession db) : IWebhooks
{
    private sealed class WebhookRow
    {
        public string TenantId { get; set; } = "";
        public string WebhookId { get; set; } = "";
        public string Url { get; set; } = "";
        public string EventTypes { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";

        public WebhookSubscription ToDomain() => new(TenantId, WebhookId, Url, EventTypes.Split(',', StringSplitOptions.RemoveEmptyEntries), CreatedAt, CreatedBy);
    }

    private const string Select = "SELECT tenant_id, webhook_id, url, event_types, created_at, created_by FROM webhook_subscriptions";

    public async Task InsertAsync(WebhookSubscription w, string secret, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO webhook_subscriptions (tenant_id, webhook_id, url, event_types, secret, created_at, created_by)
            VALUES (@TenantId, @Id, @Url, @types, @secret, @CreatedAt, @CreatedBy)
            """;
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(db.Command(sql, new { w.TenantId, w.Id, w.Url, types = "," + string.Join(',', w.EventTypes) + ",", secret, w.CreatedAt, w.CreatedBy }, ct));
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string tenantId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<WebhookRow>(db.Command(Select + " WHERE tenant_id = @tenantId ORDER BY webhook_id", new { tenantId }, ct)))
            .Select(r => r.ToDomain()).ToList();
    }

    public async Task<WebhookSubscription?> FindAsync(string tenantId, string webhookId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<WebhookRow>(db.Command(Select + " WHERE tenant_id = @tenantId AND webhook_id = @webhookId",
            new { tenantId, webhookId }, ct)))?.ToDomain();
    }

    public async Task<bool> DeleteAsync(string tenantId, string webhookId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(db.Command("DELETE FROM webhook_subscriptions WHERE tenant_id = @tenantId AND webhook_id = @webhookId",
            new { tenantId, webhookId }, ct)) == 1;
    }

    public async Task<string?> FindSecretAsync(string tenantId, string webhookId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(db.Command(
            "SELECT secret FROM webhook_subscriptions WHERE tenant_id = @tenantId AND webhook_id = @webhookId", new { tenantId, webhookId }, ct));
    }
}

/// <summary>POSTs a CloudEvent signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature).</summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time)
{
    public const string HttpClientName = "pim-webhooks";

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var signature = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return "v1," + Convert.ToBase64String(signature);
    }

    public async Task SendAsync(string messageId, WebhookPayload payload, string secret, CancellationToken ct)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, payload.Url)
        {
            Content = new StringContent(payload.Body, Encoding.UTF8, "application/cloudevents+json"),
        };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Sign(secret, messageId, timestamp, payload.Body));
        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The receiver answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
    }
}

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

/// <summary>Claims due outbox messages, delivers them through a Polly pipeline, and records the outcome.</summary>
public sealed class OutboxDispatcher
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IEmailSender _email;
    private readonly WebhookSender _webhooks;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly ResiliencePipeline _pipeline;

    public OutboxDispatcher(IServiceScopeFactory scopes, IEmailSender email, WebhookSender webhooks, OutboxOptions options, TimeProvider time,
        ILogger<OutboxDispatcher> logger)
    {
        (_scopes, _email, _webhooks, _options, _time, _logger) = (scopes, email, webhooks, options, time, logger);
        // Network time is wall-clock time: the pipeline's timeout and quick retries run on the system clock.
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.QuickRetries, 1),
                ShouldHandle = args => ValueTask.FromResult(options.QuickRetries > 0 && args.Outcome.Exception is HttpRequestException or IOException or TimeoutRejectedException),
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
        await using var scope = _scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<OutboxRepository>();
        var webhooks = scope.ServiceProvider.GetRequiredService<WebhookRepository>();
        var claimed = await outbox.ClaimAsync(_options.BatchSize, _options.Lease, ct);
        for (var i = 0; i < claimed.Count; i++)
        {
            var message = claimed[i];
            if (ct.IsCancellationRequested)
            {
                foreach (var rest in claimed.Skip(i)) await outbox.ReleaseAsync(rest, CancellationToken.None);
                break;
            }
            try
            {
                await _pipeline.ExecuteAsync(async token => await DeliverAsync(webhooks, message, token), ct);
                await outbox.MarkDeliveredAsync(message, CancellationToken.None);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await outbox.ReleaseAsync(message, CancellationToken.None);
            }
            catch (Exception e)
            {
                var error = e is TimeoutRejectedException ? $"No answer within {_options.DeliveryTimeout.TotalSeconds:0.#} s." : e.Message;
                if (message.Attempts >= _options.MaxAttempts || e is PermanentDeliveryException)
                {
                    _logger.LogError(e, "Notification {MessageId} failed after {Attempts} attempt(s): {Error}", message.MessageId, message.Attempts, error);
                    await outbox.MarkFailedAsync(message, error, CancellationToken.None);
                }
                else
                {
                    var next = _time.Now() + Backoff(message.Attempts);
                    _logger.LogWarning("Notification {MessageId} attempt {Attempts} failed ({Error}); next attempt at {Next:O}",
                        message.MessageId, message.Attempts, error, next);
                    await outbox.RescheduleAsync(message, next, error, CancellationToken.None);
                }
            }
        }
        return claimed.Count;
    }

    /// <summary>Exponential backoff with ±20 % jitter: BaseDelay × 2^(attempt−1), at most MaxDelay.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponential = _options.BaseDelay.TotalSeconds * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = Math.Min(exponential, _options.MaxDelay.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private async Task DeliverAsync(WebhookRepository webhooks, ClaimedMessage message, CancellationToken ct)
    {
        switch (message.Kind)
        {
            case OutboxRepository.Email:
                await _email.SendAsync(message.MessageId, JsonSerializer.Deserialize<EmailPayload>(message.Payload, JsonSerializerOptions.Web)!, ct);
                break;
            case OutboxRepository.Webhook:
                var payload = JsonSerializer.Deserialize<WebhookPayload>(message.Payload, JsonSerializerOptions.Web)!;
                var secret = await webhooks.FindSecretAsync(message.TenantId, payload.WebhookId, ct)
                    ?? throw new PermanentDeliveryException($"Webhook '{payload.WebhookId}' was deleted.");
                await _webhooks.SendAsync(message.MessageId, payload, secret, ct);
                break;
            default:
                throw new PermanentDeliveryException($"Unknown message kind '{message.Kind}'.");
        }
    }
}

public sealed class PermanentDeliveryException(string message) : Exception(message);

/// <summary>Runs the outbox dispatcher until shutdown; on shutdown, in-flight messages are released, not lost.</summary>
public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, OutboxOptions options, ILogger<OutboxDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await dispatcher.DispatchOnceAsync(stoppingToken) > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogError(e, "Outbox dispatch failed; trying again shortly"); }
            try { await Task.Delay(options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}

/// <summary>Records what time alone changes: expired activations, timed-out approvals, scheduled activations that started.</summary>
public sealed class SweeperService(IServiceScopeFactory scopes, OutboxOptions options, ILogger<SweeperService> logger) : BackgroundService
{
    public const int BatchSize = 50;

    public static async Task<int> SweepOnceAsync(IServiceScopeFactory scopes, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await IdempotencyStore.PurgeAsync(services.GetRequiredService<Store>(), services.GetRequiredService<TimeProvider>().Now(), ct);
        return await services.GetRequiredService<ActivationService>().SweepAsync(BatchSize, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await SweepOnceAsync(scopes, stoppingToken) > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogError(e, "Sweep failed; trying again shortly"); }
            try { await Task.Delay(options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
