using System.Text.RegularExpressions;

namespace Pim.Domain;

public static class ScopeKind
{
    public const string Root = "root";
    public const string ManagementGroup = "managementGroup";
    public const string Subscription = "subscription";
    public const string ResourceGroup = "resourceGroup";
    public static readonly string[] All = [Root, ManagementGroup, Subscription, ResourceGroup];
}

/// <summary>
/// Scope strings (DESIGN §1): <c>/</c>, <c>/managementGroups/{id}</c>, <c>/subscriptions/{id}</c>,
/// <c>/subscriptions/{id}/resourceGroups/{name}</c>. An assignment at a scope applies to all its descendants.
/// A group of the directory is a scope of its own, <c>/groups/{groupId}</c>, outside the tree: nothing above it applies to it.
/// </summary>
public static partial class ScopePath
{
    public const string Root = "/";

    /// <summary>A management group's or subscription's id, or a resource group's name, as a segment of a scope.</summary>
    public const string SegmentPattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,89}$";
    public const int MaxSegmentLength = 90;

    public const string Pattern =
        "^/$|^/(managementGroups/[A-Za-z0-9][A-Za-z0-9._-]{0,89}|subscriptions/[A-Za-z0-9][A-Za-z0-9._-]{0,89}(/resourceGroups/[A-Za-z0-9][A-Za-z0-9._-]{0,89})?|groups/[A-Za-z0-9][A-Za-z0-9._@-]{0,127})$";
    public const string GroupPrefix = "/groups/";
    public const int MaxLength = 15 + MaxSegmentLength + 16 + MaxSegmentLength; // /subscriptions/{id}/resourceGroups/{name}

    [GeneratedRegex(Pattern)]
    private static partial Regex Scope();

    /// <summary>The whole string is a scope (a final newline is not: .NET's <c>$</c> would let it through).</summary>
    public static bool IsValid(string? scope) => scope is not null && Scope().Match(scope) is { Success: true } m && m.Length == scope.Length;

    public static string ManagementGroup(string id) => $"/managementGroups/{id}";
    public static string Subscription(string id) => $"/subscriptions/{id}";
    public static string ResourceGroup(string subscriptionId, string name) => $"/subscriptions/{subscriptionId}/resourceGroups/{name}";
    public static string Group(string groupId) => GroupPrefix + groupId;

    /// <summary>The group a group scope names; null for any other scope.</summary>
    public static string? GroupOf(string scope) => scope.StartsWith(GroupPrefix, StringComparison.Ordinal) ? scope[GroupPrefix.Length..] : null;

    /// <summary>The id (or name) a scope ends with; none for the root.</summary>
    public static string? LastSegment(string scope) => scope == Root ? null : scope[(scope.LastIndexOf('/') + 1)..];
}
