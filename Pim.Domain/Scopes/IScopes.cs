namespace Pim.Domain;

public interface IScopes
{
    Task<ScopeNode?> FindAsync(string tenantId, string scope, CancellationToken ct);
    /// <summary>The scope and its ancestors, nearest first, ending with <c>/</c>; empty for a scope that is not registered.</summary>
    Task<IReadOnlyList<string>> AncestorsAsync(string tenantId, string scope, CancellationToken ct);
    /// <summary>The scope and everything below it.</summary>
    Task<IReadOnlyList<string>> SubtreeAsync(string tenantId, string scope, CancellationToken ct);
    Task<IReadOnlyList<ScopeNode>> ListAsync(string tenantId, CancellationToken ct);
    Task<int> CountAsync(string tenantId, CancellationToken ct);
    /// <summary>Creates a node or renames / re-parents it (with its subtree); returns true when created.</summary>
    Task<bool> UpsertAsync(ScopeNode node, CancellationToken ct);
}

public static class ScopesExtensions
{
    /// <summary>The scope and its ancestors, nearest first; refuses a scope that is not registered.</summary>
    public static async Task<IReadOnlyList<string>> AncestorsOrRootAsync(this IScopes scopes, string tenantId, string scope, CancellationToken ct)
    {
        if (scope == ScopePath.Root) return [ScopePath.Root];
        var ancestors = await scopes.AncestorsAsync(tenantId, scope, ct);
        return ancestors.Count > 0 ? ancestors : throw new PimException(ErrorCodes.InvalidScope, $"'{scope}' is not a registered scope of this tenant.");
    }
}
