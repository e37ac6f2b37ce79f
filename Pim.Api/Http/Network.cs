using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pim.Api.Http;

/// <summary>
/// Where a request comes from. The connection's own address is kept before anything may rewrite it; X-Forwarded-For
/// is read only when the connection comes from a proxy named in <c>Pim:Network:TrustedProxies</c> (addresses or CIDR
/// networks). With none named, forwarded headers are ignored altogether: ASP.NET Core's middleware with empty lists
/// would believe every sender.
/// </summary>
public static class Network
{
    private const string ConnectionAddressKey = "pim.connection-address";

    public static void UseClientAddress(this WebApplication app, IConfiguration configuration)
    {
        var proxies = TrustedProxies(configuration);
        if (proxies.Count == 0) return; // nothing rewrites the connection's address (and a request's items cost ~0.25 KB)
        app.Use((http, next) =>
        {
            http.Items[ConnectionAddressKey] = http.Connection.RemoteIpAddress;
            return next(http);
        });
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies) options.KnownIPNetworks.Add(proxy);
        app.UseForwardedHeaders(options);
    }

    /// <summary>The proxies to believe; a malformed entry stops start-up. Blank entries (an unset variable) are skipped.</summary>
    public static IReadOnlyList<System.Net.IPNetwork> TrustedProxies(IConfiguration configuration) =>
        (configuration.GetSection("Pim:Network:TrustedProxies").Get<string[]>() ?? [])
        .Where(entry => !string.IsNullOrWhiteSpace(entry))
        .Select(entry => entry.Contains('/')
            ? System.Net.IPNetwork.TryParse(entry.Trim(), out var network) ? network : throw Malformed(entry)
            : IPAddress.TryParse(entry.Trim(), out var address) ? new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8) : throw Malformed(entry))
        .ToList();

    private static InvalidOperationException Malformed(string entry) =>
        new($"Pim:Network:TrustedProxies: '{entry}' is neither an IP address nor a CIDR network.");

    /// <summary>The address of the TCP connection itself, whatever any header says (kept before the forwarded headers are read, when a proxy is trusted).</summary>
    public static IPAddress? ConnectionAddress(this HttpContext http) =>
        http.Items.TryGetValue(ConnectionAddressKey, out var address) ? address as IPAddress : http.Connection.RemoteIpAddress;

    /// <summary>Development-only endpoints answer callers on this machine only, judged by the connection.</summary>
    public static bool IsLoopbackConnection(this HttpContext http) => http.ConnectionAddress() is { } ip && IPAddress.IsLoopback(ip);

    /// <summary>The client address for the audit: the connection's, or the one a trusted proxy forwarded.</summary>
    public static string? ClientAddress(this HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
