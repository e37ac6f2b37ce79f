namespace Pim.Api.Console;

/// <summary>
/// Where the console sends a browser after sign-in, step-up or sign-out: only to one of its own pages. Anything else —
/// another host, a scheme, <c>//host</c>, <c>/\host</c>, a dot segment or an escaped slash, backslash, dot or percent in the path, a path outside <c>/console</c> —
/// becomes the console's home, so that no link can use Pim's sign-in as a redirector to somewhere else.
/// </summary>
public static class ReturnUrls
{
    public const string Home = "/console";

    public static string Safe(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2048) return Home;
        if (!(url == Home || url.StartsWith(Home + "/", StringComparison.Ordinal) || url.StartsWith(Home + "?", StringComparison.Ordinal))) return Home;
        // Nothing that a browser or a decoding step could read as another host, or as a way out of /console: no backslash
        // or control character anywhere, and in the path no empty segment, dot segment or encoded slash, backslash or dot
        // (the query, after '?', may carry encoded values such as a scope).
        if (url.Contains('\\') || url.Any(char.IsControl)) return Home;
        var path = url.Split('?', 2)[0];
        if (path.Contains("//", StringComparison.Ordinal) || path.Contains("/.", StringComparison.Ordinal)
            || new[] { "%2f", "%5c", "%2e", "%25" }.Any(escaped => path.Contains(escaped, StringComparison.OrdinalIgnoreCase))) return Home;
        return url;
    }
}
