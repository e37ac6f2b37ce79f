using System.Net;
using System.Net.Sockets;
using Pim.Domain;

namespace Pim.Infrastructure;

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
