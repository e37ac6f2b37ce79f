namespace Pim.Domain;

/// <summary>What a directory filter may compare (SCIM's filterable attributes, mapped to the principal).</summary>
public enum DirectoryAttribute
{
    Id,
    /// <summary>A user's userName (its id when it has none), compared without case.</summary>
    UserName,
    ExternalId,
    /// <summary>Compared without case.</summary>
    DisplayName,
    /// <summary>The principal's email (a SCIM user's primary email), compared without case.</summary>
    Email,
    /// <summary>Enabled (SCIM <c>active</c>).</summary>
    Active,
    /// <summary>A direct member of the group (SCIM <c>members.value</c>).</summary>
    Member,
}

public enum FilterOperator { Equal, NotEqual, Contains, StartsWith, EndsWith, Present }

/// <summary>A filter over principals (SCIM filters, RFC 7644 §3.4.2.2, the part Pim answers), evaluated in the store.</summary>
public abstract record DirectoryFilter
{
    /// <summary>The most comparisons one filter may hold.</summary>
    public const int MaximumComparisons = 20;

    public sealed record Compare(DirectoryAttribute Attribute, FilterOperator Operator, string? Text = null, bool? Flag = null) : DirectoryFilter;
    public sealed record And(DirectoryFilter Left, DirectoryFilter Right) : DirectoryFilter;
    public sealed record Or(DirectoryFilter Left, DirectoryFilter Right) : DirectoryFilter;
    public sealed record Not(DirectoryFilter Inner) : DirectoryFilter;
}

/// <summary>
/// One page of the directory: of the given kinds, members of a group (directly, or also through nested groups), whose
/// display name, email or userName contains a text, matching a filter; after a key (keyset paging) or from an offset
/// (SCIM's startIndex), in id order.
/// </summary>
public sealed record PrincipalQuery(
    IReadOnlyCollection<PrincipalKind>? Kinds = null,
    string? MemberOf = null,
    bool Transitive = false,
    string? Text = null,
    DirectoryFilter? Filter = null,
    string? After = null,
    int Offset = 0,
    int Limit = Paging.DefaultPageSize)
{
    /// <summary>The longest text a search looks for.</summary>
    public const int MaximumTextLength = 100;
}
