using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Principals;

/// <summary>A principal as the directory has it; <c>accountEnabled: false</c> (users, guests, service principals) makes it hold
/// nothing; left out, the account is enabled. <c>memberOf</c>: its direct groups.</summary>
public sealed record PrincipalRequest([Wire<Vocabulary.PrincipalKind>] string Kind, DisplayName DisplayName, EmailAddress? Email = null,
    TenantId? HomeTenantId = null, PrincipalId? HomePrincipalId = null,
    [MaxItems(Principal.MaximumMemberOf)] IReadOnlyList<PrincipalId>? MemberOf = null, bool? AccountEnabled = null,
    [property: Echo] [Wire<Bounds.EntityId>] string? Id = null, [property: Echo] [Wire<Bounds.Subject>] string? UserName = null,
    [property: Echo] [Wire<Bounds.Subject>] string? ExternalId = null)
{
    public Principal ToDomain(string tenantId, string principalId) => new(tenantId, principalId, PrincipalKinds.Parse(Kind)!.Value, DisplayName.Text, Email?.Text,
        HomeTenantId?.Text, HomePrincipalId?.Text, (MemberOf ?? []).Select(g => g.Text).Distinct().ToList(), AccountEnabled ?? true);
}

/// <param name="MemberOf">The principal's direct groups (GET …/memberships lists the inherited ones too).</param>
/// <param name="UserName">What a provisioning client (SCIM) names a user by; null for principals it did not provision.</param>
/// <param name="ExternalId">The provisioning client's own id for the principal (SCIM externalId).</param>
public sealed record PrincipalResponse([Wire<Bounds.EntityId>] string Id, [Wire<Vocabulary.PrincipalKind>] string Kind,
    [Wire<DisplayName>] string DisplayName, EmailAddress? Email, [Wire<TenantId>] string? HomeTenantId, [Wire<PrincipalId>] string? HomePrincipalId,
    [MaxItems(Principal.MaximumMemberOf), Wire<PrincipalId>] IReadOnlyList<string> MemberOf, bool AccountEnabled,
    [Wire<Bounds.Subject>] string? UserName, [Wire<Bounds.Subject>] string? ExternalId)
{
    public static PrincipalResponse From(Principal p) =>
        new(p.Id, PrincipalKinds.ToText(p.Kind), p.DisplayName, WireValues.OrNull<EmailAddress>(p.Email), p.HomeTenantId, p.HomePrincipalId, p.MemberOf, p.Enabled, p.UserName, p.ExternalId);
}

/// <summary>
/// The directory, a page at a time: <c>kind</c>; <c>memberOf</c> a group (its direct members, or with <c>transitive=true</c>
/// also the members of its nested groups); <c>text</c> found, without case, in the display name, email or userName.
/// </summary>
public sealed record PrincipalListQuery([Wire<Vocabulary.PrincipalKind>] string? Kind, [Wire<PrincipalId>] string? MemberOf, bool? Transitive,
    [Text(PrincipalQuery.MaximumTextLength)] string? Text, [Between(1, Paging.MaximumPageSize)] int? PageSize,
    [Wire<Bounds.PageTokenSent>] string? PageToken)
{
    public PrincipalQuery ToQuery() => new(Kinds: Kind is null ? null : [PrincipalKinds.Parse(Kind)!.Value], MemberOf: MemberOf,
        Transitive: Transitive ?? false, Text: string.IsNullOrEmpty(Text) ? null : Text, After: PageTokens.Decode(PageToken), Limit: PageTokens.Size(PageSize));
}

/// <summary>A group the principal is a member of: <c>depth</c> 1 directly, more through nested groups (the shortest way), then
/// <c>via</c> the principal's own group it comes through.</summary>
public sealed record MembershipResponse([Wire<PrincipalId>] string GroupId, [Wire<DisplayName>] string DisplayName,
    [Between(1, Principal.MaximumNestingDepth)] int Depth, [Wire<PrincipalId>] string? Via)
{
    public static MembershipResponse From(Membership m) => new(m.GroupId, m.DisplayName, m.Depth, m.Via);
}

public sealed record MembershipListResponse([Wire<PrincipalId>] string PrincipalId,
    [MaxItems(Principal.MaximumTransitiveMemberOf)] IReadOnlyList<MembershipResponse> Items);
