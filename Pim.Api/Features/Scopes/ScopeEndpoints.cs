using Microsoft.AspNetCore.Http.HttpResults;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Scopes;

/// <summary>Protected resources: the operator registers, renames and moves them; everyone in the tenant reads them.</summary>
public static class ScopeEndpoints
{
    public static void MapScopes(this RouteGroupBuilder tenant)
    {
        var group = tenant.MapGroup("").WithTags("Scopes");
        group.MapPut("/management-groups/{managementGroupId:id}", PutManagementGroup).WithName("PutManagementGroup")
            .WithSummary("Register, rename or move a management group (operator); under parentId, else at the root.").Validate<ManagementGroupRequest>();
        group.MapGet("/management-groups/{managementGroupId:id}", GetManagementGroup).WithName("GetManagementGroup").WithSummary("One management group.");
        group.MapPut("/subscriptions/{subscriptionId:id}", PutSubscription).WithName("PutSubscription")
            .WithSummary("Register, rename or move a subscription (operator); changing managementGroupId moves it, and inherited access with it.")
            .Validate<SubscriptionRequest>();
        group.MapGet("/subscriptions/{subscriptionId:id}", GetSubscription).WithName("GetSubscription").WithSummary("One subscription.");
        group.MapPut("/subscriptions/{subscriptionId:id}/resource-groups/{resourceGroupName:id}", PutResourceGroup).WithName("PutResourceGroup")
            .WithSummary("Register or rename a resource group of a subscription (operator).");
        group.MapGet("/subscriptions/{subscriptionId:id}/resource-groups/{resourceGroupName:id}", GetResourceGroup).WithName("GetResourceGroup")
            .WithSummary("One resource group.");
        group.MapGet("/scopes", Tree).WithName("GetScopeTree").WithSummary("The scope tree: '/', management groups, subscriptions, resource groups.");
    }

    /// <summary>A PUT that registered the node answers 201 with its own address; one that renamed or moved it, 200.</summary>
    private static Results<Created<T>, Ok<T>> Answer<T>(HttpContext http, (ScopeNode Node, bool Created) result, Func<ScopeNode, T> answer) =>
        result.Created ? TypedResults.Created(http.Request.Path.ToString(), answer(result.Node)) : TypedResults.Ok(answer(result.Node));

    /// <summary>The echoed read-only fields must be the node's as GET answers it (for a node not registered yet: as the PUT makes it).</summary>
    private static async Task CheckEchoesAsync(CurrentCaller caller, ScopeService scopes, string scope, string kind, string id, string parentScope,
        (string? Scope, string? Kind, string? Id, string? ParentScope) sent, CancellationToken ct)
    {
        var current = sent.ParentScope is null ? null : await scopes.FindAsync(caller, scope, ct);
        ReadOnlyFields.Check(("scope", sent.Scope, scope), ("kind", sent.Kind, kind), ("id", sent.Id, id),
            ("parentScope", sent.ParentScope, current?.ParentScope ?? parentScope));
    }

    public static async Task<Results<Created<ManagementGroupResponse>, Ok<ManagementGroupResponse>>> PutManagementGroup([Wire<Bounds.ScopeSegment>] string managementGroupId,
        ManagementGroupRequest body, HttpContext http, CurrentCaller caller, ScopeService scopes, CancellationToken ct)
    {
        await CheckEchoesAsync(caller, scopes, ScopePath.ManagementGroup(managementGroupId), ScopeKind.ManagementGroup, managementGroupId,
            body.ParentId is null ? ScopePath.Root : ScopePath.ManagementGroup(body.ParentId), (body.Scope, body.Kind, body.Id, body.ParentScope), ct);
        return Answer(http, await scopes.UpsertManagementGroupAsync(caller, managementGroupId, body.DisplayName.Text, body.ParentId, ct), ManagementGroupResponse.From);
    }

    public static async Task<Results<Created<SubscriptionResponse>, Ok<SubscriptionResponse>>> PutSubscription([Wire<Bounds.ScopeSegment>] string subscriptionId,
        SubscriptionRequest body, HttpContext http, CurrentCaller caller, ScopeService scopes, CancellationToken ct)
    {
        await CheckEchoesAsync(caller, scopes, ScopePath.Subscription(subscriptionId), ScopeKind.Subscription, subscriptionId,
            body.ManagementGroupId is null ? ScopePath.Root : ScopePath.ManagementGroup(body.ManagementGroupId), (body.Scope, body.Kind, body.Id, body.ParentScope), ct);
        return Answer(http, await scopes.UpsertSubscriptionAsync(caller, subscriptionId, body.DisplayName.Text, body.ManagementGroupId, ct), SubscriptionResponse.From);
    }

    public static async Task<Results<Created<ResourceGroupResponse>, Ok<ResourceGroupResponse>>> PutResourceGroup([Wire<Bounds.ScopeSegment>] string subscriptionId,
        [Wire<Bounds.ScopeSegment>] string resourceGroupName, ResourceGroupRequest body, HttpContext http, CurrentCaller caller, ScopeService scopes,
        CancellationToken ct)
    {
        await CheckEchoesAsync(caller, scopes, ScopePath.ResourceGroup(subscriptionId, resourceGroupName), ScopeKind.ResourceGroup, resourceGroupName,
            ScopePath.Subscription(subscriptionId), (body.Scope, body.Kind, body.Id, body.ParentScope), ct);
        return Answer(http, await scopes.UpsertResourceGroupAsync(caller, subscriptionId, resourceGroupName, body.DisplayName?.Text, ct), ResourceGroupResponse.From);
    }

    public static async Task<Ok<ManagementGroupResponse>> GetManagementGroup([Wire<Bounds.ScopeSegment>] string managementGroupId, CurrentCaller caller, ScopeService scopes,
        CancellationToken ct) =>
        TypedResults.Ok(ManagementGroupResponse.From(await scopes.GetAsync(caller, ScopePath.ManagementGroup(managementGroupId), ct)));

    public static async Task<Ok<SubscriptionResponse>> GetSubscription([Wire<Bounds.ScopeSegment>] string subscriptionId, CurrentCaller caller, ScopeService scopes, CancellationToken ct) =>
        TypedResults.Ok(SubscriptionResponse.From(await scopes.GetAsync(caller, ScopePath.Subscription(subscriptionId), ct)));

    public static async Task<Ok<ResourceGroupResponse>> GetResourceGroup([Wire<Bounds.ScopeSegment>] string subscriptionId, [Wire<Bounds.ScopeSegment>] string resourceGroupName, CurrentCaller caller,
        ScopeService scopes, CancellationToken ct) =>
        TypedResults.Ok(ResourceGroupResponse.From(await scopes.GetAsync(caller, ScopePath.ResourceGroup(subscriptionId, resourceGroupName), ct)));

    public static async Task<Ok<ScopeTreeResponse>> Tree(CurrentCaller caller, ScopeService scopes, CancellationToken ct)
    {
        var nodes = await scopes.TreeAsync(caller, ct);
        var children = nodes.ToLookup(n => n.ParentScope);
        ScopeTreeResponse Build(ScopeNode n) => new(n.Scope, n.Kind, n.Id, n.DisplayName, children[n.Scope].Select(Build).ToList());
        return TypedResults.Ok(new ScopeTreeResponse(ScopePath.Root, ScopeKind.Root, null, null, children[ScopePath.Root].Select(Build).ToList()));
    }
}
