using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Scim;

/// <summary>
/// The caller of a SCIM request: the operator of the tenant SCIM acts in — the tenant of the token (<c>/scim/v2/…</c>), or
/// the one the path names (<c>/scim/v2/tenants/{tenantId}/…</c>, for platform identities; a tenant's own token may use it
/// for itself). A token of another tenant is told the tenant does not exist; a platform identity that names no tenant
/// is <c>400 tenant-required</c>; anyone without <c>pim.operator</c> there is refused.
/// </summary>
public sealed class ScimCaller
{
    private ScimCaller(Caller caller) => Value = caller;

    public Caller Value { get; }

    public static implicit operator Caller(ScimCaller current) => current.Value;

    public static async ValueTask<ScimCaller?> BindAsync(HttpContext http)
    {
        var tenantId = http.GetRouteValue("tenantId") as string ?? CurrentCaller.TokenOf(http).TenantId
            ?? throw new PimException(ErrorCodes.TenantRequired,
                "A token without a tenant (a platform identity) names the tenant in the path: /scim/v2/tenants/{tenantId}/….");
        var caller = await CurrentCaller.ResolveAsync(http, tenantId);
        caller.RequireOperator();
        return new ScimCaller(caller);
    }
}

/// <summary>The query of a SCIM list (RFC 7644 §3.4.2): a filter, a page (startIndex from 1, count), and what to return.</summary>
public sealed record ScimListQuery([Wire<ScimBounds.FilterText>] string? Filter, [Between(0, 1_000_000_000)] int? StartIndex,
    [Between(0, 10_000)] int? Count, [Wire<ScimBounds.AttributePath>] string? Attributes, [Wire<ScimBounds.AttributePath>] string? ExcludedAttributes)
{
    public const int DefaultCount = 100;

    /// <summary>The offset and size of the page: a startIndex below 1 is 1, a count above the largest page is the largest page (RFC 7644 §3.4.2.4).</summary>
    public (int Offset, int Limit) Page() => (Math.Max(1, StartIndex ?? 1) - 1, Math.Min(Count ?? DefaultCount, Paging.MaximumPageSize));
}

/// <summary>What a SCIM read returns of a resource (RFC 7644 §3.4.2.5).</summary>
public sealed record ScimProjection([Wire<ScimBounds.AttributePath>] string? Attributes, [Wire<ScimBounds.AttributePath>] string? ExcludedAttributes);

/// <summary>
/// SCIM 2.0 (RFC 7643, RFC 7644) for identity systems that provision applications — Entra ID, Okta, OneLogin — over the
/// directory the native API keeps: Users (principals of kind user) and Groups (kind group, nested groups included).
/// Create, read, replace, PATCH, delete, filter and page; the discovery documents; ETags (meta.version, If-Match); errors
/// as SCIM errors. A user made inactive is suspended, a user deleted is a leaver (PrincipalService).
/// </summary>
public static class ScimEndpoints
{
    public const string Tag = "SCIM";

    /// <summary>The largest request a SCIM client sends Pim (its budget of writes is Pim's, see Pim:RateLimits).</summary>
    public const int MaximumOperations = 1000;

    public static void MapScim(this IEndpointRouteBuilder app)
    {
        Map(app.MapGroup(ScimJson.BasePath), "");
        Map(app.MapGroup(ScimJson.BasePath + "/tenants/{tenantId:id}"), "Tenant");
    }

    /// <summary>One set of operations under a base: <paramref name="scope"/> names them apart ("" for the token's tenant, "Tenant" for the path's).</summary>
    private static void Map(RouteGroupBuilder scim, string scope)
    {
        scim.WithTags(Tag).HoldToWireBounds().RetryReads().WithMetadata(new EndpointMarkers.Scim());
        var inTenant = scope.Length > 0 ? " in the tenant the path names" : " in the token's tenant";
        scim.MapGet("/ServiceProviderConfig", ServiceProviderConfig).AllowAnonymous().WithName($"Get{scope}ScimServiceProviderConfig")
            .WithSummary("What Pim's SCIM service provider supports (RFC 7643 §5).");
        scim.MapGet("/ResourceTypes", ResourceTypes).AllowAnonymous().WithName($"List{scope}ScimResourceTypes").WithSummary("The resource types: User and Group.");
        scim.MapGet("/ResourceTypes/{resourceTypeId:id}", ResourceType).AllowAnonymous().WithName($"Get{scope}ScimResourceType").WithSummary("One resource type.");
        scim.MapGet("/Schemas", Schemas).AllowAnonymous().WithName($"List{scope}ScimSchemas").WithSummary("The schemas: User, Enterprise User, Group.");
        scim.MapGet("/Schemas/{schemaId}", Schema).AllowAnonymous().WithName($"Get{scope}ScimSchema").WithSummary("One schema, by its URN.");

        var users = scim.MapGroup("/Users").RequireAuthorization();
        users.MapGet("", ListUsers).WithName($"List{scope}ScimUsers")
            .WithSummary($"Users{inTenant} (operator), filtered (userName, externalId, displayName, emails.value, active; eq, ne, co, sw, ew, pr, and, or, not) and paged.");
        users.MapPost("", CreateUser).WithName($"Create{scope}ScimUser").Accepts<ScimUser>(ScimJson.MediaType, "application/json")
            .WithSummary($"Provision a user{inTenant} (operator); its id is its externalId when that is a valid principal id.")
            .AnswersWithHeader(201, OpenApiSetup.ETag);
        users.MapGet("/{id:id}", GetUser).WithName($"Get{scope}ScimUser").WithSummary($"One user{inTenant}.").AnswersWithHeader(200, OpenApiSetup.ETag);
        users.MapPut("/{id:id}", ReplaceUser).WithName($"Replace{scope}ScimUser").Accepts<ScimUser>(ScimJson.MediaType, "application/json")
            .WithSummary("Replace a user's attributes (If-Match optional); active: false suspends it, true restores it, left out keeps it as it is.")
            .AnswersWithHeader(200, OpenApiSetup.ETag).ProducesProblem(412);
        users.MapPatch("/{id:id}", PatchUser).WithName($"Patch{scope}ScimUser").Accepts<ScimPatchRequest>(ScimJson.MediaType, "application/json")
            .WithSummary("Change a user's attributes (add, replace, remove; with a path or without); active: false suspends it, true restores it.")
            .AnswersWithHeader(200, OpenApiSetup.ETag).ProducesProblem(412);
        users.MapDelete("/{id:id}", DeleteUser).WithName($"Delete{scope}ScimUser")
            .WithSummary("Deprovision a user (a leaver): its activations are revoked, its waiting requests canceled, its assignments removed.")
            .ProducesProblem(412);

        var groups = scim.MapGroup("/Groups").RequireAuthorization();
        groups.MapGet("", ListGroups).WithName($"List{scope}ScimGroups")
            .WithSummary($"Groups{inTenant} (operator), filtered (displayName, externalId, members.value; eq, ne, co, sw, ew, pr, and, or, not) and paged.");
        groups.MapPost("", CreateGroup).WithName($"Create{scope}ScimGroup").Accepts<ScimGroup>(ScimJson.MediaType, "application/json")
            .WithSummary($"Provision a group{inTenant} with its members (users and groups: nested groups count).")
            .AnswersWithHeader(201, OpenApiSetup.ETag);
        groups.MapGet("/{id:id}", GetGroup).WithName($"Get{scope}ScimGroup").WithSummary($"One group{inTenant}, with its direct members.")
            .AnswersWithHeader(200, OpenApiSetup.ETag);
        groups.MapPut("/{id:id}", ReplaceGroup).WithName($"Replace{scope}ScimGroup").Accepts<ScimGroup>(ScimJson.MediaType, "application/json")
            .WithSummary("Replace a group's name and members (If-Match optional).").AnswersWithHeader(200, OpenApiSetup.ETag).ProducesProblem(412);
        groups.MapPatch("/{id:id}", PatchGroup).WithName($"Patch{scope}ScimGroup").Accepts<ScimPatchRequest>(ScimJson.MediaType, "application/json")
            .WithSummary("Rename a group, add or remove members (members[value eq \"…\"], or a list of values).")
            .AnswersWithHeader(200, OpenApiSetup.ETag).ProducesProblem(412);
        groups.MapDelete("/{id:id}", DeleteGroup).WithName($"Delete{scope}ScimGroup")
            .WithSummary("Delete a group: its assignments go, its members lose it (and the groups above it), and what stood on that ends.")
            .ProducesProblem(412);
    }

    // ---------------------------------------------------------------- discovery

    public static ScimOk<ScimServiceProviderConfig> ServiceProviderConfig(HttpContext http) =>
        new(ScimJson.Write(new ScimServiceProviderConfig([ScimUrns.ServiceProviderConfig], new ScimSupported(true),
            new ScimBulk(false, 0, 0), new ScimFilterSupport(true, Paging.MaximumPageSize), new ScimSupported(false), new ScimSupported(false),
            new ScimSupported(true),
            [new ScimAuthenticationScheme("oauthbearertoken", "OAuth Bearer Token",
                "A bearer token (JWT) from the organisation's identity provider with the pim.operator scope, bound to the tenant (its tid), " +
                "or of a platform identity using /scim/v2/tenants/{tenantId}.", true)],
            new ScimMeta("ServiceProviderConfig", Location: ScimResources.Links.Of(http).Base + "/ServiceProviderConfig"))));

    private static ScimResourceType[] Types(HttpContext http)
    {
        var links = ScimResources.Links.Of(http);
        return
        [
            new([ScimUrns.ResourceType], "User", "User", "/Users", "A user of the directory (a principal of kind user).", ScimUrns.User,
                [new ScimSchemaExtension(ScimUrns.EnterpriseUser, false)], new ScimMeta("ResourceType", Location: links.Base + "/ResourceTypes/User")),
            new([ScimUrns.ResourceType], "Group", "Group", "/Groups", "A group of the directory (a principal of kind group); groups nest.", ScimUrns.Group,
                [], new ScimMeta("ResourceType", Location: links.Base + "/ResourceTypes/Group")),
        ];
    }

    public static ScimOk<ScimListResponse<ScimResourceType>> ResourceTypes(HttpContext http) => new(List(Types(http).Select(ScimJson.Write).ToList(), 2, 1));

    public static ScimOk<ScimResourceType> ResourceType(string resourceTypeId, HttpContext http) =>
        new(ScimJson.Write(Types(http).FirstOrDefault(t => t.Id.Equals(resourceTypeId, StringComparison.OrdinalIgnoreCase))
            ?? throw Errors.NotFound($"Resource type '{resourceTypeId}'")));

    public static ScimOk<ScimListResponse<ScimSchema>> Schemas() =>
        new(List(ScimSchemas.All.Select(ScimJson.Write).ToList(), ScimSchemas.All.Count, 1));

    public static ScimOk<ScimSchema> Schema([Wire<ScimBounds.Urn>] string schemaId) =>
        new(ScimJson.Write(ScimSchemas.All.FirstOrDefault(s => s.Id.Equals(schemaId, StringComparison.OrdinalIgnoreCase))
            ?? throw Errors.NotFound($"Schema '{schemaId}'")));

    // ---------------------------------------------------------------- users

    public static async Task<ScimOk<ScimListResponse<ScimUser>>> ListUsers(ScimCaller caller, [AsParameters] ScimListQuery query, HttpContext http,
        PrincipalService principals, CancellationToken ct)
    {
        var (offset, limit) = query.Page();
        var filter = query.Filter is { Length: > 0 } text ? ScimFilter.ForUsers(ScimFilter.Parse(text)) : null;
        var (items, total) = await principals.SearchAsync(caller, new PrincipalQuery([PrincipalKind.User], Filter: filter, Offset: offset, Limit: limit), ct);
        var names = await principals.DisplayNamesAsync(caller, items.SelectMany(p => p.TransitiveMemberOf).ToList(), ct);
        var links = ScimResources.Links.Of(http);
        return new(List(items.Select(p => ScimResources.Project(ScimJson.Write(ScimResources.User(p, names, links)), query.Attributes,
            query.ExcludedAttributes, ScimSchemas.User, ScimSchemas.EnterpriseUser)).ToList(), total, offset + 1));
    }

    public static async Task<ScimOk<ScimUser>> GetUser(ScimCaller caller, string id, [AsParameters] ScimProjection projection, HttpContext http,
        PrincipalService principals, CancellationToken ct)
    {
        var user = await UserAsync(caller, id, http, principals, ct);
        return new(ScimResources.Project(ScimJson.Write(user), projection.Attributes, projection.ExcludedAttributes, ScimSchemas.User,
            ScimSchemas.EnterpriseUser), user.Meta!.Version);
    }

    public static async Task<ScimCreated<ScimUser>> CreateUser(ScimCaller caller, ScimUser body, HttpContext http, PrincipalService principals,
        CancellationToken ct)
    {
        var principal = ScimResources.ToPrincipal(body, caller.Value.TenantId, ScimResources.NewId(body.ExternalId));
        var created = await principals.CreateAsync(caller, principal, MemberChange.None, ct);
        var user = await RenderUserAsync(caller, created, http, principals, ct);
        return new(ScimJson.Write(user), user.Meta!.Location!, user.Meta.Version!);
    }

    public static async Task<ScimOk<ScimUser>> ReplaceUser(ScimCaller caller, string id, ScimUser body,
        [FromHeader(Name = "If-Match"), Wire<ScimBounds.IfMatch>] string? ifMatch,
        HttpContext http, PrincipalService principals, CancellationToken ct)
    {
        // A PUT without active says nothing of it: a suspended user stays suspended.
        var replaced = await principals.ReplaceAsync(caller, ScimResources.ToPrincipal(body, caller.Value.TenantId, id), VersionOf(ifMatch),
            MemberChange.None, ct, keepEnabled: body.Active is null);
        var user = await RenderUserAsync(caller, replaced, http, principals, ct);
        return new(ScimJson.Write(user), user.Meta!.Version);
    }

    public static async Task<ScimOk<ScimUser>> PatchUser(ScimCaller caller, string id, ScimPatchRequest body,
        [FromHeader(Name = "If-Match"), Wire<ScimBounds.IfMatch>] string? ifMatch,
        HttpContext http, PrincipalService principals, CancellationToken ct)
    {
        RequirePatch(body);
        var patched = await ReadModifyWriteAsync(ifMatch, async version =>
        {
            var current = await UserAsync(caller, id, http, principals, ct, groups: false);
            var document = ScimJson.Write(current with { Meta = null });
            ScimPatch.Apply(document, body.Operations, ScimSchemas.User, ScimSchemas.EnterpriseUser);
            var next = ScimJson.Read<ScimUser>(document);
            Wire.EnsureWithinBounds(next);
            // active removed, or replaced by nothing, enables nobody: the user stays as it is.
            return await principals.ReplaceAsync(caller, ScimResources.ToPrincipal(next, caller.Value.TenantId, id), version ?? Version(current),
                MemberChange.None, ct, keepEnabled: next.Active is null);
        });
        var user = await RenderUserAsync(caller, patched, http, principals, ct);
        return new(ScimJson.Write(user), user.Meta!.Version);
    }

    public static async Task<NoContent> DeleteUser(ScimCaller caller, string id,
        [FromHeader(Name = "If-Match"), Wire<ScimBounds.IfMatch>] string? ifMatch, PrincipalService principals,
        CancellationToken ct)
    {
        await principals.DeleteAsync(caller, id, PrincipalKind.User, VersionOf(ifMatch), ct);
        return TypedResults.NoContent();
    }

    /// <summary>The principal a SCIM resource of <paramref name="kind"/> is: another kind is no such resource.</summary>
    private static async Task<Principal> PrincipalAsync(Caller caller, string id, PrincipalKind kind, PrincipalService principals, CancellationToken ct)
    {
        var principal = await principals.GetAsync(caller, id, ct);
        return principal.Kind == kind ? principal : throw Errors.NotFound($"{(kind == PrincipalKind.User ? "User" : "Group")} '{id}'");
    }

    private static async Task<ScimUser> UserAsync(Caller caller, string id, HttpContext http, PrincipalService principals, CancellationToken ct,
        bool groups = true)
    {
        var principal = await PrincipalAsync(caller, id, PrincipalKind.User, principals, ct);
        return groups ? await RenderUserAsync(caller, principal, http, principals, ct) : ScimResources.User(principal, null, ScimResources.Links.Of(http));
    }

    private static async Task<ScimUser> RenderUserAsync(Caller caller, Principal principal, HttpContext http, PrincipalService principals, CancellationToken ct) =>
        ScimResources.User(principal, await principals.DisplayNamesAsync(caller, principal.TransitiveMemberOf, ct), ScimResources.Links.Of(http));

    // ---------------------------------------------------------------- groups

    public static async Task<ScimOk<ScimListResponse<ScimGroup>>> ListGroups(ScimCaller caller, [AsParameters] ScimListQuery query, HttpContext http,
        PrincipalService principals, CancellationToken ct)
    {
        var (offset, limit) = query.Page();
        var filter = query.Filter is { Length: > 0 } text ? ScimFilter.ForGroups(ScimFilter.Parse(text)) : null;
        var (items, total) = await principals.SearchAsync(caller, new PrincipalQuery([PrincipalKind.Group], Filter: filter, Offset: offset, Limit: limit), ct);
        var links = ScimResources.Links.Of(http);
        var withMembers = Returns(query.Attributes, query.ExcludedAttributes, "members");
        var resources = new List<JsonObject>();
        foreach (var group in items)
            resources.Add(ScimResources.Project(ScimJson.Write(ScimResources.Group(group, withMembers ? await principals.MembersAsync(caller, group.Id, ct) : null,
                links)), query.Attributes, query.ExcludedAttributes, ScimSchemas.Group, null));
        return new(List(resources, total, offset + 1));
    }

    public static async Task<ScimOk<ScimGroup>> GetGroup(ScimCaller caller, string id, [AsParameters] ScimProjection projection, HttpContext http,
        PrincipalService principals, CancellationToken ct)
    {
        var group = await GroupAsync(caller, id, http, principals, ct, Returns(projection.Attributes, projection.ExcludedAttributes, "members"));
        return new(ScimResources.Project(ScimJson.Write(group), projection.Attributes, projection.ExcludedAttributes, ScimSchemas.Group, null),
            group.Meta!.Version);
    }

    public static async Task<ScimCreated<ScimGroup>> CreateGroup(ScimCaller caller, ScimGroup body, HttpContext http, PrincipalService principals,
        CancellationToken ct)
    {
        var (principal, members) = ScimResources.ToPrincipal(body, caller.Value.TenantId, ScimResources.NewId(body.ExternalId));
        var created = await principals.CreateAsync(caller, principal, members, ct);
        var group = ScimResources.Group(created, await principals.MembersAsync(caller, created.Id, ct), ScimResources.Links.Of(http));
        return new(ScimJson.Write(group), group.Meta!.Location!, group.Meta.Version!);
    }

    public static async Task<ScimOk<ScimGroup>> ReplaceGroup(ScimCaller caller, string id, ScimGroup body,
        [FromHeader(Name = "If-Match"), Wire<ScimBounds.IfMatch>] string? ifMatch,
        HttpContext http, PrincipalService principals, CancellationToken ct)
    {
        var (principal, members) = ScimResources.ToPrincipal(body, caller.Value.TenantId, id);
        var replaced = await principals.ReplaceAsync(caller, principal, VersionOf(ifMatch), members, ct);
        var group = ScimResources.Group(replaced, await principals.MembersAsync(caller, id, ct), ScimResources.Links.Of(http));
        return new(ScimJson.Write(group), group.Meta!.Version);
    }

    public static async Task<ScimOk<ScimGroup>> PatchGroup(ScimCaller caller, string id, ScimPatchRequest body,
        [FromHeader(Name = "If-Match"), Wire<ScimBounds.IfMatch>] string? ifMatch,
        HttpContext http, PrincipalService principals, CancellationToken ct)
    {
        RequirePatch(body);
        var patched = await ReadModifyWriteAsync(ifMatch, async version =>
        {
            // The members are changed as the operations say, not read into the document: a group may have many.
            var current = await GroupAsync(caller, id, http, principals, ct, members: false);
            var document = ScimJson.Write(current with { Meta = null });
            var members = ScimPatch.Apply(document, body.Operations, ScimSchemas.Group, null);
            var next = ScimJson.Read<ScimGroup>(document);
            Wire.EnsureWithinBounds(next);
            var (principal, _) = ScimResources.ToPrincipal(next, caller.Value.TenantId, id);
            return await principals.ReplaceAsync(caller, principal, version ?? Version(current), members, ct);
        });
        var group = ScimResources.Group(patched, await principals.MembersAsync(caller, id, ct), ScimResources.Links.Of(http));
        return new(ScimJson.Write(group), group.Meta!.Version);
    }

    public static async Task<NoContent> DeleteGroup(ScimCaller caller, string id,
        [FromHeader(Name = "If-Match"), Wire<ScimBounds.IfMatch>] string? ifMatch, PrincipalService principals,
        CancellationToken ct)
    {
        await principals.DeleteAsync(caller, id, PrincipalKind.Group, VersionOf(ifMatch), ct);
        return TypedResults.NoContent();
    }

    private static async Task<ScimGroup> GroupAsync(Caller caller, string id, HttpContext http, PrincipalService principals, CancellationToken ct,
        bool members = true)
    {
        var principal = await PrincipalAsync(caller, id, PrincipalKind.Group, principals, ct);
        return ScimResources.Group(principal, members ? await principals.MembersAsync(caller, id, ct) : null, ScimResources.Links.Of(http));
    }

    // ---------------------------------------------------------------- the protocol

    private static JsonObject List(IReadOnlyList<JsonObject> resources, int total, int startIndex) => new()
    {
        ["schemas"] = new JsonArray(ScimUrns.ListResponse),
        ["totalResults"] = total,
        ["startIndex"] = startIndex,
        ["itemsPerPage"] = resources.Count,
        ["Resources"] = new JsonArray([.. resources]),
    };

    private static void RequirePatch(ScimPatchRequest body)
    {
        if (body.Schemas is null || !body.Schemas.Contains(ScimUrns.PatchOp, StringComparer.OrdinalIgnoreCase))
            throw Errors.InvalidField("schemas", $"A PATCH request's schemas name {ScimUrns.PatchOp}.");
        if (body.Operations is null || body.Operations.Count == 0) throw Errors.InvalidField("Operations", "A PATCH request has at least one operation.");
    }

    /// <summary>Whether an attribute is returned, given the request's attributes and excludedAttributes.</summary>
    private static bool Returns(string? attributes, string? excluded, string name)
    {
        static bool Names(string? list, string name) =>
            (list ?? "").Split(',', StringSplitOptions.TrimEntries).Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase)
                                                                             || a.StartsWith(name + ".", StringComparison.OrdinalIgnoreCase));
        return string.IsNullOrWhiteSpace(attributes) ? !Names(excluded, name) : Names(attributes, name);
    }

    /// <summary>The version If-Match names; null without one or for <c>*</c> (any version); -1 for one this API never gave out.</summary>
    private static int? VersionOf(string? ifMatch) => ifMatch?.Trim() == "*" ? null : ETags.VersionOf(ifMatch);

    private static int Version(ScimUser user) => ETags.VersionOf(user.Meta?.Version) ?? 0;
    private static int Version(ScimGroup group) => ETags.VersionOf(group.Meta?.Version) ?? 0;

    /// <summary>
    /// A PATCH: read, change, write at the version read. A client that sent If-Match gets <c>412</c> when another change came
    /// first; one that did not (most provisioning clients) has its PATCH applied again on what that change left, a few times.
    /// </summary>
    private static async Task<Principal> ReadModifyWriteAsync(string? ifMatch, Func<int?, Task<Principal>> attempt)
    {
        var version = VersionOf(ifMatch);
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt(version);
            }
            catch (PimException e) when (e.Code == ErrorCodes.PreconditionFailed && version is null && tries < 5)
            {
            }
        }
    }
}
