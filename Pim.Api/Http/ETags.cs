namespace Pim.Api.Http;

/// <summary>ETag / If-Match over a resource's version (role settings, alert settings, SCIM resources): the ETag is the version, <c>"3"</c>.</summary>
public static class ETags
{
    public static string Of(int version) => $"\"{version}\"";

    /// <summary>The version an If-Match names (<c>"3"</c> or <c>W/"3"</c>); null without one; -1 when it names no version this API gave out.</summary>
    public static int? VersionOf(string? ifMatch) => string.IsNullOrWhiteSpace(ifMatch) ? null
        : int.TryParse(ifMatch.Trim().TrimStart('W', '/').Trim('"'), out var version) ? version : -1;
}
