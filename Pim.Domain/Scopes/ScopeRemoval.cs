using System.Text.Json;

namespace Pim.Domain;

/// <summary>
/// A scope that ceases to exist leaves nothing that a new scope of the same id could inherit. A group deleted (its scope
/// <c>/groups/{groupId}</c>) takes with it, in the deleting transaction and each audited with the reason: the role
/// settings saved at it (<c>roleSettings.deleted</c>, with the old value: a new group of that id starts from the
/// defaults), the access reviews of it with their instances and items (<c>accessReview.deleted</c>), and its open or
/// dismissed alert incidents (<c>alert.resolved</c>: a dismissal is not carried over to a new group). Its assignments are
/// the caller's to remove first, through their own path. Resource scopes are never deleted, and a move keeps a scope's
/// path (a resource group moves only with its subscription's id in it, which makes it another scope), so what is saved
/// at a scope stays that scope's own.
/// </summary>
public sealed class ScopeRemoval(IScopeContents contents, IAlertIncidents incidents, IAuditLog audit)
{
    /// <summary>How much a removal took: settings, access reviews, alert incidents resolved.</summary>
    public sealed record Removed(int Settings, int Reviews, int Alerts);

    public async Task<Removed> RemoveAsync(Caller caller, string scope, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var (settings, reviews) = await contents.RemoveAsync(caller.TenantId, scope, ct);
        foreach (var removed in settings)
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.RoleSettingsDeleted, "roleSettings", removed.Settings.RoleId) with
            {
                RoleId = removed.Settings.RoleId,
                Scope = scope,
                Details = JsonSerializer.Serialize(new { reason, oldValue = removed.Settings, version = removed.Version }, DetailsJson),
            }, ct);
        foreach (var review in reviews)
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.AccessReviewDeleted, "accessReview", review.ReviewId) with
            {
                Scope = scope,
                Details = JsonSerializer.Serialize(new { reason, displayName = review.DisplayName, instancesRemoved = review.Instances, itemsRemoved = review.Items },
                    DetailsJson),
            }, ct);
        var resolved = 0;
        foreach (var incident in (await incidents.ListUnresolvedAsync(caller.TenantId, ct)).Where(i => i.Scope == scope))
        {
            var version = incident.Version;
            incident.Resolve(now);
            if (!await incidents.UpdateAsync(incident, version, ct)) continue;
            resolved++;
            await audit.AppendAsync(AuditEvent.For(caller, now, AuditActions.AlertResolved, "alert", incident.Id) with
            {
                RoleId = incident.RoleId,
                Scope = scope,
                Details = JsonSerializer.Serialize(new { reason, alertType = incident.AlertType }, DetailsJson),
            }, ct);
        }
        return new Removed(settings.Count, reviews.Count, resolved);
    }

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);
}
