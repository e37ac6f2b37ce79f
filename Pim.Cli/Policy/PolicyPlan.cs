using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pim.Client;

namespace Pim.Cli.Policy;

/// <summary>One difference between the file and the tenant: what it says, and how <c>apply</c> makes it.</summary>
public sealed record PolicyChange(string Description, Func<CancellationToken, Task> ApplyAsync);

/// <summary>
/// What applying a policy file would change, compared with the tenant as exported now: roles created, replaced or deleted;
/// role settings replaced (with <c>If-Match</c>, so a change made meanwhile by someone else is refused, not overwritten);
/// assignments created, removed or turned eligible/active; access reviews created; alert settings replaced (If-Match).
/// Nothing that already matches is touched, so applying twice changes nothing the second time. Activations are no part
/// of a policy and are never compared. An access review Pim cannot change or remove is reported, not planned.
/// </summary>
public sealed class PolicyPlan(PimClient pim, HttpClient http, string tenant)
{
    public List<PolicyChange> Changes { get; } = [];
    public List<string> Notes { get; } = [];

    public static async Task<PolicyPlan> MakeAsync(PimClient pim, HttpClient http, string tenant, JsonObject desired, CancellationToken ct)
    {
        Validate(desired);
        var current = await PolicyExport.ReadAsync(pim, tenant, ct);
        var plan = new PolicyPlan(pim, http, tenant);
        plan.Roles(List(desired, "roles"), List(current, "roles"), create: true);
        plan.Settings(List(desired, "roleSettings"), List(current, "roleSettings"));
        plan.Assignments(List(desired, "assignments"), List(current, "assignments"));
        plan.Reviews(List(desired, "accessReviews"), List(current, "accessReviews"));
        plan.Alerts(List(desired, "alerts"), List(current, "alerts"));
        // Roles go last when deleted: their assignments are removed first.
        plan.Roles(List(desired, "roles"), List(current, "roles"), create: false);
        return plan;
    }

    private static void Validate(JsonObject document)
    {
        if (document["version"]?.GetValueKind() != JsonValueKind.Number || document["version"]!.GetValue<long>() != 1)
            throw CliException.Usage("pim: the policy file must say `version: 1`.");
        foreach (var (key, _) in document)
            if (key is not ("version" or "roles" or "roleSettings" or "assignments" or "accessReviews" or "alerts"))
                throw CliException.Usage($"pim: the policy file has an unknown section '{key}' (see docs/policy.schema.json).");
    }

    private static List<JsonObject> List(JsonObject document, string name) =>
        document[name] is JsonArray array ? array.Select(n => n as JsonObject ?? throw CliException.Usage($"pim: an item of '{name}' is not a mapping.")).ToList() : [];

    private static string Text(JsonObject o, string name) =>
        o[name]?.GetValueKind() == JsonValueKind.String ? o[name]!.GetValue<string>() : throw CliException.Usage($"pim: an item lacks its '{name}': {o.ToJsonString()}");

    private static T Body<T>(JsonObject o) => o.Deserialize<T>(PolicyExport.Wire)!;

    private void Roles(List<JsonObject> desired, List<JsonObject> current, bool create)
    {
        var now = current.ToDictionary(r => Text(r, "id"), StringComparer.Ordinal);
        var wanted = desired.Select(r => Text(r, "id")).ToHashSet(StringComparer.Ordinal);
        if (create)
            foreach (var role in desired)
            {
                var id = Text(role, "id");
                if (now.TryGetValue(id, out var existing) && JsonNode.DeepEquals(existing, role)) continue;
                var body = Body<RoleRequest>(role);
                Changes.Add(new($"{(existing is null ? "+" : "~")} role {id}{(existing is null ? "" : ": " + string.Join(", ", Differences(existing, role, "")))}",
                    ct => pim.PutRoleAsync(tenant, id, body, ct)));
            }
        else
            foreach (var id in now.Keys.Where(id => !wanted.Contains(id)))
                Changes.Add(new($"- role {id}", ct => pim.DeleteRoleAsync(tenant, id, ct)));
    }

    private void Settings(List<JsonObject> desired, List<JsonObject> current)
    {
        var now = current.ToDictionary(s => (Text(s, "role"), Text(s, "scope")));
        foreach (var entry in desired)
        {
            var (role, scope) = (Text(entry, "role"), entry["scope"] is null ? PolicyExport.Root : Text(entry, "scope"));
            now.TryGetValue((role, scope), out var existing);
            var normalised = new JsonObject { ["role"] = role, ["scope"] = scope };
            foreach (var part in new[] { "activation", "assignment", "notifications" }) normalised[part] = entry[part]?.DeepClone();
            if (existing is not null && JsonNode.DeepEquals(existing, normalised)) continue;
            var body = new RoleSettings
            {
                Activation = Body<ActivationSettings>((JsonObject)normalised["activation"]!),
                Assignment = Body<AssignmentSettings>((JsonObject)normalised["assignment"]!),
                Notifications = Body<NotificationSettings>((JsonObject)normalised["notifications"]!),
            };
            var what = existing is null ? "(set here)" : string.Join(", ", Differences(existing, normalised, ""));
            Changes.Add(new($"~ role settings {role} at {scope}: {what}", async ct =>
            {
                var read = await pim.GetRoleSettingsAsync(tenant, role, scope == PolicyExport.Root ? null : scope, ct);
                var etag = read.Headers.FirstOrDefault(h => string.Equals(h.Key, "ETag", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
                await pim.PutRoleSettingsAsync(tenant, role, body, scope == PolicyExport.Root ? null : scope, etag, ct);
            }));
        }
    }

    private void Assignments(List<JsonObject> desired, List<JsonObject> current)
    {
        static (string, string, string) Key(JsonObject a) => (Text(a, "principal"), Text(a, "role"), a["scope"] is null ? PolicyExport.Root : Text(a, "scope"));
        var now = current.ToDictionary(Key);
        var wanted = desired.ToDictionary(Key);
        foreach (var (key, want) in wanted)
        {
            var (principal, role, scope) = key;
            var type = Text(want, "type");
            DateTimeOffset? endsAt = want["endsAt"] is { } e ? DateTimeOffset.Parse(e.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : null;
            var create = new RoleAssignmentRequest
            {
                PrincipalId = principal, RoleId = role, Scope = scope == PolicyExport.Root ? null : scope,
                Type = JsonSerializer.Deserialize<AssignmentType>($"\"{type}\"", PolicyExport.Wire), EndsAt = endsAt, Justification = "pim policy apply",
            };
            if (!now.TryGetValue(key, out var have))
            {
                Changes.Add(new($"+ assignment {type} {principal} {role} at {scope}", ct => pim.CreateRoleAssignmentAsync(tenant, create, Guid.NewGuid().ToString(), ct)));
                continue;
            }
            var sameEnd = have["endsAt"]?.GetValue<string>() == want["endsAt"]?.GetValue<string>();
            if (Text(have, "type") == type && sameEnd) continue;
            if (sameEnd)
                Changes.Add(new($"~ assignment {principal} {role} at {scope}: {Text(have, "type")} → {type}", async ct =>
                {
                    var id = await IdOfAsync(principal, role, scope, ct);
                    if (type == "eligible") await pim.MakeRoleAssignmentEligibleAsync(tenant, id, null, Guid.NewGuid().ToString(), ct);
                    else await pim.MakeRoleAssignmentActiveAsync(tenant, id, Guid.NewGuid().ToString(), ct);
                }));
            else
                Changes.Add(new($"~ assignment {principal} {role} at {scope}: replaced ({Text(have, "type")} until {have["endsAt"]?.GetValue<string>() ?? "permanent"} → {type} until {want["endsAt"]?.GetValue<string>() ?? "permanent"})", async ct =>
                {
                    await pim.RemoveRoleAssignmentAsync(tenant, await IdOfAsync(principal, role, scope, ct), ct);
                    await pim.CreateRoleAssignmentAsync(tenant, create, Guid.NewGuid().ToString(), ct);
                }));
        }
        foreach (var (key, have) in now.Where(n => !wanted.ContainsKey(n.Key)))
        {
            var (principal, role, scope) = key;
            Changes.Add(new($"- assignment {Text(have, "type")} {principal} {role} at {scope}",
                async ct => await pim.RemoveRoleAssignmentAsync(tenant, await IdOfAsync(principal, role, scope, ct), ct)));
        }
    }

    private async Task<string> IdOfAsync(string principal, string role, string scope, CancellationToken ct)
    {
        var page = await pim.ListRoleAssignmentsAsync(tenant, principal, role, pageSize: 200, cancellationToken: ct);
        return page.Items.First(a => a.Scope == scope).Id;
    }

    private void Reviews(List<JsonObject> desired, List<JsonObject> current)
    {
        var now = current.ToDictionary(r => Text(r, "displayName"), StringComparer.Ordinal);
        foreach (var review in desired)
        {
            var name = Text(review, "displayName");
            if (!now.TryGetValue(name, out var have))
            {
                var body = Body<AccessReviewRequest>(review);
                Changes.Add(new($"+ access review \"{name}\"", ct => pim.CreateAccessReviewAsync(tenant, body, Guid.NewGuid().ToString(), ct)));
            }
            else if (!JsonNode.DeepEquals(have, review))
                Notes.Add($"! access review \"{name}\" differs ({string.Join(", ", Differences(have, review, ""))}): Pim cannot change an access review; left as it is.");
        }
        foreach (var name in now.Keys.Where(n => desired.All(r => Text(r, "displayName") != n)))
            Notes.Add($"! access review \"{name}\" is not in the file: Pim cannot remove an access review; left as it is.");
    }

    private void Alerts(List<JsonObject> desired, List<JsonObject> current)
    {
        var now = current.ToDictionary(a => Text(a, "alertType"), StringComparer.Ordinal);
        foreach (var alert in desired)
        {
            var type = Text(alert, "alertType");
            if (now.TryGetValue(type, out var have) && JsonNode.DeepEquals(have, alert)) continue;
            var body = Body<AlertSettingsRequest>(alert);
            body.AlertType = null;
            var alertType = JsonSerializer.Deserialize<AlertType>($"\"{type}\"", PolicyExport.Wire);
            Changes.Add(new($"~ alert {type}: {(have is null ? "set" : string.Join(", ", Differences(have, alert, "")))}", async ct =>
            {
                // The generated client does not hand back this read's ETag: read it from the response itself.
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/tenants/{Uri.EscapeDataString(tenant)}/alert-settings/{type}");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using var read = await http.SendAsync(request, ct);
                read.EnsureSuccessStatusCode();
                await pim.PutAlertSettingsAsync(tenant, alertType, body, read.Headers.ETag?.ToString(), ct);
            }));
        }
    }

    /// <summary>The leaves that differ, as <c>path: old → new</c>.</summary>
    public static IEnumerable<string> Differences(JsonNode? have, JsonNode? want, string path)
    {
        if (have is JsonObject h && want is JsonObject w)
        {
            foreach (var key in h.Select(p => p.Key).Union(w.Select(p => p.Key)))
                foreach (var d in Differences(h[key], w[key], path.Length == 0 ? key : $"{path}.{key}")) yield return d;
        }
        else if (!JsonNode.DeepEquals(have, want))
            yield return $"{path}: {have?.ToJsonString() ?? "none"} → {want?.ToJsonString() ?? "none"}";
    }
}
