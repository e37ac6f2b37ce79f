namespace Pim.Domain;

/// <summary>
/// Connecting a tenant's Slack workspace (issue 29): only a PIM administrator of the tenant (an active Global or
/// Privileged Role Administrator) connects, reads or disconnects it; the bot token goes in encrypted and never comes out
/// through the API.
/// </summary>
public sealed class SlackIntegrationService(ITenants tenants, ISlackConnections connections, ISecretProtector protector, IAuditLog audit,
    IUnitOfWork uow, AccessService access, TimeProvider time)
{
    /// <summary>Connects the workspace, or replaces the connection; true when it created it.</summary>
    public async Task<(SlackConnection Connection, bool Created)> ConnectAsync(Caller caller, string teamId, string botToken, string channel,
        IReadOnlyList<SlackRoute> routes, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, "Connecting Slack", ct);
        var now = time.Now();
        var connection = new SlackConnection(caller.TenantId, teamId, channel, routes, now, caller.ActorId);
        var sealedToken = protector.Protect(botToken);
        return await uow.RunAsync(async () =>
        {
            await tenants.GetForUpdateAsync(caller.TenantId, ct);
            var created = await connections.UpsertAsync(connection, sealedToken, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.SlackConnected, "slackConnection", teamId) with
            {
                Details = System.Text.Json.JsonSerializer.Serialize(new { teamId, channel, routes = routes.Count }, DetailsJson),
            }, ct);
            return (connection, created);
        }, ct);
    }

    public async Task<SlackConnection> GetAsync(Caller caller, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, "Reading the Slack connection", ct);
        return await connections.FindAsync(caller.TenantId, ct) ?? throw Errors.NotFound("The Slack connection");
    }

    /// <summary>Disconnects: nothing more is posted, and the workspace's interactions decide nothing in the tenant.</summary>
    public async Task DisconnectAsync(Caller caller, CancellationToken ct)
    {
        await EnsureAdministratorAsync(caller, "Disconnecting Slack", ct);
        var now = time.Now();
        await uow.RunAsync(async () =>
        {
            var connection = await connections.FindAsync(caller.TenantId, ct) ?? throw Errors.NotFound("The Slack connection");
            await connections.DeleteAsync(caller.TenantId, ct);
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.SlackDisconnected, "slackConnection", connection.TeamId), ct);
        }, ct);
    }

    private async Task EnsureAdministratorAsync(Caller caller, string what, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(caller.TenantId, ct);
        await access.EnsureHoldsAnyAsync(caller, RoleCatalog.PimAdministrators, what, ct);
        tenant.EnsureConsented();
    }

    private static readonly System.Text.Json.JsonSerializerOptions DetailsJson = new(System.Text.Json.JsonSerializerDefaults.Web);
}
