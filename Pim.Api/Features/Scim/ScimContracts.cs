using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pim.Api.Features.Scim;

// The resources and messages of SCIM 2.0 (RFC 7643, RFC 7644) as Pim reads and writes them. Attribute names are read
// without case (RFC 7643 §2.1); requests are read by ScimJson (application/scim+json or application/json), answers are
// application/scim+json without the attributes that have no value.

/// <summary>The URNs of the schemas and messages Pim speaks.</summary>
public static class ScimUrns
{
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string Group = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string Error = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";
}

/// <summary>What the server keeps about a resource: its type, when it was created and last changed, where it is, its version (the ETag).</summary>
public sealed record ScimMeta(string? ResourceType = null, DateTimeOffset? Created = null, DateTimeOffset? LastModified = null, string? Location = null,
    string? Version = null);

public sealed record ScimName(string? Formatted = null, string? FamilyName = null, string? GivenName = null, string? MiddleName = null,
    string? HonorificPrefix = null, string? HonorificSuffix = null);

/// <summary>One value of a multi-valued attribute: an email, a phone number, an instant-messaging address, a photo, an entitlement, a role, a certificate.</summary>
public sealed record ScimMultiValue(string? Value = null, string? Display = null, string? Type = null, bool? Primary = null);

public sealed record ScimAddress(string? Formatted = null, string? StreetAddress = null, string? Locality = null, string? Region = null,
    string? PostalCode = null, string? Country = null, string? Type = null, bool? Primary = null);

/// <summary>A group the user is a member of (read-only): <c>direct</c>, or <c>indirect</c> through nested groups.</summary>
public sealed record ScimGroupRef(string Value, [property: JsonPropertyName("$ref")] string? Ref = null, string? Display = null, string? Type = null);

/// <summary>A member of a group: a user or a group (nested).</summary>
public sealed record ScimMember(string? Value = null, [property: JsonPropertyName("$ref")] string? Ref = null, string? Display = null, string? Type = null);

public sealed record ScimManager(string? Value = null, [property: JsonPropertyName("$ref")] string? Ref = null, string? DisplayName = null);

/// <summary>The Enterprise User extension (RFC 7643 §4.3).</summary>
public sealed record ScimEnterpriseUser(string? EmployeeNumber = null, string? CostCenter = null, string? Organization = null, string? Division = null,
    string? Department = null, ScimManager? Manager = null);

/// <summary>
/// A user (RFC 7643 §4.1), with the Enterprise User extension. Pim keeps every attribute; it reads <c>userName</c>,
/// <c>externalId</c>, <c>displayName</c> (else a name made of <c>name</c> or <c>userName</c>), the primary email and
/// <c>active</c>. <c>password</c> is accepted and never kept (Pim signs nobody in); <c>id</c>, <c>groups</c> and
/// <c>meta</c> are the server's (read-only: ignored when sent).
/// </summary>
public sealed record ScimUser(
    IReadOnlyList<string> Schemas,
    string? Id = null,
    string? ExternalId = null,
    string? UserName = null,
    ScimName? Name = null,
    string? DisplayName = null,
    string? NickName = null,
    string? ProfileUrl = null,
    string? Title = null,
    string? UserType = null,
    string? PreferredLanguage = null,
    string? Locale = null,
    string? Timezone = null,
    bool? Active = null,
    string? Password = null,
    IReadOnlyList<ScimMultiValue>? Emails = null,
    IReadOnlyList<ScimMultiValue>? PhoneNumbers = null,
    IReadOnlyList<ScimMultiValue>? Ims = null,
    IReadOnlyList<ScimMultiValue>? Photos = null,
    IReadOnlyList<ScimAddress>? Addresses = null,
    IReadOnlyList<ScimGroupRef>? Groups = null,
    IReadOnlyList<ScimMultiValue>? Entitlements = null,
    IReadOnlyList<ScimMultiValue>? Roles = null,
    IReadOnlyList<ScimMultiValue>? X509Certificates = null,
    [property: JsonPropertyName(ScimUrns.EnterpriseUser)] ScimEnterpriseUser? EnterpriseUser = null,
    ScimMeta? Meta = null)
{
    public static ValueTask<ScimUser?> BindAsync(HttpContext http) => ScimJson.ReadAsync<ScimUser>(http);
}

/// <summary>A group (RFC 7643 §4.2): its members are users and groups (nested groups count: a member of a member is a member).</summary>
public sealed record ScimGroup(
    IReadOnlyList<string> Schemas,
    string? Id = null,
    string? ExternalId = null,
    string? DisplayName = null,
    IReadOnlyList<ScimMember>? Members = null,
    ScimMeta? Meta = null)
{
    public static ValueTask<ScimGroup?> BindAsync(HttpContext http) => ScimJson.ReadAsync<ScimGroup>(http);
}

/// <summary>One PATCH operation (RFC 7644 §3.5.2): <c>add</c>, <c>replace</c> or <c>remove</c> (in any case), at <c>path</c> or, without one, on the attributes <c>value</c> names.</summary>
public sealed record ScimPatchOperation(string Op, string? Path = null, JsonElement Value = default);

public sealed record ScimPatchRequest(IReadOnlyList<string> Schemas, [property: JsonPropertyName("Operations")] IReadOnlyList<ScimPatchOperation> Operations)
{
    public static ValueTask<ScimPatchRequest?> BindAsync(HttpContext http) => ScimJson.ReadAsync<ScimPatchRequest>(http);
}

/// <summary>A page of resources (RFC 7644 §3.4.2): <c>startIndex</c> counts from 1.</summary>
public sealed record ScimListResponse<T>(IReadOnlyList<string> Schemas, int TotalResults, int StartIndex, int ItemsPerPage,
    [property: JsonPropertyName("Resources")] IReadOnlyList<T> Resources);

/// <summary>A SCIM error (RFC 7644 §3.12): the HTTP status as a string, and for the errors SCIM names, their <c>scimType</c>.</summary>
public sealed record ScimError(IReadOnlyList<string> Schemas, string Status, string? ScimType = null, string? Detail = null);

public sealed record ScimSupported(bool Supported);

public sealed record ScimBulk(bool Supported, int MaxOperations, int MaxPayloadSize);

public sealed record ScimFilterSupport(bool Supported, int MaxResults);

public sealed record ScimAuthenticationScheme(string Type, string Name, string Description, bool? Primary = null);

/// <summary>What Pim's SCIM service provider supports (RFC 7643 §5).</summary>
public sealed record ScimServiceProviderConfig(IReadOnlyList<string> Schemas, ScimSupported Patch, ScimBulk Bulk, ScimFilterSupport Filter,
    ScimSupported ChangePassword, ScimSupported Sort, ScimSupported Etag, IReadOnlyList<ScimAuthenticationScheme> AuthenticationSchemes,
    ScimMeta Meta);

public sealed record ScimSchemaExtension(string Schema, bool Required);

/// <summary>A resource type (RFC 7643 §6): User or Group, where it lives and the schemas it is made of.</summary>
public sealed record ScimResourceType(IReadOnlyList<string> Schemas, string Id, string Name, string Endpoint, string Description, string Schema,
    IReadOnlyList<ScimSchemaExtension> SchemaExtensions, ScimMeta Meta);

/// <summary>An attribute of a schema (RFC 7643 §7).</summary>
public sealed record ScimAttribute(string Name, string Type, bool MultiValued, string Description, bool Required, bool CaseExact, string Mutability,
    string Returned, string Uniqueness, IReadOnlyList<ScimAttribute>? SubAttributes = null, IReadOnlyList<string>? CanonicalValues = null,
    IReadOnlyList<string>? ReferenceTypes = null);

/// <summary>A schema (RFC 7643 §7): the attributes of a resource or of an extension.</summary>
public sealed record ScimSchema(IReadOnlyList<string> Schemas, string Id, string Name, string Description, IReadOnlyList<ScimAttribute> Attributes,
    ScimMeta Meta);
