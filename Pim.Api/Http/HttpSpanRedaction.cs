using System.Diagnostics;
using OpenTelemetry;

namespace Pim.Api.Http;

/// <summary>
/// A span about an HTTP call says where it went, never what it asked for, whatever instrumentation made it. An outbound
/// call (a webhook, the identity provider's metadata, any HttpClient) keeps <c>url.full</c> cut to scheme, host and
/// port — Slack and Teams put a webhook's credential in its path, others in its query — with <c>server.address</c> and
/// <c>server.port</c>, and loses <c>url.path</c>, <c>url.query</c> and the older <c>http.url</c> and <c>http.target</c>;
/// one named after its URL is named after its method. An inbound request keeps Pim's route template (<c>http.route</c>,
/// and the span's name: method and template) and loses its raw path and query — the ids in it (a principal's id may be
/// an email address) and whatever a client put in the query (a token, once). Applied as each span ends, before any
/// exporter added after it sees the span.
/// </summary>
public sealed class HttpSpanRedaction : BaseProcessor<Activity>
{
    private static readonly string[] Removed = ["url.path", "url.query", "http.target"];

    public override void OnEnd(Activity span)
    {
        if (span.Kind is not (ActivityKind.Client or ActivityKind.Server)) return;
        var method = span.GetTagItem("http.request.method") ?? span.GetTagItem("http.method");
        if (method is null && span.GetTagItem("url.full") is null && span.GetTagItem("http.url") is null) return; // not HTTP (a PostgreSQL command)
        foreach (var key in Removed) span.SetTag(key, null);
        if (span.Kind == ActivityKind.Server)
        {
            span.SetTag("url.full", null);
            span.SetTag("http.url", null);
            return;
        }
        foreach (var key in new[] { "url.full", "http.url" })
            if (span.GetTagItem(key) is { } url) span.SetTag(key, Origin($"{url}"));
        if (span.DisplayName.Contains('/') || span.DisplayName.Contains('?')) span.DisplayName = method?.ToString() ?? "HTTP";
    }

    /// <summary>Scheme, host and port of an absolute URL (no user info, path, query or fragment); null when it is none.</summary>
    public static string? Origin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host)
            ? uri.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.StrongPort, UriFormat.UriEscaped)
            : null;
}
