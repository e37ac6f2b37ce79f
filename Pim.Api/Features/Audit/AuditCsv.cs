using System.Globalization;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Audit;

/// <summary>The audit trail as CSV (<see cref="Csv"/>: injection-safe in every locale).</summary>
public static class AuditCsv
{
    /// <summary>The longest value of an audit event's field (<see cref="AuditEventResponse"/>), and so the longest export.</summary>
    public const int MaxCell = 2048;

    private static readonly string[] Header =
    [
        "id", "occurredAt", "actorId", "actorKind", "actorTenantId", "action", "targetType", "targetId", "principalId", "roleId", "scope",
        "justification", "ticketNumber", "ticketSystem", "clientIp", "userAgent", "correlationId",
    ];

    public static readonly int MaxLength = Csv.MaxLength(Header.Length, MaxCell);

    public static string Write(IEnumerable<AuditEvent> events) => Csv.Write(Header, events.Select(e => (IReadOnlyList<string?>)
    [
        e.Id.ToString(CultureInfo.InvariantCulture), Csv.Instant(e.OccurredAt), e.ActorId, e.ActorKind, e.ActorTenantId, e.Action, e.TargetType, e.TargetId,
        e.PrincipalId, e.RoleId, e.Scope, e.Justification, e.TicketNumber, e.TicketSystem, e.ClientIp, e.UserAgent, e.CorrelationId,
    ]));
}
