using System.Text.Json.Nodes;
using Pim.Api.Http;
using Pim.Domain;

namespace Pim.Api.Features.Scim;

/// <summary>
/// SCIM resources and the directory's principals, one for the other: a User is a principal of kind <c>user</c>, a Group
/// one of kind <c>group</c> (guests and service principals stay on the native API). Both APIs see the same directory: a
/// user provisioned here is read at <c>GET …/principals/{id}</c>, a principal synced there is read here.
/// <list type="bullet">
/// <item>The id of a new resource is its <c>externalId</c> when that is a valid principal id (so that a token whose subject
/// is the identity system's object id acts as the principal), else one Pim makes.</item>
/// <item>A user's display name is its <c>displayName</c>, else its formatted name, given and family names, or userName; its
/// email (what Pim mails) its primary email, else its first — each held to the native API's rules
/// (<see cref="PrincipalValues"/>); <c>active: false</c> disables it, and a user that does not say is left as it is
/// (a new one is active).</item>
/// <item>The rest of a user (name, emails, phone numbers, addresses, the Enterprise User extension, …) is kept as sent
/// and given back; <c>password</c> never is. A user synced natively without a userName is known by its id.</item>
/// </list>
/// </summary>
public static class ScimResources
{
    /// <summary>Where a tenant's SCIM resources live (absolute), and where Pim's SCIM answers point.</summary>
    public sealed record Links(string Base)
    {
        public string User(string id) => $"{Base}/Users/{id}";
        public string Group(string id) => $"{Base}/Groups/{id}";

        /// <summary>What a URL built on the base adds at most: "/scim/v2/tenants/{tenant}/Groups/{id}".</summary>
        public const int Room = 64 + 2 * Rules.MaxIdLength;

        public static Links Of(HttpContext http) => new(RequestBase.Of(http.Request, Room) + ScimJson.BasePath +
            (http.GetRouteValue("tenantId") is string tenantId ? $"/tenants/{tenantId}" : ""));
    }

    public static string NewId(string? externalId) => externalId is not null && Rules.IsId(externalId) ? externalId : NewIdOf();

    private static string NewIdOf() => Domain.NewId.Next();

    // ---------------------------------------------------------------- users

    /// <summary>The principal a user stands for; <paramref name="id"/> is the resource's.</summary>
    public static Principal ToPrincipal(ScimUser user, string tenantId, string id)
    {
        RequireSchema(user.Schemas, ScimUrns.User);
        if (string.IsNullOrWhiteSpace(user.UserName)) throw Errors.InvalidField("userName", "A user has a userName.");
        HoldToDomainRules(user);
        var given = string.Join(' ', new[] { user.Name?.GivenName, user.Name?.FamilyName }.Where(n => !string.IsNullOrWhiteSpace(n)));
        var displayName = new[] { user.DisplayName, user.Name?.Formatted, given, user.UserName }.First(n => !string.IsNullOrWhiteSpace(n))!;
        var emails = user.Emails ?? [];
        var email = (emails.FirstOrDefault(e => e.Primary == true && !string.IsNullOrWhiteSpace(e.Value)) ?? emails.FirstOrDefault(e => !string.IsNullOrWhiteSpace(e.Value)))?.Value;
        // Kept as sent, but for what the principal holds itself and what the server keeps (and never a password).
        var kept = ScimJson.Write(user with
        {
            Schemas = [], Id = null, ExternalId = null, UserName = null, DisplayName = null, Active = null, Password = null, Groups = null, Meta = null,
        });
        kept.Remove("schemas");
        return new Principal(tenantId, id, PrincipalKind.User, displayName, email, null, null, [], user.Active ?? true)
        {
            UserName = user.UserName, ExternalId = user.ExternalId, Attributes = kept.Count == 0 ? null : kept.ToJsonString(ScimJson.Options),
        };
    }

    /// <summary>
    /// Holds what a user's identifiers and emails are to the domain's rules (<see cref="PrincipalValues"/>), as the native API
    /// holds its fields: a userName or externalId is not blank, every email one address (the primary may change with the next
    /// PATCH). 400 <c>invalidValue</c>, naming each SCIM attribute at fault. What a display name may be derived from needs no
    /// rule here: its properties are display names on the wire (<see cref="Http.Values.DisplayName"/>), held before any handler runs
    /// (and, after a PATCH, before the result is kept).
    /// </summary>
    private static void HoldToDomainRules(ScimUser user)
    {
        var errors = new Dictionary<string, string[]>();
        void Hold(string attribute, string? value, Func<string?, bool> rule, string says)
        {
            if (value is not null && !rule(value)) errors[attribute] = [$"'{attribute}' must be {says}."];
        }
        Hold("userName", user.UserName, PrincipalValues.IsIdentifier, PrincipalValues.IdentifierRule);
        Hold("externalId", user.ExternalId, PrincipalValues.IsIdentifier, PrincipalValues.IdentifierRule);
        for (var i = 0; i < (user.Emails?.Count ?? 0); i++)
            Hold($"emails[{i}].value", user.Emails![i].Value, PrincipalValues.IsEmail, PrincipalValues.EmailRule);
        if (errors.Count > 0) throw new PimException(ErrorCodes.ValidationFailed, "One or more attributes are invalid.", errors);
    }

    /// <summary>The user a principal is: what was provisioned, with what the directory holds now.</summary>
    /// <param name="groupNames">The display names of the user's groups (for <c>groups</c>); null to leave groups out.</param>
    public static ScimUser User(Principal p, IReadOnlyDictionary<string, string>? groupNames, Links links)
    {
        var kept = new ScimUser([]);
        if (p.Attributes is not null && JsonNode.Parse(p.Attributes) is JsonObject stored)
        {
            stored["schemas"] = new JsonArray();
            kept = ScimJson.Read<ScimUser>(stored);
        }
        return kept with
        {
            Schemas = kept.EnterpriseUser is null ? [ScimUrns.User] : [ScimUrns.User, ScimUrns.EnterpriseUser],
            Id = p.Id,
            ExternalId = p.ExternalId,
            UserName = p.UserName ?? p.Id,
            DisplayName = p.DisplayName,
            Active = p.Enabled,
            Emails = Emails(kept.Emails, p.Email),
            Groups = groupNames is null ? null : p.TransitiveMemberOf.Select(g => new ScimGroupRef(g, links.Group(g), groupNames.GetValueOrDefault(g),
                p.MemberOf.Contains(g) ? "direct" : "indirect")).ToList(),
            Meta = Meta("User", p, links.User(p.Id)),
        };
    }

    /// <summary>
    /// The emails as provisioned, with the one Pim mails as the directory has it now: a native sync that changed or
    /// removed the principal's email changes the primary (else the first) one.
    /// </summary>
    private static IReadOnlyList<ScimEmail>? Emails(IReadOnlyList<ScimEmail>? kept, string? email)
    {
        var list = (kept ?? []).ToList();
        var main = list.FindIndex(e => e.Primary == true && !string.IsNullOrWhiteSpace(e.Value));
        if (main < 0) main = list.FindIndex(e => !string.IsNullOrWhiteSpace(e.Value));
        if (main >= 0 && string.Equals(list[main].Value, email, StringComparison.Ordinal)) return kept;
        if (main >= 0 && email is null) list.RemoveAt(main);
        else if (main >= 0) list[main] = list[main] with { Value = email };
        else if (email is not null) list.Add(new ScimEmail(email, Type: "work", Primary: true));
        return list.Count == 0 ? null : list;
    }

    // ---------------------------------------------------------------- groups

    /// <summary>The principal a group stands for, and its members (exactly those listed).</summary>
    public static (Principal Group, MemberChange Members) ToPrincipal(ScimGroup group, string tenantId, string id)
    {
        RequireSchema(group.Schemas, ScimUrns.Group);
        if (string.IsNullOrWhiteSpace(group.DisplayName)) throw Errors.InvalidField("displayName", "A group has a displayName.");
        if (!PrincipalValues.IsName(group.DisplayName)) throw Errors.InvalidField("displayName", $"'displayName' must be {PrincipalValues.NameRule}.");
        if (group.ExternalId is not null && !PrincipalValues.IsIdentifier(group.ExternalId))
            throw Errors.InvalidField("externalId", $"'externalId' must be {PrincipalValues.IdentifierRule}.");
        var members = (group.Members ?? []).Select((m, i) => m.Value is { Length: > 0 } value ? value
            : throw Errors.InvalidField($"members[{i}].value", "A member is {\"value\": \"<the member's id>\"}.")).ToList();
        return (new Principal(tenantId, id, PrincipalKind.Group, group.DisplayName, null, null, null, []) { ExternalId = group.ExternalId },
            new MemberChange(members, [], Replace: true));
    }

    /// <param name="members">The group's direct members; null to leave them out.</param>
    public static ScimGroup Group(Principal p, IReadOnlyList<GroupMember>? members, Links links) => new(
        [ScimUrns.Group], p.Id, p.ExternalId, p.DisplayName,
        members?.Select(m => m.Kind switch
        {
            PrincipalKind.User => new ScimMember(m.Id, links.User(m.Id), m.DisplayName, "User"),
            PrincipalKind.Group => new ScimMember(m.Id, links.Group(m.Id), m.DisplayName, "Group"),
            _ => new ScimMember(m.Id, Display: m.DisplayName),
        }).ToList(),
        Meta("Group", p, links.Group(p.Id)));

    private static ScimMeta Meta(string type, Principal p, string location) => new(type, p.CreatedAt, p.UpdatedAt, location, ETags.Of(p.Version));

    private static void RequireSchema(IReadOnlyList<string>? schemas, string urn)
    {
        if (schemas is null || !schemas.Contains(urn, StringComparer.OrdinalIgnoreCase))
            throw Errors.InvalidField("schemas", $"The resource's schemas name {urn}.");
    }

    // ---------------------------------------------------------------- attributes and excludedAttributes

    /// <summary>
    /// A resource as RFC 7644 §3.4.2.5 asks: with <paramref name="attributes"/>, only those (and <c>id</c> and
    /// <c>schemas</c>, always returned); without, all but <paramref name="excluded"/>. Names without case, a sub-attribute
    /// after a dot, an extension's attribute after its URN.
    /// </summary>
    public static JsonObject Project(JsonObject resource, string? attributes, string? excluded, ScimSchema schema, ScimSchema? extension)
    {
        var wanted = Names(attributes, schema, extension);
        var unwanted = Names(excluded, schema, extension);
        if (wanted.Count > 0)
        {
            var kept = new JsonObject();
            foreach (var (name, value) in resource)
            {
                if (name is "id" or "schemas") { kept[name] = value?.DeepClone(); continue; }
                var subs = wanted.Where(w => w.Top.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
                if (subs.Count == 0) continue;
                kept[name] = subs.Any(s => s.Sub is null) ? value?.DeepClone() : Only(value, subs.Select(s => s.Sub!).ToList());
            }
            return kept;
        }
        foreach (var (top, sub) in unwanted)
        {
            var key = resource.Select(p => p.Key).FirstOrDefault(k => k.Equals(top, StringComparison.OrdinalIgnoreCase));
            if (key is null || key is "id" or "schemas") continue;
            if (sub is null) resource.Remove(key);
            else foreach (var item in resource[key] is JsonArray list ? list.OfType<JsonObject>() : resource[key] is JsonObject one ? [one] : [])
                    item.Remove(item.Select(p => p.Key).FirstOrDefault(k => k.Equals(sub, StringComparison.OrdinalIgnoreCase)) ?? sub);
        }
        return resource;
    }

    /// <summary>The sub-attributes of a value (or of each value of a list) that are named.</summary>
    private static JsonNode? Only(JsonNode? value, List<string> subs)
    {
        JsonObject Keep(JsonObject item)
        {
            var kept = new JsonObject();
            foreach (var (name, field) in item)
                if (subs.Contains(name, StringComparer.OrdinalIgnoreCase)) kept[name] = field?.DeepClone();
            return kept;
        }
        return value switch
        {
            JsonArray list => new JsonArray([.. list.OfType<JsonObject>().Select(i => (JsonNode)Keep(i))]),
            JsonObject item => Keep(item),
            _ => value?.DeepClone(),
        };
    }

    /// <summary>The comma-separated attribute names as (top-level name, sub-attribute): "name.givenName", "urn:…:enterprise:2.0:User:department".</summary>
    private static List<(string Top, string? Sub)> Names(string? list, ScimSchema schema, ScimSchema? extension)
    {
        var names = new List<(string, string?)>();
        foreach (var raw in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = raw.StartsWith(schema.Id + ":", StringComparison.OrdinalIgnoreCase) ? raw[(schema.Id.Length + 1)..] : raw;
            if (extension is not null && name.StartsWith(extension.Id, StringComparison.OrdinalIgnoreCase))
            {
                var rest = name[extension.Id.Length..].TrimStart(':');
                names.Add((extension.Id, rest.Length == 0 ? null : rest));
                continue;
            }
            var dot = name.IndexOf('.');
            names.Add(dot < 0 ? (name, null) : (name[..dot], name[(dot + 1)..]));
        }
        return names;
    }
}
