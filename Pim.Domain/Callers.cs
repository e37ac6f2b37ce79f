namespace Pim.Domain;

/// <summary>What a validated bearer token says about its holder.</summary>
public sealed record TokenFacts(string Subject, string? TenantId, IReadOnlySet<string> Scopes, bool Mfa, DateTimeOffset? AuthTime)
{
    public const string OperatorScope = "pim.operator";
    public const string EvaluateScope = "pim.evaluate";
}

/// <summary>Where a request came from: reported in every audit event.</summary>
public sealed record RequestOrigin(string? ClientIp, string? UserAgent, string? CorrelationId)
{
    public static readonly RequestOrigin None = new(null, null, null);
}

/// <summary>
/// The caller of one request, resolved against the tenant in the path: the principal it acts as
/// (its own id, or the guest that maps its home identity), its token facts and its origin.
/// </summary>
public sealed record Caller(string TenantId, string? PrincipalId, TokenFacts Token, RequestOrigin Origin)
{
    /// <summary>Pim itself, recording what time alone changed.</summary>
    public static Caller System(string tenantId) =>
        new(tenantId, null, new TokenFacts(AuditEvent.SystemActor, null, new HashSet<string>(), false, null), RequestOrigin.None);

    public bool IsOperator => Token.Scopes.Contains(TokenFacts.OperatorScope);

    /// <summary>A token of another tenant acting as the guest that maps its home identity.</summary>
    public bool IsGuest => PrincipalId is not null && Token.TenantId is not null && Token.TenantId != TenantId;
    public bool IsEvaluator => Token.Scopes.Contains(TokenFacts.EvaluateScope);

    /// <summary>The id recorded as the actor in audit events.</summary>
    public string ActorId => PrincipalId ?? Token.Subject;

    public bool Is(string principalId) => PrincipalId == principalId;

    /// <summary>
    /// The principal the caller acts as. A token of another tenant that maps to no guest is told the tenant does not
    /// exist (another tenant's data looks like "not found"); a service token (no tenant) is told it may not.
    /// </summary>
    /// <summary>Refuses a caller that is neither the operator nor a principal of the tenant.</summary>
    public void RequireOperatorOrPrincipal()
    {
        if (!IsOperator) RequirePrincipal();
    }

    public string RequirePrincipal() =>
        PrincipalId ?? throw (Token.TenantId is null
            ? Errors.Forbidden("A service token acts as no principal of the tenant; this operation needs one.")
            : Errors.NotFound($"Tenant '{TenantId}'"));
}
