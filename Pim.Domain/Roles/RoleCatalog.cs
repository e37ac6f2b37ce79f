namespace Pim.Domain;

/// <summary>The built-in directory role catalog (kebab-case ids, as in Entra ID's built-in roles).</summary>
public static class RoleCatalog
{
    public const string GlobalAdministrator = "global-administrator";
    public const string PrivilegedRoleAdministrator = "privileged-role-administrator";
    public const string SecurityAdministrator = "security-administrator";
    public const string SecurityReader = "security-reader";
    public const string GlobalReader = "global-reader";

    public static IReadOnlyList<RoleDefinition> All { get; } =
    [
        new(GlobalAdministrator, "Global Administrator", "Can manage all aspects of the directory and the services that use it.", true),
        new(PrivilegedRoleAdministrator, "Privileged Role Administrator", "Can manage role assignments, role settings and PIM.", true),
        new(SecurityAdministrator, "Security Administrator", "Can manage security features, read security reports and approve activations.", true),
        new(SecurityReader, "Security Reader", "Can read security information and reports, including the PIM audit.", false),
        new(GlobalReader, "Global Reader", "Can read everything a Global Administrator can, but not change it.", false),
        new("exchange-administrator", "Exchange Administrator", "Can manage all aspects of Exchange Online.", true),
        new("sharepoint-administrator", "SharePoint Administrator", "Can manage all aspects of SharePoint Online.", true),
        new("teams-administrator", "Teams Administrator", "Can manage all aspects of Microsoft Teams.", true),
        new("intune-administrator", "Intune Administrator", "Can manage all aspects of Intune.", true),
        new("user-administrator", "User Administrator", "Can manage users and groups, and reset passwords of non-administrators.", true),
        new("helpdesk-administrator", "Helpdesk Administrator", "Can reset passwords of non-administrators and helpdesk administrators.", true),
        new("billing-administrator", "Billing Administrator", "Can make purchases, manage subscriptions and support tickets.", true),
        new("compliance-administrator", "Compliance Administrator", "Can manage compliance configuration and reports.", true),
        new(Owner, "Owner", "Full access to the resources at the scope, including granting access to others; of a group, administers PIM for its members.",
            true, Resource: true, AtGroups: true),
        new("contributor", "Contributor", "Can manage the resources at the scope, but not grant access.", true, Resource: true),
        new("reader", "Reader", "Can view the resources at the scope.", false, Resource: true),
        new(UserAccessAdministrator, "User Access Administrator", "Can manage who has access to the resources at the scope.", true, Resource: true),
        new(Member, "Member", "A member of the group: holds what the group holds, and counts wherever the group does, while the membership is active.",
            false, AtGroups: true),
    ];

    /// <summary>Membership of a group (<c>/groups/{groupId}</c>) held through PIM: just-in-time group membership.</summary>
    public const string Member = "member";

    public const string Owner = "owner";
    public const string UserAccessAdministrator = "user-access-administrator";

    /// <summary>Roles that administer PIM for a resource scope (besides the PIM administrators of the directory).</summary>
    public static readonly string[] ResourceAdministrators = [Owner, UserAccessAdministrator];

    private static readonly Dictionary<string, RoleDefinition> ById = All.ToDictionary(r => r.Id);

    public static RoleDefinition? Find(string roleId) => ById.GetValueOrDefault(roleId);

    public static RoleDefinition Get(string roleId) => Find(roleId) ?? throw Errors.NotFound($"Role '{roleId}'");

    /// <summary>Roles that administer PIM itself: sign-up, assignments, role settings.</summary>
    public static readonly string[] PimAdministrators = [GlobalAdministrator, PrivilegedRoleAdministrator];

    /// <summary>Roles that approve activations when a role's settings name no approvers.</summary>
    public static readonly string[] DefaultApprovers = [PrivilegedRoleAdministrator, SecurityAdministrator];

    /// <summary>Roles that may read the audit trail and every activation request.</summary>
    public static readonly string[] AuditReaders = [GlobalAdministrator, PrivilegedRoleAdministrator, SecurityAdministrator, SecurityReader];

    /// <summary>Roles that may read members and assignments.</summary>
    public static readonly string[] DirectoryReaders =
        [GlobalAdministrator, PrivilegedRoleAdministrator, SecurityAdministrator, SecurityReader, GlobalReader];
}
