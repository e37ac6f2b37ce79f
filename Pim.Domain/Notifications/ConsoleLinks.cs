namespace Pim.Domain;

/// <summary>
/// Where the console shows a thing (<c>Pim:Console:PublicUrl</c>), so that every email can link to the page that acts
/// on it: a request, an approval, an access review's items. Without a public URL, emails carry no links. Identifiers
/// are escaped into the path; nothing else of the request reaches the URL.
/// </summary>
public sealed class ConsoleLinks(string? publicUrl)
{
    private readonly string? _base = string.IsNullOrWhiteSpace(publicUrl) ? null : publicUrl.TrimEnd('/');

    public static readonly ConsoleLinks None = new(null);

    public bool Enabled => _base is not null;

    public string? Request(string tenantId, string requestId) => Link(tenantId, "requests", requestId);

    public string? Approval(string tenantId, string requestId) => Link(tenantId, "approvals", requestId);

    public string? ReviewItems(string tenantId, string reviewId, string instanceId) =>
        _base is null ? null : $"{_base}/console/t/{Uri.EscapeDataString(tenantId)}/reviews/{Uri.EscapeDataString(reviewId)}/{Uri.EscapeDataString(instanceId)}";

    private string? Link(string tenantId, string page, string id) =>
        _base is null ? null : $"{_base}/console/t/{Uri.EscapeDataString(tenantId)}/{page}/{Uri.EscapeDataString(id)}";
}
