namespace Pim.Domain;

/// <summary>What a validated bearer token says about its holder.</summary>
/// <param name="Platform">A token without a tenant whose subject the deployment names as one of its own services
/// (<c>Pim:Auth:PlatformIdentities</c>): it may use its service scopes in every tenant.</param>
public sealed record TokenFacts(string Subject, string? TenantId, IReadOnlySet<string> Scopes, bool Mfa, DateTimeOffset? AuthTime, bool Platform = false)
{
    public const string OperatorScope = "pim.operator";
    public const string EvaluateScope = "pim.evaluate";
}

/// <summary>A chat account a decision came through (Slack: the team and the user), recorded in its audit events.</summary>
public sealed record ChatIdentity(string Channel, string TeamId, string UserId)
{
    public const string Slack = "slack";
}

/// <summary>Where a request came from: reported in every audit event; <paramref name="Chat"/> when it came through chat.</summary>
public sealed record RequestOrigin(string? ClientIp, string? UserAgent, string? CorrelationId, ChatIdentity? Chat = null)
{
    public static readonly RequestOrigin None = new(null, null, null);
}

/// <summary>Who an audit event's actor is: a principal of the tenant, a service acting with a scope, or Pim itself.</summary>
public static class ActorKind
{
    public const string Principal = "principal";
    public const string Service = "service";
    public const string System = "system";
    public static readonly string[] All = [Principal, Service, System];
}

/// <summary>
/// The caller of one request, resolved against the tenant in the path: the principal it acts as
/// (its own id, or the guest that maps its home identity), its token facts and its origin.
/// </summary>
public sealed record Caller(string TenantId, string? PrincipalId, TokenFacts Token, RequestOrigin Origin)
{
    /// <summary>Pim itself, recording what time alone changed.</summary>
    public static Caller System(string tenantId) =>
        new(tenantId, null, new TokenFacts(AuditEvent.SystemActor, null, new HashSet<string>(), false, null), RequestOrigin.None) { IsSystem = true };

    public bool IsSystem { get; private init; }

    /// <summary>
    /// Service scopes are bound to a tenant: a token that names a tenant uses them only in that tenant; a token without
    /// one only when it is a platform identity of the deployment. Everyone else's scopes count for nothing here.
    /// </summary>
    public bool ServiceScopesApply => Token.TenantId is null ? Token.Platform : Token.TenantId == TenantId;

    public bool IsOperator => ServiceScopesApply && Token.Scopes.Contains(TokenFacts.OperatorScope);

    public bool IsEvaluator => ServiceScopesApply && Token.Scopes.Contains(TokenFacts.EvaluateScope);

    /// <summary>A token of another tenant acting as the guest that maps its home identity.</summary>
    public bool IsGuest => PrincipalId is not null && Token.TenantId is not null && Token.TenantId != TenantId;

    /// <summary>The id recorded as the actor in audit events.</summary>
    public string ActorId => PrincipalId ?? Token.Subject;

    /// <summary>Recorded beside <see cref="ActorId"/>, so that a service's subject is never mistaken for a principal or for Pim.</summary>
    public string ActorKind => IsSystem ? Domain.ActorKind.System
        : PrincipalId is null || IsOperator || IsEvaluator ? Domain.ActorKind.Service
        : Domain.ActorKind.Principal;

    public bool Is(string principalId) => PrincipalId == principalId;

    /// <summary>Directory sync: only the operator.</summary>
    public void RequireOperator()
    {
        if (!IsOperator) throw Refusal($"Directory sync requires the '{TokenFacts.OperatorScope}' scope.");
    }

    /// <summary>Refuses a caller that is neither the operator nor a principal of the tenant.</summary>
    public void RequireOperatorOrPrincipal()
    {
        if (!IsOperator) RequirePrincipal();
    }

    /// <summary>
    /// The refusal for a caller that may not do something: "forbidden" with <paramref name="detail"/> — except for a
    /// token of another tenant that maps to nobody here, which is told the tenant does not exist. Why: another tenant's
    /// data must look like "not found" (DESIGN §1), so a stranger learns nothing, not even that it lacks a right.
    /// </summary>
    public PimException Refusal(string detail) =>
        PrincipalId is null && Token.TenantId is not null ? Errors.NotFound($"Tenant '{TenantId}'") : Errors.Forbidden(detail);

    /// <summary>
    /// The principal the caller acts as. A token of another tenant that maps to no guest is told the tenant does not
    /// exist (another tenant's data looks like "not found"); a service token (no tenant) is told it may not.
    /// </summary>
    public string RequirePrincipal() =>
        PrincipalId ?? throw (Token.TenantId is null
            ? Errors.Forbidden("A service token acts as no principal of the tenant; this operation needs one.")
            : Errors.NotFound($"Tenant '{TenantId}'"));
}
