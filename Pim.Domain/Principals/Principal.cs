namespace Pim.Domain;

public enum PrincipalKind { User, Guest, ServicePrincipal, Group }

/// <summary>
/// A user, guest, service principal or group, as synced from the directory. A principal that is not
/// <see cref="Enabled"/> (a leaver, a blocked account) holds nothing: its assignments grant no access until it is
/// enabled again, its open activations are revoked, and it can neither activate nor approve.
/// </summary>
public sealed record Principal(
    string TenantId,
    string Id,
    PrincipalKind Kind,
    string DisplayName,
    string? Email,
    string? HomeTenantId,
    string? HomePrincipalId,
    IReadOnlyList<string> MemberOf,
    bool Enabled = true)
{
    /// <summary>The most groups a principal may be a member of (as Pim knows them: the groups that matter for its roles).</summary>
    public const int MaximumMemberOf = 100;
}

/// <summary>Principal kinds as they are written on the wire and in the store.</summary>
public static class PrincipalKinds
{
    public static string ToText(PrincipalKind kind) => kind == PrincipalKind.ServicePrincipal ? "servicePrincipal" : kind.ToString().ToLowerInvariant();

    public static PrincipalKind? Parse(string? text) =>
        Enum.GetValues<PrincipalKind>().Select(k => (PrincipalKind?)k).FirstOrDefault(k => ToText(k!.Value) == text);
}
