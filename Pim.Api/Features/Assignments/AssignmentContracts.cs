using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Assignments;

public sealed record RoleAssignmentRequest(PrincipalId PrincipalId, RoleId RoleId, [Wire<Vocabulary.AssignmentType>] string Type, Scope? Scope = null,
    DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null, Justification? Justification = null)
{
    public NewAssignment ToNewAssignment() => new(PrincipalId.Text, RoleId.Text, Scope?.Text ?? ScopePath.Root, AssignmentTypes.Parse(Type)!.Value,
        Clock.Normalize(StartsAt), Clock.Normalize(EndsAt), Justification?.Text);
}

public sealed record RoleAssignmentResponse([Wire<Bounds.EntityId>] string Id, [Wire<PrincipalId>] string PrincipalId, [Wire<RoleId>] string RoleId,
    [Wire<Scope>] string Scope, [Wire<Vocabulary.AssignmentType>] string Type,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, Justification? Justification, DateTimeOffset CreatedAt, [Wire<Bounds.Subject>] string CreatedBy)
{
    public static RoleAssignmentResponse From(RoleAssignment a) => new(a.Id, a.PrincipalId, a.RoleId, a.Scope, AssignmentTypes.ToText(a.Type),
        a.StartsAt, a.EndsAt, WireValues.OrNull<Justification>(a.Justification), a.CreatedAt, a.CreatedBy);
}

public sealed record AssignmentUseResponse([Wire<Bounds.Subject>] string ClientId, [Wire<Vocabulary.ClientKind>] string ClientKind,
    bool NonInteractive, DateTimeOffset FirstUsedAt, DateTimeOffset LastUsedAt, [Between(0, long.MaxValue)] long Uses)
{
    public static AssignmentUseResponse From(AssignmentUse u) => new(u.ClientId, u.ClientKind, u.NonInteractive, u.FirstUsedAt, u.LastUsedAt, u.Uses);
}

public sealed record AssignmentUsageResponse([Wire<Bounds.EntityId>] string AssignmentId,
    [MaxItems(AssignmentUse.MaximumListed)] IReadOnlyList<AssignmentUseResponse> Items);

/// <summary>The assignment after (or, in a dry run, as it would be after) "make eligible", and what it breaks.</summary>
public sealed record MakeEligibleResponse([Wire<Bounds.EntityId>] string Id, [Wire<PrincipalId>] string PrincipalId, [Wire<RoleId>] string RoleId,
    [Wire<Scope>] string Scope, [Wire<Vocabulary.AssignmentType>] string Type, DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt, bool DryRun, [MaxItems(AssignmentUse.MaximumListed)] IReadOnlyList<AssignmentUseResponse> RecentNonInteractiveUse,
    [MaxItems(AssignmentUse.MaximumListed), Text(Rules.MaxJustification)] IReadOnlyList<string> Warnings)
{
    public static MakeEligibleResponse From(MakeEligibleOutcome outcome)
    {
        var a = outcome.Assignment;
        return new(a.Id, a.PrincipalId, a.RoleId, a.Scope, AssignmentTypes.ToText(a.Type), a.StartsAt, a.EndsAt, outcome.DryRun,
            outcome.RecentNonInteractiveUse.Select(AssignmentUseResponse.From).ToList(), outcome.Warnings);
    }
}

/// <summary>The filters and paging of <c>GET …/role-assignments</c>.</summary>
public sealed record AssignmentListQuery([Wire<PrincipalId>] string? PrincipalId, [Wire<RoleId>] string? RoleId,
    [Wire<Vocabulary.AssignmentType>] string? Type, [Between(1, Paging.MaximumPageSize)] int? PageSize,
    [Wire<Bounds.PageTokenSent>] string? PageToken)
{
    public AssignmentFilter ToFilter() => new(PrincipalId, RoleId, Type is null ? null : AssignmentTypes.Parse(Type), PageTokens.Decode(PageToken),
        PageTokens.Size(PageSize));
}
