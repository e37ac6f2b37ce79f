namespace Pim.Domain;

public enum AssignmentType { Eligible, Active }

/// <summary>A principal's standing (active) or just-in-time (eligible) membership of a role at a scope.</summary>
public sealed class RoleAssignment
{
    /// <summary>The most assignments one principal (a user, a group, …) may hold itself.</summary>
    public const int MaximumPerPrincipal = 500;
    /// <summary>The most a principal can hold in all: its own and those of each group it is a member of (directly or through nested groups).</summary>
    public const int MaximumHeldByPrincipal = MaximumPerPrincipal * (1 + Principal.MaximumTransitiveMemberOf);

    private RoleAssignment(string tenantId, string id, string principalId, string roleId, string scope, AssignmentType type,
        DateTimeOffset startsAt, DateTimeOffset? endsAt, string? justification, DateTimeOffset createdAt, string createdBy, int version, bool directorySync)
    {
        TenantId = tenantId;
        Id = id;
        PrincipalId = principalId;
        RoleId = roleId;
        Scope = scope;
        Type = type;
        StartsAt = startsAt;
        EndsAt = endsAt;
        Justification = justification;
        CreatedAt = createdAt;
        CreatedBy = createdBy;
        Version = version;
        DirectorySync = directorySync;
    }

    public string TenantId { get; }
    public string Id { get; }
    public string PrincipalId { get; }
    public string RoleId { get; }
    public string Scope { get; }
    public AssignmentType Type { get; private set; }
    public DateTimeOffset StartsAt { get; }
    /// <summary>Null: permanent.</summary>
    public DateTimeOffset? EndsAt { get; }
    public string? Justification { get; }
    public DateTimeOffset CreatedAt { get; }
    public string CreatedBy { get; }
    public int Version { get; private set; }
    /// <summary>Created by directory sync (the operator mirroring standing access), not through Pim.</summary>
    public bool DirectorySync { get; }
    /// <summary>When the holder and the role administrators are warned that the assignment ends; null: no warning pending.</summary>
    public DateTimeOffset? ExpiryWarningAt { get; private set; }
    /// <summary>When that warning was sent (it is sent once).</summary>
    public DateTimeOffset? ExpiryWarnedAt { get; private set; }
    /// <summary>
    /// For a group's role granted through Pim, the roles the group conferred when it was granted or last made active
    /// (<see cref="GoverningPolicy"/>): what the grant was held to, and all that it confers (<see cref="GrantRevocation.EndOutgrownAsync"/>).
    /// </summary>
    public IReadOnlyList<GoverningRole> GovernedBy { get; private set; } = [];

    public bool IsPermanent => EndsAt is null;

    public bool IsInForceAt(DateTimeOffset instant) => StartsAt <= instant && (EndsAt is null || instant < EndsAt);

    /// <summary>
    /// A new assignment, held to the role's assignment rules (<paramref name="policy"/>). Only the two paths that mirror
    /// or seed the directory as it is pass null: directory sync of active assignments, and the first consenter's roles.
    /// </summary>
    /// <param name="expiryWarning">How long before its end the assignment is warned of (the role's settings); null: never.</param>
    public static RoleAssignment Create(string tenantId, string principalId, string roleId, string scope, AssignmentType type,
        DateTimeOffset startsAt, DateTimeOffset? endsAt, string? justification, DateTimeOffset now, string createdBy, RoleSettings? policy,
        bool directorySync = false, TimeSpan? expiryWarning = null, IReadOnlyList<GoverningRole>? governedBy = null)
    {
        if (endsAt is { } end && end <= startsAt)
            throw Errors.InvalidField("endsAt", "endsAt must be after startsAt.");
        policy?.EnsureAssignmentWindowAllowed(type, startsAt, endsAt);
        return new(tenantId, NewId.Next(), principalId, roleId, scope, type, startsAt, endsAt, justification, now, createdBy, 1, directorySync)
        {
            ExpiryWarningAt = ExpiryWarningRules.WarningAt(startsAt, endsAt, expiryWarning),
            GovernedBy = governedBy ?? [],
        };
    }

    public static RoleAssignment Rehydrate(string tenantId, string id, string principalId, string roleId, string scope, AssignmentType type,
        DateTimeOffset startsAt, DateTimeOffset? endsAt, string? justification, DateTimeOffset createdAt, string createdBy, int version,
        bool directorySync = false, DateTimeOffset? expiryWarningAt = null, DateTimeOffset? expiryWarnedAt = null,
        IReadOnlyList<GoverningRole>? governedBy = null) =>
        new(tenantId, id, principalId, roleId, scope, type, startsAt, endsAt, justification, createdAt, createdBy, version, directorySync)
        {
            ExpiryWarningAt = expiryWarningAt,
            ExpiryWarnedAt = expiryWarnedAt,
            GovernedBy = governedBy ?? [],
        };

    /// <summary>
    /// The role's warning window changed (<paramref name="window"/>): a warning not sent yet is due anew, or not at all.
    /// Returns whether anything changed.
    /// </summary>
    public bool RescheduleExpiryWarning(TimeSpan? window)
    {
        if (ExpiryWarnedAt is not null) return false;
        var at = ExpiryWarningRules.WarningAt(StartsAt, EndsAt, window);
        if (at == ExpiryWarningAt) return false;
        ExpiryWarningAt = at;
        return true;
    }

    /// <summary>
    /// Takes the expiry warning due at <paramref name="now"/>, recording it as sent; answers whether it still matters
    /// (the assignment has not ended yet). False when none is due.
    /// </summary>
    public bool TakeExpiryWarning(DateTimeOffset now)
    {
        if (ExpiryWarningAt is not { } due || due > now) return false;
        ExpiryWarningAt = null;
        ExpiryWarnedAt = now;
        return EndsAt > now;
    }

    /// <summary>Turns standing access into just-in-time access: the principal loses the role until it activates it.</summary>
    public void MakeEligible(RoleSettings policy, DateTimeOffset now) => ChangeType(AssignmentType.Active, AssignmentType.Eligible, policy, now);

    /// <summary>Turns an eligibility into standing access, if the role's rules allow standing access for its window.</summary>
    public void MakeActive(RoleSettings policy, DateTimeOffset now) => ChangeType(AssignmentType.Eligible, AssignmentType.Active, policy, now);

    /// <summary>What the group conferred when this grant was made (or changed) by someone who could grant all of it.</summary>
    public void GovernedNowBy(IReadOnlyList<GoverningRole> governedBy) => GovernedBy = governedBy;

    /// <summary>
    /// A standing membership of a group that has come to confer more than it was granted under falls back to an
    /// eligibility: its holder activates it, under the policy now in force, to hold the group's roles again. No rule of
    /// the role's stands in the way of taking standing access back.
    /// </summary>
    public void FallBackToEligible()
    {
        if (Type != AssignmentType.Active) return;
        Type = AssignmentType.Eligible;
        Version++;
    }

    /// <summary>A converted assignment is held to the rules of its new type, for what is left of its window.</summary>
    private void ChangeType(AssignmentType from, AssignmentType to, RoleSettings policy, DateTimeOffset now)
    {
        if (Type != from)
            throw new PimException(ErrorCodes.InvalidStateTransition,
                $"Assignment '{Id}' is {Type.ToString().ToLowerInvariant()}; only an {from.ToString().ToLowerInvariant()} assignment can be made {to.ToString().ToLowerInvariant()}.");
        policy.EnsureAssignmentWindowAllowed(to, StartsAt > now ? StartsAt : now, EndsAt);
        Type = to;
        Version++;
    }
}

/// <summary>Assignment types as they are written on the wire and in the store.</summary>
public static class AssignmentTypes
{
    public static string ToText(AssignmentType type) => type == AssignmentType.Eligible ? "eligible" : "active";

    public static AssignmentType? Parse(string? text) => text switch
    {
        "eligible" => AssignmentType.Eligible,
        "active" => AssignmentType.Active,
        _ => null,
    };
}
