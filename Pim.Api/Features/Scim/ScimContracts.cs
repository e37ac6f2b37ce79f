using System.Text.Json;
using System.Text.Json.Serialization;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

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
public sealed record ScimMeta([Wire<Vocabulary.ScimResourceTypeName>] string? ResourceType = null, DateTimeOffset? Created = null,
    DateTimeOffset? LastModified = null, [Wire<Bounds.Url>] string? Location = null,
    [Wire<ScimBounds.Version>] string? Version = null);

public sealed record ScimName([Wire<DisplayName>] string? Formatted = null, [Wire<DisplayName>] string? FamilyName = null,
    [Wire<DisplayName>] string? GivenName = null, [Wire<DisplayName>] string? MiddleName = null,
    [Wire<DisplayName>] string? HonorificPrefix = null, [Wire<DisplayName>] string? HonorificSuffix = null);

/// <summary>
/// One of a user's emails: its value is an email address as the native API has one (<see cref="EmailAddress"/>: the same
/// bound on the wire); that it is one mailbox is the domain's rule (<see cref="Pim.Domain.PrincipalValues.IsEmail"/>), held
/// before Pim keeps it.
/// </summary>
public sealed record ScimEmail([Wire<EmailAddress>] string? Value = null, [Wire<DisplayName>] string? Display = null, [Text(1024)] string? Type = null,
    bool? Primary = null);

/// <summary>One value of a multi-valued attribute: a phone number, an instant-messaging address, a photo, an entitlement, a role, a certificate.</summary>
public sealed record ScimMultiValue([Text(1024)] string? Value = null, [Wire<DisplayName>] string? Display = null, [Text(1024)] string? Type = null,
    bool? Primary = null);

public sealed record ScimAddress([Text(1024)] string? Formatted = null, [Text(1024)] string? StreetAddress = null,
    [Text(1024)] string? Locality = null, [Text(1024)] string? Region = null,
    [Text(1024)] string? PostalCode = null, [Text(1024)] string? Country = null, [Text(1024)] string? Type = null, bool? Primary = null);

/// <summary>A group the user is a member of (read-only): <c>direct</c>, or <c>indirect</c> through nested groups.</summary>
public sealed record ScimGroupRef([Wire<PrincipalId>] string Value, [property: JsonPropertyName("$ref")] [Wire<Bounds.Url>] string? Ref = null,
    [Wire<DisplayName>] string? Display = null, [Wire<Vocabulary.ScimGroupType>] string? Type = null);

/// <summary>A member of a group: a user or a group (nested).</summary>
public sealed record ScimMember([Wire<PrincipalId>] string? Value = null, [property: JsonPropertyName("$ref")] [Wire<Bounds.Url>] string? Ref = null,
    [Wire<DisplayName>] string? Display = null, [Wire<Vocabulary.ScimMemberType>] string? Type = null);

public sealed record ScimManager([Wire<Bounds.Subject>] string? Value = null,
    [property: JsonPropertyName("$ref")] [Wire<Bounds.Url>] string? Ref = null, [Wire<DisplayName>] string? DisplayName = null);

/// <summary>The Enterprise User extension (RFC 7643 §4.3).</summary>
public sealed record ScimEnterpriseUser([Text(1024)] string? EmployeeNumber = null, [Text(1024)] string? CostCenter = null,
    [Text(1024)] string? Organization = null, [Text(1024)] string? Division = null,
    [Text(1024)] string? Department = null, ScimManager? Manager = null);

/// <summary>
/// A user (RFC 7643 §4.1), with the Enterprise User extension. Pim keeps every attribute; it reads <c>userName</c>,
/// <c>externalId</c>, <c>displayName</c> (else a name made of <c>name</c> or <c>userName</c>), the primary email and
/// <c>active</c>. <c>password</c> is accepted and never kept (Pim signs nobody in); <c>id</c>, <c>groups</c> and
/// <c>meta</c> are the server's (read-only: ignored when sent).
/// </summary>
public sealed record ScimUser(
    [MaxItems(10), Wire<ScimBounds.Urn>] IReadOnlyList<string> Schemas,
    [Wire<Bounds.EntityId>] string? Id = null,
    [Wire<Bounds.Subject>] string? ExternalId = null,
    [Wire<Bounds.Subject>] string? UserName = null,
    ScimName? Name = null,
    [Wire<DisplayName>] string? DisplayName = null,
    [Wire<DisplayName>] string? NickName = null,
    [Wire<Bounds.Url>] string? ProfileUrl = null,
    [Text(128)] string? Title = null,
    [Text(1024)] string? UserType = null,
    [Text(1024)] string? PreferredLanguage = null,
    [Text(1024)] string? Locale = null,
    [Text(1024)] string? Timezone = null,
    bool? Active = null,
    [Text(1024)] string? Password = null,
    [MaxItems(20)] IReadOnlyList<ScimEmail>? Emails = null,
    [MaxItems(20)] IReadOnlyList<ScimMultiValue>? PhoneNumbers = null,
    [MaxItems(20)] IReadOnlyList<ScimMultiValue>? Ims = null,
    [MaxItems(20)] IReadOnlyList<ScimMultiValue>? Photos = null,
    [MaxItems(20)] IReadOnlyList<ScimAddress>? Addresses = null,
    [MaxItems(Principal.MaximumTransitiveMemberOf)] IReadOnlyList<ScimGroupRef>? Groups = null,
    [MaxItems(20)] IReadOnlyList<ScimMultiValue>? Entitlements = null,
    [MaxItems(20)] IReadOnlyList<ScimMultiValue>? Roles = null,
    [MaxItems(20)] IReadOnlyList<ScimMultiValue>? X509Certificates = null,
    [property: JsonPropertyName(ScimUrns.EnterpriseUser)] ScimEnterpriseUser? EnterpriseUser = null,
    ScimMeta? Meta = null)
{
    public static ValueTask<ScimUser?> BindAsync(HttpContext http) => ScimJson.ReadAsync<ScimUser>(http);
}

/// <summary>A group (RFC 7643 §4.2): its members are users and groups (nested groups count: a member of a member is a member).</summary>
public sealed record ScimGroup(
    [MaxItems(10), Wire<ScimBounds.Urn>] IReadOnlyList<string> Schemas,
    [Wire<Bounds.EntityId>] string? Id = null,
    [Wire<Bounds.Subject>] string? ExternalId = null,
    [Wire<DisplayName>] string? DisplayName = null,
    [MaxItems(Principal.MaximumMembers)] IReadOnlyList<ScimMember>? Members = null,
    ScimMeta? Meta = null)
{
    public static ValueTask<ScimGroup?> BindAsync(HttpContext http) => ScimJson.ReadAsync<ScimGroup>(http);
}

/// <summary>One PATCH operation (RFC 7644 §3.5.2): <c>add</c>, <c>replace</c> or <c>remove</c> (in any case), at <c>path</c> or, without one, on the attributes <c>value</c> names.</summary>
public sealed record ScimPatchOperation([Wire<ScimBounds.Operation>] string Op, [Wire<ScimBounds.AttributePath>] string? Path = null,
    [Wire<ScimBounds.PatchValue>] JsonElement Value = default);

public sealed record ScimPatchRequest([MaxItems(10), Wire<ScimBounds.Urn>] IReadOnlyList<string> Schemas,
    [property: JsonPropertyName("Operations")] [MaxItems(Features.Scim.ScimEndpoints.MaximumOperations)] IReadOnlyList<ScimPatchOperation> Operations)
{
    public static ValueTask<ScimPatchRequest?> BindAsync(HttpContext http) => ScimJson.ReadAsync<ScimPatchRequest>(http);
}

/// <summary>A page of resources (RFC 7644 §3.4.2): <c>startIndex</c> counts from 1.</summary>
public sealed record ScimListResponse<T>([MaxItems(10), Wire<ScimBounds.Urn>] IReadOnlyList<string> Schemas,
    [Between(0, int.MaxValue)] int TotalResults, [Between(0, 1_000_000_000)] int StartIndex, [Between(0, Paging.MaximumPageSize)] int ItemsPerPage,
    [property: JsonPropertyName("Resources")] [MaxItems(Paging.MaximumPageSize)] IReadOnlyList<T> Resources);

/// <summary>A SCIM error (RFC 7644 §3.12): the HTTP status as a string, and for the errors SCIM names, their <c>scimType</c>.</summary>
public sealed record ScimError([MaxItems(10), Wire<ScimBounds.Urn>] IReadOnlyList<string> Schemas, [Wire<ScimBounds.Status>] string Status,
    [Wire<Vocabulary.ScimErrorType>] string? ScimType = null, [Text(Problems.MaxDetail)] string? Detail = null);

public sealed record ScimSupported(bool Supported);

public sealed record ScimBulk(bool Supported, [Between(0, int.MaxValue)] int MaxOperations, [Between(0, int.MaxValue)] int MaxPayloadSize);

public sealed record ScimFilterSupport(bool Supported, [Between(0, int.MaxValue)] int MaxResults);

public sealed record ScimAuthenticationScheme([Text(1024)] string Type, [Text(1024)] string Name, [Text(Rules.MaxDescription)] string Description,
    bool? Primary = null);

/// <summary>What Pim's SCIM service provider supports (RFC 7643 §5).</summary>
public sealed record ScimServiceProviderConfig([MaxItems(10), Wire<ScimBounds.Urn>] IReadOnlyList<string> Schemas, ScimSupported Patch, ScimBulk Bulk,
    ScimFilterSupport Filter,
    ScimSupported ChangePassword, ScimSupported Sort, ScimSupported Etag, [MaxItems(5)] IReadOnlyList<ScimAuthenticationScheme> AuthenticationSchemes,
    ScimMeta Meta);

public sealed record ScimSchemaExtension([Wire<ScimBounds.Urn>] string Schema, bool Required);

/// <summary>A resource type (RFC 7643 §6): User or Group, where it lives and the schemas it is made of.</summary>
public sealed record ScimResourceType([MaxItems(10), Wire<ScimBounds.Urn>] IReadOnlyList<string> Schemas, [Wire<Bounds.EntityId>] string Id,
    [Wire<Bounds.EntityId>] string Name, [Wire<ScimBounds.Endpoint>] string Endpoint, [Text(Rules.MaxDescription)] string Description,
    [Wire<ScimBounds.Urn>] string Schema,
    [MaxItems(5)] IReadOnlyList<ScimSchemaExtension> SchemaExtensions, ScimMeta Meta);

/// <summary>An attribute of a schema (RFC 7643 §7).</summary>
public sealed record ScimAttribute([Wire<ScimBounds.AttributeName>] string Name, [Wire<Vocabulary.ScimAttributeType>] string Type, bool MultiValued,
    [Text(Rules.MaxDescription)] string Description, bool Required, bool CaseExact, [Wire<Vocabulary.ScimMutability>] string Mutability,
    [Wire<Vocabulary.ScimReturned>] string Returned, [Wire<Vocabulary.ScimUniqueness>] string Uniqueness,
    [MaxItems(20)] IReadOnlyList<ScimAttribute>? SubAttributes = null, [MaxItems(20), Text(1024)] IReadOnlyList<string>? CanonicalValues = null,
    [MaxItems(10), Text(1024)] IReadOnlyList<string>? ReferenceTypes = null);

/// <summary>A schema (RFC 7643 §7): the attributes of a resource or of an extension.</summary>
public sealed record ScimSchema([MaxItems(10), Wire<ScimBounds.Urn>] IReadOnlyList<string> Schemas, [Wire<ScimBounds.Urn>] string Id,
    [Wire<Bounds.EntityId>] string Name, [Text(Rules.MaxDescription)] string Description, [MaxItems(50)] IReadOnlyList<ScimAttribute> Attributes,
    ScimMeta Meta);
