using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Pim.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pim.Api.Http;

public static partial class Wire
{
    /// <summary>SCIM (Features/Scim): what a provisioning client sends of a user or a group, and the protocol's own fields.</summary>
    private static Dictionary<string, WireField> Scim()
    {
        var scimText = Text(1024);
        var urn = new WireField { MaxLength = 256, Pattern = "^urn:[A-Za-z0-9:._-]+$", Says = "a URN, such as urn:ietf:params:scim:schemas:core:2.0:User" };
        var count = new WireField { Minimum = 0, Maximum = int.MaxValue };
        var values = new WireField { MaxItems = 20 };
        var url = new WireField { MaxLength = RequestBase.MaximumUrlLength, Format = "uri" };
        var identifier = new WireField { MaxLength = Rules.MaxSubject, Pattern = Rules.PrintablePattern, Says = "printable characters" };
        // SCIM's If-Match is optional, and may be * (any version).
        var ifMatch = new WireField { MaxLength = 16, Pattern = "^(\\*|(W/)?\"[0-9]+\")$", Says = "an ETag this API gave out, such as \"3\", or *" };
        var fields = new Dictionary<string, WireField>(StringComparer.Ordinal)
        {
            ["schemas"] = new() { MaxItems = 10, Items = urn },
            ["userName"] = identifier,
            ["externalId"] = identifier,
            ["nickName"] = DisplayName,
            ["profileUrl"] = url,
            ["userType"] = scimText,
            ["preferredLanguage"] = scimText,
            ["locale"] = scimText,
            ["timezone"] = scimText,
            ["password"] = scimText,
            ["emails"] = values,
            ["phoneNumbers"] = values,
            ["ims"] = values,
            ["photos"] = values,
            ["addresses"] = values,
            ["entitlements"] = values,
            ["roles"] = values,
            ["x509Certificates"] = values,
            ["ScimUser.groups"] = new() { MaxItems = Principal.MaximumTransitiveMemberOf },
            ["ScimGroup.members"] = new() { MaxItems = Principal.MaximumMembers },
            ["formatted"] = scimText,
            // What a display name is made of is held to a display name's rule (an address's formatted value may have lines).
            ["ScimName.formatted"] = DisplayName,
            ["familyName"] = DisplayName,
            ["givenName"] = DisplayName,
            ["middleName"] = DisplayName,
            ["honorificPrefix"] = DisplayName,
            ["honorificSuffix"] = DisplayName,
            ["streetAddress"] = scimText,
            ["locality"] = scimText,
            ["region"] = scimText,
            ["postalCode"] = scimText,
            ["country"] = scimText,
            ["employeeNumber"] = scimText,
            ["costCenter"] = scimText,
            ["organization"] = scimText,
            ["division"] = scimText,
            ["department"] = scimText,
            ["ScimMultiValue.value"] = scimText,
            ["ScimGroupRef.value"] = Id,
            ["ScimMember.value"] = Id,
            ["ScimManager.value"] = identifier,
            ["ScimPatchOperation.value"] = new() { MaxLength = 256 * 1024 },
            ["display"] = DisplayName,
            ["$ref"] = url,
            ["ScimMultiValue.type"] = scimText,
            ["ScimAddress.type"] = scimText,
            ["ScimGroupRef.type"] = Values("ScimGroupType", ["direct", "indirect"]),
            ["ScimMember.type"] = Values("ScimMemberType", ["User", "Group"]),
            ["resourceType"] = Values("ScimResourceTypeName", ["User", "Group", "Schema", "ResourceType", "ServiceProviderConfig"]),
            ["location"] = url,
            ["version"] = new() { MaxLength = 16, Pattern = "^(W/)?\"[0-9]+\"$", Says = "an ETag, such as \"3\"" },
            ["Operations"] = new() { MaxItems = Features.Scim.ScimEndpoints.MaximumOperations },
            ["op"] = new() { MaxLength = 7, Pattern = "^([Aa][Dd][Dd]|[Rr][Ee][Pp][Ll][Aa][Cc][Ee]|[Rr][Ee][Mm][Oo][Vv][Ee])$", Says = "add, replace or remove" },
            ["path"] = new() { MaxLength = 1024, Pattern = Rules.PrintablePattern, Says = "printable characters" },
            // Its characters are the filter's to refuse (invalidFilter, escaped ones too), not the wire's (invalidValue).
            ["filter"] = new() { MaxLength = Features.Scim.ScimFilter.MaximumLength, Says = "a SCIM filter (RFC 7644), without control characters" },
            ["attributes"] = new() { MaxLength = 1024, Pattern = Rules.PrintablePattern, Says = "printable characters" },
            ["excludedAttributes"] = new() { MaxLength = 1024, Pattern = Rules.PrintablePattern, Says = "printable characters" },
            ["startIndex"] = new() { Minimum = 0, Maximum = 1_000_000_000 },
            ["count"] = new() { Minimum = 0, Maximum = 10_000 },
            ["totalResults"] = count,
            ["itemsPerPage"] = new() { Minimum = 0, Maximum = Paging.MaximumPageSize },
            ["Resources"] = new() { MaxItems = Paging.MaximumPageSize },
            ["ScimError.status"] = new() { MaxLength = 3, Pattern = "^[1-5][0-9][0-9]$", Says = "an HTTP status" },
            ["scimType"] = Values("ScimErrorType", Features.Scim.ScimJson.ScimTypeValues),
            ["maxOperations"] = count,
            ["maxPayloadSize"] = count,
            ["maxResults"] = count,
            ["authenticationSchemes"] = new() { MaxItems = 5 },
            ["ScimAuthenticationScheme.type"] = scimText,
            ["ScimAuthenticationScheme.name"] = scimText,
            ["ScimResourceType.id"] = Id,
            ["ScimResourceType.name"] = Id,
            ["endpoint"] = new() { MaxLength = 64, Pattern = "^/[A-Za-z]+$", Says = "a path such as /Users" },
            ["schema"] = urn,
            ["schemaExtensions"] = new() { MaxItems = 5 },
            ["ScimSchema.id"] = urn,
            ["ScimSchema.name"] = Id,
            ["ScimSchema.attributes"] = new() { MaxItems = 50 },
            ["ScimAttribute.name"] = new() { MaxLength = 64, Pattern = "^[A-Za-z$][A-Za-z0-9]*$", Says = "an attribute name" },
            ["ScimAttribute.type"] = Values("ScimAttributeType", ["string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex"]),
            ["mutability"] = Values("ScimMutability", ["readOnly", "readWrite", "immutable", "writeOnly"]),
            ["returned"] = Values("ScimReturned", ["always", "never", "default", "request"]),
            ["uniqueness"] = Values("ScimUniqueness", ["none", "server", "global"]),
            ["subAttributes"] = new() { MaxItems = 20 },
            ["canonicalValues"] = new() { MaxItems = 20, Items = scimText },
            ["referenceTypes"] = new() { MaxItems = 10, Items = scimText },
            ["resourceTypeId"] = Id,
            ["schemaId"] = urn,
        };
        foreach (var verb in new[] { "Replace", "Patch", "Delete" })
            foreach (var scope in new[] { "", "Tenant" })
                foreach (var resource in new[] { "User", "Group" })
                    fields[$"{verb}{scope}Scim{resource}.If-Match"] = ifMatch;
        return fields;
    }
}
