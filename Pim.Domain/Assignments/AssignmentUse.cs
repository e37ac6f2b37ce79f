namespace Pim.Domain;

/// <summary>One client an active assignment granted access to: a service asking Pim, or the principal itself.</summary>
public sealed record AssignmentUse(string ClientId, string ClientKind, DateTimeOffset FirstUsedAt, DateTimeOffset LastUsedAt, long Uses)
{
    public const string ServiceKind = "service";
    /// <summary>A principal's use whose principal is no longer known (else its kind: user, guest, servicePrincipal, group).</summary>
    public const string PrincipalKind = "principal";
    /// <summary>The most clients a usage report lists (the most recent).</summary>
    public const int MaximumListed = 100;

    /// <summary>Scripts and services, not people: a pim.evaluate caller, or a service principal asking about itself.</summary>
    public bool NonInteractive => ClientKind is ServiceKind or "servicePrincipal";
}

/// <summary>Records, off the hot path, that an assignment granted access to a client.</summary>
public interface IUsageRecorder
{
    void Record(string tenantId, string assignmentId, string clientId, DateTimeOffset at, bool service);
}

public interface IAssignmentUsage
{
    /// <summary>The clients that relied on the assignment, most recent first; a principal's kind tells whether it is a script.</summary>
    Task<IReadOnlyList<AssignmentUse>> ListAsync(string tenantId, string assignmentId, CancellationToken ct);
}

/// <summary>What "make eligible" does or would do: the assignment, and who relied on it lately.</summary>
public sealed record MakeEligibleOutcome(RoleAssignment Assignment, bool DryRun, IReadOnlyList<AssignmentUse> RecentNonInteractiveUse, IReadOnlyList<string> Warnings)
{
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(30);
}
