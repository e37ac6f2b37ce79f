using System.Text.Json;
using Dapper;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// The role settings saved at a scope and the access reviews of it, removed together when the scope ceases to exist:
/// read, then deleted, items before instances before reviews (their foreign keys), within the caller's unit of work.
/// </summary>
public sealed class ScopeContentsRepository(DbSession db) : IScopeContents
{
    private sealed class SettingsRow
    {
        public string Document { get; set; } = "";
        public int Version { get; set; }
    }

    private sealed class ReviewRow
    {
        public string ReviewId { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public long Instances { get; set; }
        public long Items { get; set; }
    }

    public async Task<(IReadOnlyList<RemovedRoleSettings> Settings, IReadOnlyList<RemovedAccessReview> Reviews)> RemoveAsync(string tenantId, string scope,
        CancellationToken ct)
    {
        const string settings = "SELECT document, version FROM role_settings WHERE tenant_id = @tenantId AND scope = @scope ORDER BY role_id";
        const string reviews = """
            SELECT r.review_id, r.display_name,
                   (SELECT COUNT(*) FROM access_review_instances i WHERE i.tenant_id = r.tenant_id AND i.review_id = r.review_id) AS instances,
                   (SELECT COUNT(*) FROM access_review_items t
                    JOIN access_review_instances i ON i.tenant_id = t.tenant_id AND i.instance_id = t.instance_id
                    WHERE i.tenant_id = r.tenant_id AND i.review_id = r.review_id) AS items
            FROM access_reviews r
            WHERE r.tenant_id = @tenantId AND r.scope = @scope
            ORDER BY r.review_id
            """;
        const string delete = """
            DELETE FROM role_settings WHERE tenant_id = @tenantId AND scope = @scope;
            DELETE FROM access_review_items WHERE tenant_id = @tenantId AND instance_id IN (
                SELECT i.instance_id FROM access_review_instances i
                JOIN access_reviews r ON r.tenant_id = i.tenant_id AND r.review_id = i.review_id
                WHERE i.tenant_id = @tenantId AND r.scope = @scope);
            DELETE FROM access_review_instances WHERE tenant_id = @tenantId AND review_id IN (
                SELECT r.review_id FROM access_reviews r WHERE r.tenant_id = @tenantId AND r.scope = @scope);
            DELETE FROM access_reviews WHERE tenant_id = @tenantId AND scope = @scope;
            """;
        var connection = await db.ConnectionAsync(ct);
        var removedSettings = (await connection.QueryAsync<SettingsRow>(db.Command(settings, new { tenantId, scope }, ct)))
            .Select(r => new RemovedRoleSettings(JsonSerializer.Deserialize<RoleSettings>(r.Document, DocumentJson.Options)!, r.Version)).ToList();
        var removedReviews = (await connection.QueryAsync<ReviewRow>(db.Command(reviews, new { tenantId, scope }, ct)))
            .Select(r => new RemovedAccessReview(r.ReviewId, r.DisplayName, (int)r.Instances, (int)r.Items)).ToList();
        if (removedSettings.Count + removedReviews.Count > 0) await connection.ExecuteAsync(db.Command(delete, new { tenantId, scope }, ct));
        return (removedSettings, removedReviews);
    }
}
