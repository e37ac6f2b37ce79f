using System.Text.Json;

namespace Pim.Domain;

/// <summary>What the audit of a directory write records of the principal: its kind, and the old and new values of what changed.</summary>
public static class PrincipalChanges
{
    /// <summary>How the details of a directory write's audit are written.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What the directory says of a principal that people and mail read: what its audit records old and new.</summary>
    public static Dictionary<string, object?> Facts(Principal p)
    {
        var facts = new Dictionary<string, object?> { ["displayName"] = p.DisplayName, ["email"] = p.Email, ["accountEnabled"] = p.Enabled };
        if (p.UserName is not null) facts["userName"] = p.UserName;
        if (p.ExternalId is not null) facts["externalId"] = p.ExternalId;
        return facts;
    }

    /// <summary>
    /// The details of a write's audit: its kind, and of its display name, email, enabled state, userName and externalId
    /// the old and new values of those that changed (all of them, new, when it is created; <c>oldValue</c> null), as the
    /// audit of role settings records old and new — so that who changed an administrator's email, or enabled a leaver
    /// again, is in the trail.
    /// </summary>
    public static string Of(Principal? before, Principal after)
    {
        var next = Facts(after);
        if (before is null)
            return JsonSerializer.Serialize(new { kind = PrincipalKinds.ToText(after.Kind), oldValue = (object?)null, newValue = next }, Json);
        var old = Facts(before);
        var changed = old.Keys.Union(next.Keys).Where(k => !Equals(old.GetValueOrDefault(k), next.GetValueOrDefault(k))).ToList();
        return JsonSerializer.Serialize(new
        {
            kind = PrincipalKinds.ToText(after.Kind),
            oldValue = changed.ToDictionary(k => k, old.GetValueOrDefault),
            newValue = changed.ToDictionary(k => k, next.GetValueOrDefault),
        }, Json);
    }
}
