namespace Pim.Domain;

public enum PrincipalKind { User, Guest, ServicePrincipal, Group }

/// <summary>
/// A user, guest, service principal or group, as synced from the directory. A principal that is not
/// <see cref="Enabled"/> (a leaver, a blocked account) holds nothing: its assignments grant no access until it is
/// enabled again, its open activations are revoked, and it can neither activate nor approve.
/// </summary>
/// <param name="MemberOf">The groups the principal is a member of <em>directly</em>, as the directory says (what a
/// sync writes).</param>
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
    /// <summary>The most groups a principal may be a direct member of (as Pim knows them: the groups that matter for its roles).</summary>
    public const int MaximumMemberOf = 100;
    /// <summary>The most groups a principal may be a member of directly and through nested groups.</summary>
    public const int MaximumTransitiveMemberOf = 500;
    /// <summary>How deep groups nest: a membership through more than this many groups in a row is refused.</summary>
    public const int MaximumNestingDepth = 8;
    /// <summary>The most direct members one group may have.</summary>
    public const int MaximumMembers = 10_000;

    /// <summary>
    /// Every group the principal is a member of, directly or through nested groups (Microsoft Graph's
    /// <c>transitiveMemberOf</c>): what the principal inherits roles from, what makes it an approver through a group, and
    /// what a grant made through a group's eligibility stands on. Read from the store's closure of memberships; a
    /// principal being written carries what it had.
    /// </summary>
    public IReadOnlyList<string> TransitiveMemberOf { get; init; } = MemberOf;

    /// <summary>Whether the principal is a member of the group, directly or through nested groups.</summary>
    public bool IsMemberOf(string groupId) => TransitiveMemberOf.Contains(groupId);

    /// <summary>
    /// The groups the principal is a member of as the directory says — directly or through nested groups, but not through a
    /// membership held through PIM. What a condition reads (auto-approval's <c>memberOf</c>: a fact the requester did not just
    /// create) and what a membership held through PIM may stand on (<see cref="Eligibility.Usable"/>: one level deep).
    /// </summary>
    public IReadOnlyList<string> DirectoryMemberOf { get; init; } = MemberOf;

    public bool IsDirectoryMemberOf(string groupId) => DirectoryMemberOf.Contains(groupId);

    /// <summary>What a provisioning client (SCIM) names the principal by: a user's sign-in name, unique in the tenant.</summary>
    public string? UserName { get; init; }

    /// <summary>The provisioning client's own id for the principal (SCIM <c>externalId</c>), unique in the tenant.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The directory attributes Pim keeps but does not read (SCIM: name, emails, phone numbers, the enterprise extension, …): a JSON object.</summary>
    public string? Attributes { get; init; }

    /// <summary>Counts every change of the principal as a resource (its attributes, its members, its groups): the ETag of SCIM.</summary>
    public int Version { get; init; } = 1;

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A group the principal is a member of: directly (depth 1) or through nested groups.</summary>
/// <param name="Depth">1 for a direct membership; n when it comes through n - 1 nested groups (the shortest way).</param>
/// <param name="Via">For an inherited membership, the principal's own (direct) group it comes through; null when direct.</param>
public sealed record Membership(string GroupId, string DisplayName, int Depth, string? Via);

/// <summary>A direct member of a group.</summary>
public sealed record GroupMember(string Id, PrincipalKind Kind, string DisplayName);

/// <summary>
/// A change of a group's direct members (SCIM's <c>members</c>): the members to add and to remove, or, with
/// <see cref="Replace"/>, exactly <see cref="Add"/>.
/// </summary>
public sealed record MemberChange(IReadOnlyCollection<string> Add, IReadOnlyCollection<string> Remove, bool Replace = false)
{
    public static readonly MemberChange None = new([], []);
    public bool IsEmpty => !Replace && Add.Count == 0 && Remove.Count == 0;
}

/// <summary>Principal kinds as they are written on the wire and in the store.</summary>
public static class PrincipalKinds
{
    public static string ToText(PrincipalKind kind) => kind == PrincipalKind.ServicePrincipal ? "servicePrincipal" : kind.ToString().ToLowerInvariant();

    public static PrincipalKind? Parse(string? text) =>
        Enum.GetValues<PrincipalKind>().Select(k => (PrincipalKind?)k).FirstOrDefault(k => ToText(k!.Value) == text);
}
