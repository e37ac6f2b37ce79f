namespace Pim.Domain;

public static class ManagementArea
{
    public const string DirectoryRoles = "directoryRoles";
    public const string Resources = "resources";
    public static readonly string[] All = [DirectoryRoles, Resources];
}

public sealed record SignUp(string Area, string Scope, DateTimeOffset SignedUpAt, string SignedUpBy);

/// <summary>A directory brought (or not yet brought) under PIM.</summary>
public sealed class Tenant
{
    /// <summary>Directory roles at '/', and resources at '/' or at any registered scope.</summary>
    public const int MaximumSignUps = 2 + ScopeNode.MaximumPerTenant;

    private readonly List<SignUp> _signUps;

    private Tenant(string id, string displayName, DateTimeOffset? consentedAt, string? consentedBy, List<SignUp> signUps)
    {
        Id = id;
        DisplayName = displayName;
        ConsentedAt = consentedAt;
        ConsentedBy = consentedBy;
        _signUps = signUps;
    }

    public string Id { get; }
    public string DisplayName { get; private set; }
    public DateTimeOffset? ConsentedAt { get; private set; }
    public string? ConsentedBy { get; private set; }
    public IReadOnlyList<SignUp> SignUps => _signUps;
    public bool HasConsented => ConsentedAt is not null;

    public static Tenant Create(string id, string displayName) => new(id, displayName, null, null, []);

    public static Tenant Rehydrate(string id, string displayName, DateTimeOffset? consentedAt, string? consentedBy, IEnumerable<SignUp> signUps) =>
        new(id, displayName, consentedAt, consentedBy, signUps.ToList());

    public void Rename(string displayName) => DisplayName = displayName;

    /// <summary>Records consent. Returns false when the tenant had already consented (consent is idempotent).</summary>
    public bool Consent(string principalId, DateTimeOffset now)
    {
        if (HasConsented) return false;
        ConsentedAt = now;
        ConsentedBy = principalId;
        return true;
    }

    public bool IsSignedUp(string area) => _signUps.Any(s => s.Area == area);

    /// <summary>Signs up a management area (resources: at a management group or subscription). Null when it already was.</summary>
    public SignUp? SignUp(string area, string scope, string principalId, DateTimeOffset now)
    {
        EnsureConsented();
        if (_signUps.Any(s => s.Area == area && s.Scope == scope)) return null;
        var signUp = new SignUp(area, scope, now, principalId);
        _signUps.Add(signUp);
        return signUp;
    }

    /// <summary>
    /// PIM manages the role at the scope: directory roles, and a group's roles, once directoryRoles is signed up; resource roles below a
    /// resources sign-up (<paramref name="ancestors"/>: the scope and its ancestors). Resource roles' tenant-wide settings
    /// need consent only.
    /// </summary>
    public void EnsureManaged(RoleDefinition role, IReadOnlyList<string> ancestors)
    {
        // A group is a directory object: its roles are managed once directory roles are signed up.
        if (role.Directory || (ancestors.Count > 0 && ScopePath.GroupOf(ancestors[0]) is not null))
        {
            EnsureSignedUp(ManagementArea.DirectoryRoles);
            return;
        }
        EnsureConsented();
        if (ancestors.Count == 1 && ancestors[0] == ScopePath.Root) return;
        if (!_signUps.Any(s => s.Area == ManagementArea.Resources && ancestors.Contains(s.Scope)))
            throw new PimException(ErrorCodes.SignUpRequired,
                $"No management group or subscription at or above '{ancestors.FirstOrDefault()}' is signed up for PIM: " +
                "an Owner or User Access Administrator of one signs it up for the area 'resources'.");
    }

    public void EnsureConsented()
    {
        if (!HasConsented)
            throw new PimException(ErrorCodes.ConsentRequired,
                $"Tenant '{Id}' has not consented to PIM. An active Global Administrator must consent first.");
    }

    public void EnsureSignedUp(string area)
    {
        EnsureConsented();
        if (!IsSignedUp(area))
            throw new PimException(ErrorCodes.SignUpRequired,
                $"Tenant '{Id}' has not signed up '{area}' for PIM: a Global or Privileged Role Administrator signs it up.");
    }
}
