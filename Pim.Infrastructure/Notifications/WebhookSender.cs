using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pim.Infrastructure;

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
