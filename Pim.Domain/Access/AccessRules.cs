namespace Pim.Domain;

/// <summary>Why an evaluation denied: told to the callers that may evaluate the principal.</summary>
public static class DenyReasons
{
    /// <summary>The directory knows no principal of that id (or not of the kind asked about).</summary>
    public const string UnknownPrincipal = "unknown-principal";
    /// <summary>The principal is disabled: it holds nothing.</summary>
    public const string PrincipalDisabled = "principal-disabled";
    /// <summary>A grant of the role ran out (an activation expired, an assignment ended) and nothing holds it now.</summary>
    public const string Expired = "expired";
    /// <summary>The principal may activate the role but has not (or its activation has not started).</summary>
    public const string EligibleNotActive = "eligible-not-active";
    /// <summary>Nothing gives the principal the role at the scope.</summary>
    public const string NotEligible = "not-eligible";

    public static readonly string[] All = [UnknownPrincipal, PrincipalDisabled, Expired, EligibleNotActive, NotEligible];
}

/// <summary>The rules of an evaluation's answer, as pure functions of what the store (or the grant index) knows.</summary>
public static class AccessRules
{
    /// <summary>
    /// Why a principal with no grant holds nothing. An ended grant speaks first (the caller learns that access ran out,
    /// not merely that it could be activated); then eligibility.
    /// </summary>
    public static string WhyNot(AccessStanding standing, PrincipalKind? askedKind = null) =>
        standing.Kind is null || (askedKind is not null && standing.Kind != askedKind) ? DenyReasons.UnknownPrincipal
        : !standing.Enabled ? DenyReasons.PrincipalDisabled
        : standing.Expired ? DenyReasons.Expired
        : standing.Eligible ? DenyReasons.EligibleNotActive
        : DenyReasons.NotEligible;

    /// <summary>A grant or eligibility is in force from its start until (excluding) its end; none is open-ended.</summary>
    public static bool InForce(DateTimeOffset startsAt, DateTimeOffset? endsAt, DateTimeOffset now) =>
        startsAt <= now && (endsAt is null || endsAt > now);

    /// <summary>Ran out by time at <paramref name="now"/>.</summary>
    public static bool Ended(DateTimeOffset? endsAt, DateTimeOffset now) => endsAt is not null && endsAt <= now;
}
