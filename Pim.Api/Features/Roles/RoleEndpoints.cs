using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pim.Api.Infrastructure;
using Pim.Domain;

namespace Pim.Api.Features.Roles;

/// <summary>A role of the catalog; <c>kind</c> is <c>directory</c> (scope '/') or <c>resource</c> (management groups, subscriptions, resource groups).</summary>
public sealed record RoleResponse(string Id, string DisplayName, string Description, bool Privileged, string Kind)
{
    public static RoleResponse From(RoleDefinition r) => new(r.Id, r.DisplayName, r.Description, r.Privileged, r.Resource ? "resource" : "directory");
}
public sealed record RoleListResponse(IReadOnlyList<RoleResponse> Items);

public sealed record RoleMemberResponse(string AssignmentId, string PrincipalId, string? PrincipalKind, string? PrincipalDisplayName,
    string RoleId, string Scope, string Type, DateTimeOffset StartsAt, DateTimeOffset? EndsAt)
{
    public static RoleMemberResponse From(RoleMember m) => new(m.Assignment.Id, m.Assignment.PrincipalId,
        m.Principal is null ? null : PrincipalKinds.ToText(m.Principal.Kind), m.Principal?.DisplayName,
        m.Assignment.RoleId, m.Assignment.Scope, AssignmentTypes.ToText(m.Assignment.Type),
        m.Assignment.StartsAt, m.Assignment.EndsAt);
}

public sealed record ActivationSettingsDto(string MaximumDuration, bool RequireMfa, string? MfaMaxAge, bool RequireJustification,
    bool RequireTicket, bool RequireApproval, IReadOnlyList<string> Approvers, string ApprovalTimeout, bool? AllowGuests = null)
{
    public static ActivationSettingsDto From(ActivationRules a) => new(IsoDuration.Format(a.MaximumDuration), a.RequireMfa,
        a.MfaMaxAge is { } m ? IsoDuration.Format(m) : null, a.RequireJustification, a.RequireTicket, a.RequireApproval, a.Approvers,
        IsoDuration.Format(a.ApprovalTimeout), a.AllowGuests);

    /// <summary>allowGuests may be left out of a PUT: it then keeps the role's default.</summary>
    public ActivationRules ToDomain(string roleId) => new(IsoDuration.Parse(MaximumDuration), RequireMfa, MfaMaxAge is null ? null : IsoDuration.Parse(MfaMaxAge),
        RequireJustification, RequireTicket, RequireApproval, Approvers.Distinct().ToList(), IsoDuration.Parse(ApprovalTimeout),
        AllowGuests ?? RoleSettings.DefaultAllowGuests(roleId));
}

public sealed record AssignmentSettingsDto(bool AllowPermanentEligible, string MaximumEligibleDuration, bool AllowPermanentActive, string MaximumActiveDuration)
{
    public static AssignmentSettingsDto From(AssignmentRules a) => new(a.AllowPermanentEligible, IsoDuration.Format(a.MaximumEligibleDuration),
        a.AllowPermanentActive, IsoDuration.Format(a.MaximumActiveDuration));

    public AssignmentRules ToDomain() => new(AllowPermanentEligible, IsoDuration.Parse(MaximumEligibleDuration), AllowPermanentActive,
        IsoDuration.Parse(MaximumActiveDuration));
}

public sealed record OnActivationDto(bool NotifyRoleAdministrators, IReadOnlyList<string> AdditionalRecipients);
public sealed record OnApprovalNeededDto(bool NotifyApprovers);
public sealed record OnDecisionDto(bool NotifyRequester);
public sealed record OnAssignmentDto(bool NotifyAssignee);

/// <summary>Who is emailed. The last three are optional in a PUT and default to true.</summary>
public sealed record NotificationSettingsDto(OnActivationDto OnActivation, OnApprovalNeededDto? OnApprovalNeeded = null,
    OnDecisionDto? OnDecision = null, OnAssignmentDto? OnAssignment = null)
{
    public static NotificationSettingsDto From(NotificationRules n) => new(
        new OnActivationDto(n.OnActivation.NotifyRoleAdministrators, n.OnActivation.AdditionalRecipients),
        new OnApprovalNeededDto(n.OnApprovalNeeded.NotifyApprovers), new OnDecisionDto(n.OnDecision.NotifyRequester),
        new OnAssignmentDto(n.OnAssignment.NotifyAssignee));

    public NotificationRules ToDomain() => new(
        new ActivationNotification(OnActivation.NotifyRoleAdministrators, OnActivation.AdditionalRecipients.Distinct(StringComparer.OrdinalIgnoreCase).ToList()),
        new ApprovalNeededNotification(OnApprovalNeeded?.NotifyApprovers ?? true), new DecisionNotification(OnDecision?.NotifyRequester ?? true),
        new AssignmentNotification(OnAssignment?.NotifyAssignee ?? true));
}

/// <summary>A role's settings on the wire (DESIGN §4). Durations are ISO 8601.</summary>
public sealed record RoleSettingsDto(ActivationSettingsDto Activation, AssignmentSettingsDto Assignment, NotificationSettingsDto Notifications)
{
    public static RoleSettingsDto From(RoleSettings s) => new(ActivationSettingsDto.From(s.Activation), AssignmentSettingsDto.From(s.Assignment),
        NotificationSettingsDto.From(s.Notifications));

    public RoleSettings ToDomain(string roleId) => new(roleId, Activation.ToDomain(roleId), Assignment.ToDomain(), Notifications.ToDomain());
}

/// <summary>The settings in force at <c>scope</c>; <c>inheritedFrom</c> is the scope they were saved at ('/' also for the defaults).</summary>
public sealed record RoleSettingsResponse(string RoleId, string Scope, string InheritedFrom, ActivationSettingsDto Activation, AssignmentSettingsDto Assignment,
    NotificationSettingsDto Notifications)
{
    public static RoleSettingsResponse From(EffectiveRoleSettings effective)
    {
        var dto = RoleSettingsDto.From(effective.Settings);
        return new(effective.Settings.RoleId, effective.Scope, effective.InheritedFrom, dto.Activation, dto.Assignment, dto.Notifications);
    }
}

public sealed class RoleSettingsValidator : AbstractValidator<RoleSettingsDto>
{
    public RoleSettingsValidator()
    {
        RuleFor(s => s.Activation).NotNull();
        RuleFor(s => s.Assignment).NotNull();
        RuleFor(s => s.Notifications).NotNull();
        RuleFor(s => s.Notifications.OnActivation).NotNull().When(s => s.Notifications is not null);
        When(s => s.Activation is not null, () =>
        {
            RuleFor(s => s.Activation.MaximumDuration).NotEmpty().MustBeDuration()
                .Must(d => IsoDuration.TryParse(d, out var v) && v >= RoleSettings.MinimumActivationDuration && v <= RoleSettings.MaximumActivationDuration)
                .WithMessage("'maximumDuration' must be between PT30M and PT72H.");
            RuleFor(s => s.Activation.MfaMaxAge).MustBeDuration();
            RuleFor(s => s.Activation.ApprovalTimeout).NotEmpty().MustBeDuration()
                .Must(d => IsoDuration.TryParse(d, out var v) && v >= RoleSettings.MinimumApprovalTimeout && v <= RoleSettings.MaximumApprovalTimeout)
                .WithMessage("'approvalTimeout' must be between PT5M and P7D.");
            RuleFor(s => s.Activation.Approvers).NotNull().Must(a => a is null || a.Count <= RoleSettings.MaximumApprovers)
                .WithMessage($"At most {RoleSettings.MaximumApprovers} approvers.");
            RuleForEach(s => s.Activation.Approvers).NotEmpty().MustBeId();
        });
        When(s => s.Assignment is not null, () =>
        {
            RuleFor(s => s.Assignment.MaximumEligibleDuration).NotEmpty().MustBeDuration();
            RuleFor(s => s.Assignment.MaximumActiveDuration).NotEmpty().MustBeDuration();
        });
        When(s => s.Notifications?.OnActivation is not null, () =>
        {
            RuleFor(s => s.Notifications.OnActivation.AdditionalRecipients).NotNull()
                .Must(r => r is null || r.Count <= RoleSettings.MaximumRecipients).WithMessage($"At most {RoleSettings.MaximumRecipients} additional recipients.");
            RuleForEach(s => s.Notifications.OnActivation.AdditionalRecipients).NotEmpty().EmailAddress().MaximumLength(Rules.MaxEmail);
        });
    }
}

/// <summary>The role catalog, a role's members, and its settings.</summary>
public static class RoleEndpoints
{
    public static void MapRoles(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("/roles").WithTags("Roles");
        group.MapGet("", ListRoles).WithName("ListRoles").WithSummary("The built-in role catalog.");
        group.MapGet("/{roleId:id}", GetRole).WithName("GetRole").WithSummary("One role of the catalog.");
        group.MapGet("/{roleId:id}/members", ListMembers).WithName("ListRoleMembers")
            .WithSummary("Who holds the role, eligibly or actively, and for which window.");
        group.MapGet("/{roleId:id}/settings", GetSettings).WithName("GetRoleSettings")
            .WithSummary("The role's settings in force at ?scope= (default '/'): the nearest scope with settings wins, else the role's tenant-wide settings, else the defaults. ETag for If-Match.");
        group.MapPut("/{roleId:id}/settings", PutSettings).WithName("PutRoleSettings")
            .WithSummary("Replace the role's settings at ?scope= (default '/'); requires If-Match with the ETag read at that scope.").Validate<RoleSettingsDto>()
            .ProducesProblem(412).ProducesProblem(428);
    }

    public static async Task<Ok<RoleListResponse>> ListRoles(string tenantId, Callers callers, OnboardingService onboarding, CancellationToken ct) =>
        TypedResults.Ok(new RoleListResponse((await onboarding.RolesAsync(await callers.ResolveAsync(tenantId, ct), ct)).Select(RoleResponse.From).ToList()));

    public static async Task<Ok<RoleResponse>> GetRole(string tenantId, string roleId, Callers callers, OnboardingService onboarding, CancellationToken ct)
    {
        await onboarding.RolesAsync(await callers.ResolveAsync(tenantId, ct), ct);
        return TypedResults.Ok(RoleResponse.From(RoleCatalog.Get(roleId)));
    }

    public static async Task<Ok<PageResponse<RoleMemberResponse>>> ListMembers(string tenantId, string roleId, int? pageSize, string? pageToken,
        Callers callers, AssignmentService assignments, CancellationToken ct)
    {
        var page = await assignments.MembersAsync(await callers.ResolveAsync(tenantId, ct), roleId, PageTokens.Decode(pageToken), PageTokens.Size(pageSize), ct);
        return TypedResults.Ok(page.Map(RoleMemberResponse.From));
    }

    public static async Task<Ok<RoleSettingsResponse>> GetSettings(string tenantId, string roleId, string? scope, HttpContext http, Callers callers,
        RoleSettingsService settings, CancellationToken ct)
    {
        var effective = await settings.GetAsync(await callers.ResolveAsync(tenantId, ct), roleId, ValidScope(scope), ct);
        http.Response.Headers.ETag = effective.ETag;
        return TypedResults.Ok(RoleSettingsResponse.From(effective));
    }

    private static string ValidScope(string? scope) => scope is null ? Scopes.Root
        : Scopes.IsValid(scope) ? scope
        : throw Errors.InvalidField("scope", $"'{scope}' is not a scope.", "Invalid scope.");

    public static async Task<Ok<RoleSettingsResponse>> PutSettings(string tenantId, string roleId, string? scope, RoleSettingsDto body,
        [FromHeader(Name = "If-Match")] string? ifMatch, HttpContext http, Callers callers, RoleSettingsService settings, CancellationToken ct)
    {
        int? version = string.IsNullOrWhiteSpace(ifMatch) ? null
            : int.TryParse(ifMatch.Trim().TrimStart('W', '/').Trim('"'), out var v) ? v : -1;
        var updated = await settings.UpdateAsync(await callers.ResolveAsync(tenantId, ct), body.ToDomain(roleId), ValidScope(scope), version, ct);
        http.Response.Headers.ETag = updated.ETag;
        return TypedResults.Ok(RoleSettingsResponse.From(updated));
    }
}
