using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pim.Client;

namespace Pim.Cli.Policy;

/// <summary>
/// A tenant's policy as Pim holds it now, as the policy document: its own (custom) roles, every role's settings at each
/// scope where they are set, the eligible and active assignments — never activations, which are the running use of the
/// policy, not the policy —, the access reviews and the alert settings. Lists are sorted, so that two exports of the
/// same policy are the same text.
/// </summary>
public static class PolicyExport
{
    public static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public const string Root = "/";

    public static async Task<JsonObject> ReadAsync(PimClient pim, string tenant, CancellationToken ct)
    {
        var roles = (await pim.ListRolesAsync(tenant, ct)).Items.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var document = new JsonObject { ["version"] = 1 };

        document["roles"] = new JsonArray(roles.Where(r => r.Custom).Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Id, ["displayName"] = r.DisplayName, ["description"] = r.Description, ["kind"] = Output.Wire(r.Kind),
            ["privileged"] = r.Privileged, ["atGroups"] = r.AtGroups,
        }).ToArray());

        var settings = new JsonArray();
        foreach (var scope in Scopes(await pim.GetScopeTreeAsync(tenant, ct)))
            foreach (var role in roles)
            {
                SwaggerResponse<RoleSettingsResponse> found;
                try
                {
                    found = await pim.GetRoleSettingsAsync(tenant, role.Id, scope == Root ? null : scope, ct);
                }
                catch (ApiException e) when (e.StatusCode is 404 or 422)
                {
                    continue; // not a role of this kind of scope
                }
                if (found.Result.InheritedFrom != found.Result.Scope) continue; // set above, exported there
                settings.Add(SettingsEntry(found.Result));
            }
        document["roleSettings"] = settings;

        var assignments = new List<RoleAssignmentResponse>();
        string? token = null;
        do
        {
            var page = await pim.ListRoleAssignmentsAsync(tenant, pageSize: 200, pageToken: token, cancellationToken: ct);
            assignments.AddRange(page.Items);
            token = page.NextPageToken;
        } while (token is not null);
        document["assignments"] = new JsonArray(assignments
            .OrderBy(a => a.PrincipalId, StringComparer.Ordinal).ThenBy(a => a.RoleId, StringComparer.Ordinal).ThenBy(a => a.Scope, StringComparer.Ordinal)
            .Select(a => (JsonNode)Assignment(a)).ToArray());

        var reviews = new List<AccessReviewResponse>();
        token = null;
        do
        {
            var page = await pim.ListAccessReviewsAsync(tenant, 100, token, ct);
            reviews.AddRange(page.Items);
            token = page.NextPageToken;
        } while (token is not null);
        document["accessReviews"] = new JsonArray(reviews.OrderBy(r => r.DisplayName, StringComparer.Ordinal).Select(r => (JsonNode)Review(r)).ToArray());

        var alerts = new JsonArray();
        foreach (var type in Enum.GetValues<AlertType>())
        {
            var alert = await pim.GetAlertSettingsAsync(tenant, type, ct);
            alerts.Add(Alert(alert));
        }
        document["alerts"] = alerts;
        return document;
    }

    /// <summary>The tenant's scopes, the root first, each before those under it.</summary>
    private static IEnumerable<string> Scopes(ScopeTreeResponse node) => [node.Scope, .. node.Children.SelectMany(Scopes)];

    public static JsonObject SettingsEntry(RoleSettingsResponse settings) => new()
    {
        ["role"] = settings.RoleId, ["scope"] = settings.Scope,
        ["activation"] = JsonSerializer.SerializeToNode(settings.Activation, Wire),
        ["assignment"] = JsonSerializer.SerializeToNode(settings.Assignment, Wire),
        ["notifications"] = JsonSerializer.SerializeToNode(settings.Notifications, Wire),
    };

    public static JsonObject Assignment(RoleAssignmentResponse a)
    {
        var entry = new JsonObject { ["principal"] = a.PrincipalId, ["role"] = a.RoleId, ["scope"] = a.Scope, ["type"] = Output.Wire(a.Type) };
        if (a.EndsAt is { } ends) entry["endsAt"] = Output.Iso(ends);
        return entry;
    }

    public static JsonObject Review(AccessReviewResponse r) => new()
    {
        ["displayName"] = r.DisplayName, ["scope"] = r.Scope, ["roleIds"] = new JsonArray(r.RoleIds.Select(id => (JsonNode)JsonValue.Create(id)!).ToArray()),
        ["assignmentTypes"] = Output.Wire(r.AssignmentTypes), ["reviewers"] = Output.Wire(r.Reviewers),
        ["recurrence"] = JsonSerializer.SerializeToNode(r.Recurrence, Wire), ["duration"] = r.Duration,
        ["defaultDecision"] = Output.Wire(r.DefaultDecision), ["autoApply"] = r.AutoApply, ["justificationRequired"] = r.JustificationRequired,
    };

    public static JsonObject Alert(AlertSettingsResponse alert)
    {
        var entry = new JsonObject { ["alertType"] = Output.Wire(alert.AlertType), ["enabled"] = alert.Enabled };
        if (alert.MaximumCount is { } count) entry["maximumCount"] = count;
        if (alert.Period is { } period) entry["period"] = period;
        return entry;
    }
}
