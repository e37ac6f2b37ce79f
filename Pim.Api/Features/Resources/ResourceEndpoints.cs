using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Infrastructure;
using Pim.Domain;

namespace Pim.Api.Features.Resources;

public sealed record ManagementGroupRequest(string DisplayName, string? ParentId = null);
public sealed record SubscriptionRequest(string DisplayName, string? ManagementGroupId = null);
public sealed record ResourceGroupRequest(string? DisplayName = null);

public sealed record ScopeNodeResponse(string Scope, string Kind, string Id, string DisplayName, string ParentScope)
{
    public static ScopeNodeResponse From(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, n.ParentScope);
}

/// <summary>A node of the scope tree with its children; the root is '/'.</summary>
public sealed record ScopeTreeResponse(string Scope, string Kind, string? Id, string? DisplayName, IReadOnlyList<ScopeTreeResponse> Children);

public sealed class ManagementGroupRequestValidator : AbstractValidator<ManagementGroupRequest>
{
    public ManagementGroupRequestValidator()
    {
        RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Rules.MaxDisplayName);
        RuleFor(r => r.ParentId).MustBeId();
    }
}

public sealed class SubscriptionRequestValidator : AbstractValidator<SubscriptionRequest>
{
    public SubscriptionRequestValidator()
    {
        RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(Rules.MaxDisplayName);
        RuleFor(r => r.ManagementGroupId).MustBeId();
    }
}

public sealed class ResourceGroupRequestValidator : AbstractValidator<ResourceGroupRequest>
{
    public ResourceGroupRequestValidator() => RuleFor(r => r.DisplayName).MaximumLength(Rules.MaxDisplayName);
}

/// <summary>Protected resources: the operator registers, renames and moves them; everyone in the tenant reads the tree.</summary>
public static class ScopeEndpoints
{
    public static void MapScopes(this RouteGroupBuilder tenant)
    {
        var group = tenant.WithTags("Scopes");
        group.MapPut("/management-groups/{managementGroupId:id}", PutManagementGroup).WithName("PutManagementGroup")
            .WithSummary("Register, rename or move a management group (operator); under parentId, else at the root.").Validate<ManagementGroupRequest>();
        group.MapPut("/subscriptions/{subscriptionId:id}", PutSubscription).WithName("PutSubscription")
            .WithSummary("Register, rename or move a subscription (operator); changing managementGroupId moves it, and inherited access with it.")
            .Validate<SubscriptionRequest>();
        group.MapPut("/subscriptions/{subscriptionId:id}/resource-groups/{resourceGroupName:id}", PutResourceGroup).WithName("PutResourceGroup")
            .WithSummary("Register or rename a resource group of a subscription (operator).").Validate<ResourceGroupRequest>();
        group.MapGet("/scopes", Tree).WithName("GetScopeTree").WithSummary("The scope tree: '/', management groups, subscriptions, resource groups.");
    }

    private static Results<Created<ScopeNodeResponse>, Ok<ScopeNodeResponse>> Answer(string tenantId, (ScopeNode Node, bool Created) result) =>
        result.Created
            ? TypedResults.Created($"/v1/tenants/{tenantId}/scopes", ScopeNodeResponse.From(result.Node))
            : TypedResults.Ok(ScopeNodeResponse.From(result.Node));

    public static async Task<Results<Created<ScopeNodeResponse>, Ok<ScopeNodeResponse>>> PutManagementGroup(string tenantId, string managementGroupId,
        ManagementGroupRequest body, Callers callers, ScopeService scopes, CancellationToken ct) =>
        Answer(tenantId, await scopes.UpsertManagementGroupAsync(await callers.ResolveAsync(tenantId, ct), managementGroupId, body.DisplayName, body.ParentId, ct));

    public static async Task<Results<Created<ScopeNodeResponse>, Ok<ScopeNodeResponse>>> PutSubscription(string tenantId, string subscriptionId,
        SubscriptionRequest body, Callers callers, ScopeService scopes, CancellationToken ct) =>
        Answer(tenantId, await scopes.UpsertSubscriptionAsync(await callers.ResolveAsync(tenantId, ct), subscriptionId, body.DisplayName, body.ManagementGroupId, ct));

    public static async Task<Results<Created<ScopeNodeResponse>, Ok<ScopeNodeResponse>>> PutResourceGroup(string tenantId, string subscriptionId,
        string resourceGroupName, ResourceGroupRequest body, Callers callers, ScopeService scopes, CancellationToken ct) =>
        Answer(tenantId, await scopes.UpsertResourceGroupAsync(await callers.ResolveAsync(tenantId, ct), subscriptionId, resourceGroupName, body.DisplayName, ct));

    public static async Task<Ok<ScopeTreeResponse>> Tree(string tenantId, Callers callers, ScopeService scopes, CancellationToken ct)
    {
        var nodes = await scopes.TreeAsync(await callers.ResolveAsync(tenantId, ct), ct);
        var children = nodes.ToLookup(n => n.ParentScope);
        ScopeTreeResponse Build(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, children[n.Scope].Select(Build).ToList());
        return TypedResults.Ok(new ScopeTreeResponse(Scopes.Root, ScopeKind.Root, null, null, children[Scopes.Root].Select(Build).ToList()));
    }
}
