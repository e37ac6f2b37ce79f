using System.Globalization;

namespace Pim.Domain;

/// <summary>
/// The security alerts Pim raises, by their kebab-case ids (on the wire, in the store, in the contract's enum). An alert
/// about who holds a role counts principals — users, guests and service principals, each once however many ways it holds
/// the role, a disabled one not at all — and every way it holds the role at the time of the scan: its own assignment; a
/// group's, through a membership of that group (the directory's, direct or nested, or one held just in time: an active
/// activation or an active assignment of <c>member</c> of the group or of a group nested in it); and, where the alert
/// counts eligible holders, a group's through a membership it is eligible for. Each alert says which ways it means.
/// </summary>
public static class AlertTypes
{
    /// <summary>
    /// Principals holding Global Administrator, eligibly or actively, beyond the maximum: every way — their own
    /// assignment, a group's through a membership they hold (directory, nested, just in time), and a group's through a
    /// membership they are eligible for (they can take Global Administrator by activating it: an eligible holder).
    /// </summary>
    public const string TooManyGlobalAdministrators = "too-many-global-administrators";
    /// <summary>
    /// Privileged roles whose settings at a scope let them be activated without MFA, with the eligible assignments they
    /// govern: about settings and assignments (a group's eligible assignment is one item, the group's), not holders.
    /// </summary>
    public const string RolesWithoutMfa = "roles-without-mfa";
    /// <summary>
    /// Standing access to a privileged role that directory sync created after the area was signed up: an active
    /// assignment of the role (a group's is one item), and an active assignment of <c>member</c> of a group that holds the
    /// role actively (itself, or through a group it is nested in) — a standing membership of a group holding a role
    /// standing is standing access to the role. About assignments: each once. A directory membership is the directory's
    /// own (it has no time it was made); the alerts about holders count the group's members.
    /// </summary>
    public const string RolesAssignedOutsidePim = "roles-assigned-outside-pim";
    /// <summary>A principal's activation requests of a role at a scope within the period, beyond the maximum: about requests.</summary>
    public const string RolesActivatedTooFrequently = "roles-activated-too-frequently";
    /// <summary>
    /// Privileged assignments older than the period, neither activated nor used within it: about assignments. A group's
    /// assignment is used when any member activates through it or is granted access by it (both are recorded against the
    /// group's assignment); it is one item, the group's.
    /// </summary>
    public const string UnusedPrivilegedRoles = "unused-privileged-roles";
    /// <summary>
    /// Holders of privileged roles, eligible or active, every way (as <see cref="TooManyGlobalAdministrators"/>), that Pim
    /// has not seen within the period.
    /// </summary>
    public const string StaleAccountsInPrivilegedRoles = "stale-accounts-in-privileged-roles";
    /// <summary>
    /// Principals holding Owner at a scope (assigned at it: an Owner of a scope above is counted there), eligibly or
    /// actively, every way (as <see cref="TooManyGlobalAdministrators"/>), beyond the maximum.
    /// </summary>
    public const string TooManyOwners = "too-many-owners";
    /// <summary>
    /// Principals holding Owner at a scope standing and for good, beyond the maximum: a permanent active assignment, their
    /// own or a group's through a membership that never ends (the directory's, or a permanent active assignment of
    /// <c>member</c>). An activation, a membership that ends and an eligibility are not standing.
    /// </summary>
    public const string TooManyPermanentOwners = "too-many-permanent-owners";
}

/// <summary>
/// What an alert watches for, which thresholds it reads (a count, a period, or both) with their defaults, and what to do
/// when it is raised. An incident of it is about one subject: a role at a scope.
/// </summary>
public sealed record AlertDefinition(string Type, string DisplayName, string RecommendedAction, int? DefaultMaximumCount, TimeSpan? DefaultPeriod)
{
    public bool UsesMaximumCount => DefaultMaximumCount is not null;
    public bool UsesPeriod => DefaultPeriod is not null;

    /// <summary>The settings of a tenant that has not changed them: every alert on, at its default thresholds.</summary>
    public AlertSettings Defaults => new(Type, true, DefaultMaximumCount, DefaultPeriod);
}

public static class AlertCatalog
{
    public static IReadOnlyList<AlertDefinition> All { get; } =
    [
        new(AlertTypes.TooManyGlobalAdministrators, "Too many Global Administrators",
            "Review who holds Global Administrator: remove it from those who do not need it, give them a less privileged role, " +
            "and make the rest eligible rather than permanently active.", DefaultMaximumCount: 5, DefaultPeriod: null),
        new(AlertTypes.RolesWithoutMfa, "Roles do not require multifactor authentication to activate",
            "Turn on activation.requireMfa in the role's settings at this scope, so that a stolen password alone cannot activate it.",
            DefaultMaximumCount: null, DefaultPeriod: null),
        new(AlertTypes.RolesAssignedOutsidePim, "Roles are being assigned outside of Pim",
            "Find out who assigned these roles in the directory; make the assignments eligible, or remove them, and assign " +
            "privileged roles through Pim.", DefaultMaximumCount: null, DefaultPeriod: null),
        new(AlertTypes.RolesActivatedTooFrequently, "Roles are being activated too frequently",
            "Ask the principals why they activate so often: lengthen the role's maximum activation duration if their work needs it, " +
            "or look for a script that activates the role.", DefaultMaximumCount: 10, DefaultPeriod: TimeSpan.FromDays(1)),
        new(AlertTypes.UnusedPrivilegedRoles, "Administrators are not using their privileged roles",
            "Remove the assignments (an access review with its recommendations does it in bulk), or make standing ones eligible.",
            DefaultMaximumCount: null, DefaultPeriod: TimeSpan.FromDays(30)),
        new(AlertTypes.StaleAccountsInPrivilegedRoles, "Potential stale accounts in a privileged role",
            "Check whether these accounts are still in use; remove their privileged assignments, or disable them in the directory.",
            DefaultMaximumCount: null, DefaultPeriod: TimeSpan.FromDays(90)),
        new(AlertTypes.TooManyOwners, "Too many owners of a resource",
            "Review the Owners of this scope: remove Owner from those who do not need it, or give them Contributor.",
            DefaultMaximumCount: 3, DefaultPeriod: null),
        new(AlertTypes.TooManyPermanentOwners, "Too many permanent owners of a resource",
            "Make the permanent Owners of this scope eligible, or give their assignments an end.",
            DefaultMaximumCount: 2, DefaultPeriod: null),
    ];

    public static IReadOnlyList<string> Types { get; } = All.Select(d => d.Type).ToList();

    private static readonly Dictionary<string, AlertDefinition> ByType = All.ToDictionary(d => d.Type);

    public static AlertDefinition? Find(string type) => ByType.GetValueOrDefault(type);

    public static AlertDefinition Get(string type) => Find(type) ?? throw Errors.NotFound($"Alert type '{type}'");

    /// <summary>Privileged roles of the catalog: what the alerts about privileged roles look at.</summary>
    public static IReadOnlyList<string> PrivilegedRoles { get; } = RoleCatalog.All.Where(r => r.Privileged).Select(r => r.Id).ToList();

    /// <summary>What an incident is about, in words: the alert's condition for its subject, with how many items it affects now.</summary>
    public static string Describe(AlertSettings settings, string roleId, string scope, int affected)
    {
        var role = RoleCatalog.Find(roleId)?.DisplayName ?? roleId;
        var max = settings.MaximumCount?.ToString(CultureInfo.InvariantCulture) ?? "-";
        var period = settings.Period is { } p ? IsoDuration.Format(p) : "-";
        return settings.AlertType switch
        {
            AlertTypes.TooManyGlobalAdministrators =>
                $"{affected} principal(s) hold {role}, eligibly or actively, themselves or through groups; the alert allows at most {max}.",
            AlertTypes.RolesWithoutMfa =>
                $"The settings of {role} at '{scope}' let it be activated without multifactor authentication ({affected} eligible assignment(s) at or below it).",
            AlertTypes.RolesAssignedOutsidePim =>
                $"{affected} active assignment(s) giving {role} at '{scope}' (of the role, or of membership of a group holding it) were created by directory sync after sign-up, outside Pim.",
            AlertTypes.RolesActivatedTooFrequently =>
                $"{affected} principal(s) activated {role} at '{scope}' more than {max} time(s) within {period}.",
            AlertTypes.UnusedPrivilegedRoles =>
                $"{affected} assignment(s) of {role} at '{scope}' were neither activated nor used within {period}.",
            AlertTypes.StaleAccountsInPrivilegedRoles =>
                $"{affected} principal(s) holding {role} at '{scope}' have not been seen by Pim within {period}.",
            AlertTypes.TooManyOwners =>
                $"{affected} principal(s) are Owners of '{scope}', themselves or through groups; the alert allows at most {max}.",
            AlertTypes.TooManyPermanentOwners =>
                $"{affected} principal(s) are permanent active Owners of '{scope}'; the alert allows at most {max}.",
            _ => throw new InvalidOperationException($"Unknown alert type '{settings.AlertType}'."),
        };
    }
}
