namespace Pim.Domain;

/// <summary>
/// Where a request of <see cref="RoleId"/> (any role when null) at <see cref="Scope"/> (any scope when null; a
/// subscription's route also takes its resource groups) is posted instead of the connection's default channel. The first
/// route that matches wins.
/// </summary>
public sealed record SlackRoute(string? RoleId, string? Scope, string Channel)
{
    public bool Matches(string roleId, string scope) =>
        (RoleId is null || RoleId == roleId)
        && (Scope is null || scope == Scope || (Scope != ScopePath.Root && scope.StartsWith(Scope + "/", StringComparison.Ordinal)));
}

/// <summary>
/// A tenant's Slack workspace (issue 29): the team whose interactions may decide the tenant's requests, the channel
/// (and routes) where approvals are posted. The bot token is not part of it: it is kept encrypted, read only by the
/// dispatcher that talks to Slack, and never answered.
/// </summary>
public sealed record SlackConnection(string TenantId, string TeamId, string Channel, IReadOnlyList<SlackRoute> Routes, DateTimeOffset ConnectedAt,
    string ConnectedBy)
{
    public const int MaximumRoutes = 50;

    /// <summary>The channel where a request of <paramref name="roleId"/> at <paramref name="scope"/> is posted.</summary>
    public string ChannelFor(string roleId, string scope) => Routes.FirstOrDefault(r => r.Matches(roleId, scope))?.Channel ?? Channel;
}

/// <summary>The tenants' Slack connections; the bot token is stored as the protector made it (ciphertext).</summary>
public interface ISlackConnections
{
    Task<SlackConnection?> FindAsync(string tenantId, CancellationToken ct);
    /// <summary>Creates or replaces the tenant's connection; true when it created it.</summary>
    Task<bool> UpsertAsync(SlackConnection connection, string protectedToken, CancellationToken ct);
    Task<bool> DeleteAsync(string tenantId, CancellationToken ct);
}

/// <summary>
/// Encrypts a credential for storage (ASP.NET Core Data Protection in Pim: keys outside the database), so that a copy of
/// the database alone gives nobody the tenant's Slack bot.
/// </summary>
public interface ISecretProtector
{
    string Protect(string secret);
    string Unprotect(string protectedSecret);
}
