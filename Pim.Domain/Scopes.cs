using System.Text.RegularExpressions;

namespace Pim.Domain;

public static class ScopeKind
{
    public const string Root = "root";
    public const string ManagementGroup = "managementGroup";
    public const string Subscription = "subscription";
    public const string ResourceGroup = "resourceGroup";
}

/// <summary>
/// Scope strings (DESIGN §1): <c>/</c>, <c>/managementGroups/{id}</c>, <c>/subscriptions/{id}</c>,
/// <c>/subscriptions/{id}/resourceGroups/{name}</c>. An assignment at a scope applies to all its descendants.
/// </summary>
public static partial class Scopes
{
    public const string Root = "/";

    [GeneratedRegex("^/(managementGroups/[A-Za-z0-9][A-Za-z0-9._-]{0,89}|subscriptions/[A-Za-z0-9][A-Za-z0-9._-]{0,89}(/resourceGroups/[A-Za-z0-9][A-Za-z0-9._()-]{0,89})?)$")]
    private static partial Regex ResourceScope();

    public static bool IsValid(string? scope) => scope == Root || (scope is not null && ResourceScope().IsMatch(scope));

    public static string ManagementGroup(string id) => $"/managementGroups/{id}";
    public static string Subscription(string id) => $"/subscriptions/{id}";
    public static string ResourceGroup(string subscriptionId, string name) => $"/subscriptions/{subscriptionId}/resourceGroups/{name}";
}

/// <summary>A management group, subscription or resource group, and the scope it hangs under.</summary>
public sealed record ScopeNode(string TenantId, string Scope, string Kind, string Id, string DisplayName, string ParentScope);

public interface IScopes
{
    Task<ScopeNode?> FindAsync(string tenantId, string scope, CancellationToken ct);
    /// <summary>The scope and its ancestors, nearest first, ending with <c>/</c>; empty for a scope that is not registered.</summary>
    Task<IReadOnlyList<string>> AncestorsAsync(string tenantId, string scope, CancellationToken ct);
    /// <summary>The scope and everything below it.</summary>
    Task<IReadOnlyList<string>> SubtreeAsync(string tenantId, string scope, CancellationToken ct);
    Task<IReadOnlyList<ScopeNode>> ListAsync(string tenantId, CancellationToken ct);
    /// <summary>Creates a node or renames / re-parents it (with its subtree); returns true when created.</summary>
    Task<bool> UpsertAsync(ScopeNode node, CancellationToken ct);
}

public static class ScopesExtensions
{
    /// <summary>The scope and its ancestors, nearest first; refuses a scope that is not registered.</summary>
    public static async Task<IReadOnlyList<string>> AncestorsOrRootAsync(this IScopes scopes, string tenantId, string scope, CancellationToken ct)
    {
        if (scope == Scopes.Root) return [Scopes.Root];
        var ancestors = await scopes.AncestorsAsync(tenantId, scope, ct);
        return ancestors.Count > 0 ? ancestors : throw new PimException(ErrorCodes.InvalidScope, $"'{scope}' is not a registered scope of this tenant.");
    }
}

/// <summary>The protected-resource tree: directory sync by the operator, and the questions the other use cases ask of it.</summary>
public sealed class ScopeService(ITenants tenants, IScopes scopes, IActivationRequests requests, GrantRevocation revocation, IAuditLog audit,
    IUnitOfWork uow, TimeProvider time)
{
    public Task<(ScopeNode Node, bool Created)> UpsertManagementGroupAsync(Caller caller, string id, string displayName, string? parentId, CancellationToken ct) =>
        UpsertAsync(caller, new ScopeNode(caller.TenantId, Scopes.ManagementGroup(id), ScopeKind.ManagementGroup, id, displayName,
            parentId is null ? Scopes.Root : Scopes.ManagementGroup(parentId)), ScopeKind.ManagementGroup, ct);

    public Task<(ScopeNode Node, bool Created)> UpsertSubscriptionAsync(Caller caller, string id, string displayName, string? managementGroupId, CancellationToken ct) =>
        UpsertAsync(caller, new ScopeNode(caller.TenantId, Scopes.Subscription(id), ScopeKind.Subscription, id, displayName,
            managementGroupId is null ? Scopes.Root : Scopes.ManagementGroup(managementGroupId)), ScopeKind.ManagementGroup, ct);

    public Task<(ScopeNode Node, bool Created)> UpsertResourceGroupAsync(Caller caller, string subscriptionId, string name, string? displayName, CancellationToken ct) =>
        UpsertAsync(caller, new ScopeNode(caller.TenantId, Scopes.ResourceGroup(subscriptionId, name), ScopeKind.ResourceGroup, name, displayName ?? name,
            Scopes.Subscription(subscriptionId)), ScopeKind.Subscription, ct);

    public async Task<IReadOnlyList<ScopeNode>> TreeAsync(Caller caller, CancellationToken ct)
    {
        caller.RequireOperatorOrPrincipal();
        await tenants.GetAsync(caller.TenantId, ct);
        return await scopes.ListAsync(caller.TenantId, ct);
    }

    /// <summary>
    /// Registers, renames or moves a node. A move changes inherited access at once (ancestors are read at every
    /// evaluation), and open activations in the moved subtree whose eligibility no longer covers them are revoked.
    /// </summary>
    private async Task<(ScopeNode Node, bool Created)> UpsertAsync(Caller caller, ScopeNode node, string parentKind, CancellationToken ct)
    {
        if (!caller.IsOperator)
        {
            caller.RequirePrincipal();
            throw Errors.Forbidden($"Directory sync requires the '{TokenFacts.OperatorScope}' scope.");
        }
        if (!Scopes.IsValid(node.Scope)) throw new PimException(ErrorCodes.InvalidScope, $"'{node.Scope}' is not a valid scope.");
        var now = time.Now();
        await using var tx = await uow.BeginAsync(ct);
        await tenants.GetAsync(caller.TenantId, ct);
        if (node.ParentScope != Scopes.Root)
        {
            var parent = await scopes.FindAsync(caller.TenantId, node.ParentScope, ct);
            if (parent is null || parent.Kind != parentKind)
                throw new PimException(ErrorCodes.InvalidScope, $"The parent '{node.ParentScope}' is not a registered {parentKind}; register it first.");
            if ((await scopes.AncestorsAsync(caller.TenantId, node.ParentScope, ct)).Contains(node.Scope))
                throw new PimException(ErrorCodes.InvalidScope, $"'{node.Scope}' cannot move under its own descendant '{node.ParentScope}'.");
        }
        var before = await scopes.FindAsync(caller.TenantId, node.Scope, ct);
        var created = await scopes.UpsertAsync(node, ct);
        await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.ScopeUpserted, node.Kind, node.Scope) with
        {
            Scope = node.Scope,
            Details = before is not null && before.ParentScope != node.ParentScope
                ? $"{{\"movedFrom\":\"{before.ParentScope}\",\"movedTo\":\"{node.ParentScope}\"}}" : null,
        }, ct);
        if (before is not null && before.ParentScope != node.ParentScope)
            await revocation.RevokeLostAsync(caller, await requests.ListRecordedOpenInScopesAsync(caller.TenantId, await scopes.SubtreeAsync(caller.TenantId, node.Scope, ct), ct), now, ct);
        await tx.CommitAsync(ct);
        return (node, created);
    }
}
