using System.Text.RegularExpressions;

namespace Pim.Domain;

public static class ScopeKind
{
    public const string Root = "root";
    public const string ManagementGroup = "managementGroup";
    public const string Subscription = "subscription";
    public const string ResourceGroup = "resourceGroup";
}

/// <summary>
/// Scope strings (DESIGN §1): <c>/</c>, <c>/managementGroups/{id}</c>, <c>/subscriptions/{id}</c>,
/// <c>/subscriptions/{id}/resourceGroups/{name}</c>. An assignment at a scope applies to all its descendants.
/// </summary>
public static partial class ScopePath
{
    public const string Root = "/";

    [GeneratedRegex("^/(managementGroups/[A-Za-z0-9][A-Za-z0-9._-]{0,89}|subscriptions/[A-Za-z0-9][A-Za-z0-9._-]{0,89}(/resourceGroups/[A-Za-z0-9][A-Za-z0-9._()-]{0,89})?)$")]
    private static partial Regex ResourceScope();

    public static bool IsValid(string? scope) => scope == Root || (scope is not null && ResourceScope().IsMatch(scope));

    public static string ManagementGroup(string id) => $"/managementGroups/{id}";
    public static string Subscription(string id) => $"/subscriptions/{id}";
    public static string ResourceGroup(string subscriptionId, string name) => $"/subscriptions/{subscriptionId}/resourceGroups/{name}";
}
