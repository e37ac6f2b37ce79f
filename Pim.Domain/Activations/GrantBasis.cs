namespace Pim.Domain;

/// <summary>Why an activation (or a request waiting for approval) no longer stands: recorded with its revocation.</summary>
public static class RevocationReasons
{
    public const string PrincipalDeleted = "principal-deleted";
    public const string PrincipalDisabled = "principal-disabled";
    public const string EligibilityRemoved = "eligibility-removed";
    public const string EligibilityMadeActive = "eligibility-made-active";
    public const string MembershipRemoved = "membership-removed";
    public const string ScopeMoved = "scope-moved";
    /// <summary>The group came to confer a role its membership was not granted under (<see cref="GrantRevocation.EndOutgrownAsync"/>).</summary>
    public const string ConferralGrew = "conferral-grew";
    /// <summary>Not a lost basis: a PIM administrator revoked the request, with a reason of their own.</summary>
    public const string RevokedByAdministrator = "revoked-by-administrator";
}

/// <summary>
/// A grant is only as alive as what it stands on (DESIGN §7): the principal (present and enabled), the eligible
/// assignment it was made through (still there, still eligible), the group membership that eligibility came through
/// (directly or through nested groups: leaving an intermediate group loses it; for a membership held through PIM, the
/// directory's membership only — <see cref="Eligibility.Usable"/> — so that no membership stands on itself), and the
/// eligibility's scope still at or above the request's. A pure function; access evaluation asks the same questions in SQL.
/// </summary>
public static class GrantBasis
{
    /// <param name="ancestors">The request's scope and its ancestors as the tree is now.</param>
    /// <returns>The reason the request no longer stands, or null when it does.</returns>
    public static string? Lost(ActivationRequest request, Principal? holder, RoleAssignment? eligibility, IReadOnlyList<string> ancestors)
    {
        if (holder is null) return RevocationReasons.PrincipalDeleted;
        if (!holder.Enabled) return RevocationReasons.PrincipalDisabled;
        if (eligibility is null) return RevocationReasons.EligibilityRemoved;
        if (eligibility.Type != AssignmentType.Eligible) return RevocationReasons.EligibilityMadeActive;
        if (eligibility.PrincipalId != request.PrincipalId && !holder.IsMemberOf(eligibility.PrincipalId))
            return RevocationReasons.MembershipRemoved;
        if (!Eligibility.Usable(eligibility, holder)) return RevocationReasons.MembershipRemoved;
        if (!ancestors.Contains(eligibility.Scope)) return RevocationReasons.ScopeMoved;
        return null;
    }
}
