using System.Globalization;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Audit;

public sealed record AuditEventResponse([Wire<Bounds.EntityId>] string Id, DateTimeOffset OccurredAt, [Wire<Bounds.Subject>] string ActorId,
    [Wire<Vocabulary.ActorKind>] string ActorKind, [Wire<Bounds.Subject>] string? ActorTenantId, [Wire<Vocabulary.AuditAction>] string Action,
    [Wire<Bounds.AuditTargetType>] string TargetType, [Wire<Bounds.AuditTargetId>] string TargetId,
    [Wire<PrincipalId>] string? PrincipalId, [Wire<RoleId>] string? RoleId, [Wire<Scope>] string? Scope, Justification? Justification,
    TicketNumber? TicketNumber, TicketSystem? TicketSystem,
    [Wire<Bounds.ClientIp>] string? ClientIp, [Text(Rules.MaxUserAgent)] string? UserAgent, [Wire<Bounds.CorrelationId>] string? CorrelationId,
    [Wire<Bounds.AuditDetails>] string? Details)
{
    public static AuditEventResponse From(AuditEvent e) => new(e.Id.ToString(CultureInfo.InvariantCulture), e.OccurredAt, e.ActorId, e.ActorKind, e.ActorTenantId, e.Action,
        e.TargetType, e.TargetId, e.PrincipalId, e.RoleId, e.Scope, WireValues.OrNull<Justification>(e.Justification), WireValues.OrNull<TicketNumber>(e.TicketNumber),
        WireValues.OrNull<TicketSystem>(e.TicketSystem), e.ClientIp, e.UserAgent,
        e.CorrelationId, e.Details);
}

/// <summary>The filters and paging of <c>GET …/audit-events</c>.</summary>
public sealed record AuditListQuery(DateTimeOffset? From, DateTimeOffset? To, [Wire<PrincipalId>] string? PrincipalId, [Wire<RoleId>] string? RoleId,
    [Wire<Vocabulary.AuditAction>] string? Action, [Between(1, Features.Audit.AuditEndpoints.MaximumCsvRows)] int? PageSize,
    [Wire<Bounds.PageTokenSent>] string? PageToken)
{
    /// <summary>The query, with a page of at most <paramref name="pageSize"/> events.</summary>
    public AuditQuery ToQuery(int pageSize) => new(Clock.Normalize(From), Clock.Normalize(To), PrincipalId, RoleId, Action, After(), pageSize);

    private long? After() => PageTokens.Decode(PageToken) is { } token
        ? long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
          : throw new PimException(ErrorCodes.InvalidPageToken, "pageToken is not a token this API gave out.")
        : null;
}
