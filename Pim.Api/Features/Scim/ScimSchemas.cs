namespace Pim.Api.Features.Scim;

/// <summary>
/// The schemas of the resources Pim serves (RFC 7643 §4, §8.7.1): User, the Enterprise User extension and Group, as
/// <c>/Schemas</c> answers them. PATCH paths and filters are resolved against them (names without case).
/// </summary>
public static class ScimSchemas
{
    private const string ReadWrite = "readWrite", ReadOnly = "readOnly", WriteOnly = "writeOnly";
    private const string Default = "default", Always = "always", Never = "never";

    private static ScimAttribute Text(string name, string description, bool required = false, bool caseExact = false, string mutability = ReadWrite,
        string returned = Default, string uniqueness = "none", string[]? canonical = null) =>
        new(name, "string", false, description, required, caseExact, mutability, returned, uniqueness, null, canonical);

    private static ScimAttribute Flag(string name, string description) => new(name, "boolean", false, description, false, false, ReadWrite, Default, "none");

    private static ScimAttribute Reference(string name, string description, string[] types, string mutability = ReadWrite) =>
        new(name, "reference", false, description, false, false, mutability, Default, "none", ReferenceTypes: types);

    private static ScimAttribute Complex(string name, string description, bool multiValued, ScimAttribute[] subAttributes, string mutability = ReadWrite) =>
        new(name, "complex", multiValued, description, false, false, mutability, Default, "none", subAttributes);

    /// <summary>A multi-valued attribute of value, display, type and primary (emails, phone numbers, …).</summary>
    private static ScimAttribute Values(string name, string description, string[] types) => Complex(name, description, true,
    [
        Text("value", $"The value of one of the user's {name}."),
        Text("display", "A name for display."),
        Text("type", "What kind of value it is.", canonical: types),
        Flag("primary", "The primary value; at most one is."),
    ]);

    public static readonly ScimSchema User = new([ScimUrns.Schema], ScimUrns.User, "User", "User Account",
    [
        Text("userName", "The name the user signs in with, unique in the tenant (without case).", required: true, uniqueness: "server"),
        Complex("name", "The components of the user's name.", false,
        [
            Text("formatted", "The full name, formatted for display."),
            Text("familyName", "The family name."),
            Text("givenName", "The given name."),
            Text("middleName", "The middle names."),
            Text("honorificPrefix", "Honorific prefixes, such as 'Ms.'."),
            Text("honorificSuffix", "Honorific suffixes, such as 'III'."),
        ]),
        Text("displayName", "The name Pim shows (its notifications, its lists); when absent, made of name or userName."),
        Text("nickName", "The casual name."),
        Reference("profileUrl", "The user's online profile.", ["external"]),
        Text("title", "The user's title, such as 'Vice President'."),
        Text("userType", "The relationship to the organisation, such as 'Employee' or 'Contractor'."),
        Text("preferredLanguage", "The preferred language (RFC 7231 Accept-Language)."),
        Text("locale", "The locale (such as 'en-US')."),
        Text("timezone", "The time zone (IANA, such as 'Europe/Paris')."),
        Flag("active", "false suspends the user: it holds nothing (activations revoked, waiting requests canceled, assignments suspended) until true again."),
        Text("password", "Accepted and never kept: Pim signs nobody in.", mutability: WriteOnly, returned: Never),
        Values("emails", "Email addresses; Pim mails the primary one (else the first).", ["work", "home", "other"]),
        Values("phoneNumbers", "Phone numbers.", ["work", "home", "mobile", "fax", "pager", "other"]),
        Values("ims", "Instant-messaging addresses.", ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
        Values("photos", "Photos of the user.", ["photo", "thumbnail"]),
        Complex("addresses", "Physical addresses.", true,
        [
            Text("formatted", "The full address, formatted for display."),
            Text("streetAddress", "The street."),
            Text("locality", "The city or locality."),
            Text("region", "The state or region."),
            Text("postalCode", "The postal code."),
            Text("country", "The country (ISO 3166-1 alpha-2)."),
            Text("type", "What kind of address it is.", canonical: ["work", "home", "other"]),
            Flag("primary", "The primary address; at most one is."),
        ]),
        Complex("groups", "The groups the user is a member of: 'direct', or 'indirect' through nested groups. Change a group's members to change them.", true,
        [
            Text("value", "The group's id.", mutability: ReadOnly),
            Reference("$ref", "The group's URI.", ["Group"], ReadOnly),
            Text("display", "The group's display name.", mutability: ReadOnly),
            Text("type", "direct or indirect.", mutability: ReadOnly, canonical: ["direct", "indirect"]),
        ], ReadOnly),
        Values("entitlements", "Entitlements.", []),
        Values("roles", "Roles (as the client has them; Pim's roles are its role assignments).", []),
        Values("x509Certificates", "Certificates (DER, base64).", []),
    ], new ScimMeta("Schema", Location: "/Schemas/" + ScimUrns.User));

    public static readonly ScimSchema EnterpriseUser = new([ScimUrns.Schema], ScimUrns.EnterpriseUser, "EnterpriseUser", "Enterprise User",
    [
        Text("employeeNumber", "The number the organisation gives the user."),
        Text("costCenter", "The cost center."),
        Text("organization", "The organisation."),
        Text("division", "The division."),
        Text("department", "The department."),
        Complex("manager", "The user's manager.", false,
        [
            Text("value", "The manager's id."),
            Reference("$ref", "The manager's URI.", ["User"]),
            Text("displayName", "The manager's display name.", mutability: ReadOnly),
        ]),
    ], new ScimMeta("Schema", Location: "/Schemas/" + ScimUrns.EnterpriseUser));

    public static readonly ScimSchema Group = new([ScimUrns.Schema], ScimUrns.Group, "Group", "Group",
    [
        Text("displayName", "The group's name.", required: true),
        Complex("members", "The group's direct members: users and groups (a member of a member group is a member too).", true,
        [
            Text("value", "The member's id.", mutability: "immutable"),
            Reference("$ref", "The member's URI.", ["User", "Group"], "immutable"),
            Text("display", "The member's display name.", mutability: ReadOnly),
            Text("type", "User or Group.", mutability: "immutable", canonical: ["User", "Group"]),
        ]),
    ], new ScimMeta("Schema", Location: "/Schemas/" + ScimUrns.Group));

    /// <summary>The attributes every resource has (RFC 7643 §3.1): the client's externalId, and the server's id and meta.</summary>
    public static readonly IReadOnlyList<ScimAttribute> Common =
    [
        Text("id", "The server's id of the resource.", caseExact: true, mutability: ReadOnly, returned: Always, uniqueness: "server"),
        Text("externalId", "The client's id of the resource, unique in the tenant.", caseExact: true),
        Complex("meta", "What the server keeps about the resource.", false, [], ReadOnly),
    ];

    public static readonly IReadOnlyList<ScimSchema> All = [User, EnterpriseUser, Group];
}
