using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Assignments;

public sealed record RoleAssignmentRequest(PrincipalId PrincipalId, RoleId RoleId, string Type, Scope? Scope = null,
    DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null, Justification? Justification = null)
{
    public NewAssignment ToNewAssignment() => new(PrincipalId.Text, RoleId.Text, Scope?.Text ?? ScopePath.Root, AssignmentTypes.Parse(Type)!.Value,
        Clock.Normalize(StartsAt), Clock.Normalize(EndsAt), Justification?.Text);
}

public sealed record RoleAssignmentResponse(string Id, string PrincipalId, string RoleId, string Scope, string Type,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, Justification? Justification, DateTimeOffset CreatedAt, string CreatedBy)
{
    public static RoleAssignmentResponse From(RoleAssignment a) => new(a.Id, a.PrincipalId, a.RoleId, a.Scope, AssignmentTypes.ToText(a.Type),
        a.StartsAt, a.EndsAt, WireValues.OrNull<Justification>(a.Justification), a.CreatedAt, a.CreatedBy);
}

public sealed record AssignmentUseResponse(string ClientId, string ClientKind, bool NonInteractive, DateTimeOffset FirstUsedAt, DateTimeOffset LastUsedAt, long Uses)
{
    public static AssignmentUseResponse From(AssignmentUse u) => new(u.ClientId, u.ClientKind, u.NonInteractive, u.FirstUsedAt, u.LastUsedAt, u.Uses);
}

public sealed record AssignmentUsageResponse(string AssignmentId, IReadOnlyList<AssignmentUseResponse> Items);

/// <summary>The assignment after (or, in a dry run, as it would be after) "make eligible", and what it breaks.</summary>
public sealed record MakeEligibleResponse(string Id, string PrincipalId, string RoleId, string Scope, string Type, DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt, bool DryRun, IReadOnlyList<AssignmentUseResponse> RecentNonInteractiveUse, IReadOnlyList<string> Warnings)
{
    public static MakeEligibleResponse From(MakeEligibleOutcome outcome)
    {
        var a = outcome.Assignment;
        return new(a.Id, a.PrincipalId, a.RoleId, a.Scope, AssignmentTypes.ToText(a.Type), a.StartsAt, a.EndsAt, outcome.DryRun,
            outcome.RecentNonInteractiveUse.Select(AssignmentUseResponse.From).ToList(), outcome.Warnings);
    }
}

/// <summary>The filters and paging of <c>GET …/role-assignments</c>.</summary>
public sealed record AssignmentListQuery(string? PrincipalId, string? RoleId, string? Type, int? PageSize, string? PageToken)
{
    public AssignmentFilter ToFilter() => new(PrincipalId, RoleId, Type is null ? null : AssignmentTypes.Parse(Type), PageTokens.Decode(PageToken),
        PageTokens.Size(PageSize));
}
