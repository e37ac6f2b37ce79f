namespace Pim.Domain;

/// <summary>One append-only line of the audit trail: who, what, when, where and why.</summary>
public sealed record AuditEvent
{
    public long Id { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string ActorId { get; init; }
    /// <summary><see cref="Domain.ActorKind"/>: principal, service or system.</summary>
    public string ActorKind { get; init; } = Domain.ActorKind.Principal;
    /// <summary>The tenant of the actor's token: another tenant for a guest, null for a platform identity or Pim itself.</summary>
    public string? ActorTenantId { get; init; }
    public required string Action { get; init; }
    public required string TargetType { get; init; }
    public required string TargetId { get; init; }
    public string? PrincipalId { get; init; }
    public string? RoleId { get; init; }
    public string? Scope { get; init; }
    public string? Justification { get; init; }
    public string? TicketNumber { get; init; }
    public string? TicketSystem { get; init; }
    public string? ClientIp { get; init; }
    public string? UserAgent { get; init; }
    public string? CorrelationId { get; init; }
    /// <summary>Further facts as JSON, e.g. the old and new role settings.</summary>
    public string? Details { get; init; }

    /// <summary>The longest <see cref="Details"/>: the largest are old and new role settings, bounded by their own bounds.</summary>
    public const int MaxDetailsLength = 65_536;

    /// <summary>The actor of what time alone changes (expiry, timeout, a scheduled start).</summary>
    public const string SystemActor = "pim-system";

    public static AuditEvent For(Caller caller, DateTimeOffset now, string action, string targetType, string targetId) => new()
    {
        TenantId = caller.TenantId,
        OccurredAt = now,
        ActorId = caller.ActorId,
        ActorKind = caller.ActorKind,
        ActorTenantId = caller.Token.TenantId,
        Action = action,
        TargetType = targetType,
        TargetId = targetId,
        ClientIp = caller.Origin.ClientIp,
        UserAgent = caller.Origin.UserAgent,
        CorrelationId = caller.Origin.CorrelationId,
    };
}
