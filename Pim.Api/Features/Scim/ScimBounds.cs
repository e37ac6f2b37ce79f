using Pim.Api.Http;
using Pim.Api.Http.Values;

namespace Pim.Api.Features.Scim;

/// <summary>The protocol's own kinds of text (RFC 7643/7644), each declared once; a SCIM resource's properties say which they hold.</summary>
public static class ScimBounds
{
    public sealed class Urn : IWireBound
    {
        public static WireField Bound { get; } = new()
        {
            MaxLength = 256, Pattern = "^urn:[A-Za-z0-9:._-]+$", Says = "a URN, such as urn:ietf:params:scim:schemas:core:2.0:User",
        };
    }

    /// <summary>An attribute path (a PATCH's path, a projection's attributes): printable; what it names is the protocol's to refuse.</summary>
    public sealed class AttributePath : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 1024, Pattern = Rules.PrintablePattern, Says = "printable characters" };
    }

    /// <summary>A filter: its characters are the filter's to refuse (invalidFilter, escaped ones too), not the wire's (invalidValue).</summary>
    public sealed class FilterText : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = ScimFilter.MaximumLength, Says = "a SCIM filter (RFC 7644), without control characters" };
    }

    public sealed class Operation : IWireBound
    {
        public static WireField Bound { get; } = new()
        {
            MaxLength = 7, Pattern = "^([Aa][Dd][Dd]|[Rr][Ee][Pp][Ll][Aa][Cc][Ee]|[Rr][Ee][Mm][Oo][Vv][Ee])$", Says = "add, replace or remove",
        };
    }

    /// <summary>A PATCH operation's value: any JSON, at most 256 KiB of it.</summary>
    public sealed class PatchValue : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 256 * 1024 };
    }

    public sealed class Version : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 16, Pattern = "^(W/)?\"[0-9]+\"$", Says = "an ETag, such as \"3\"" };
    }

    /// <summary>SCIM's If-Match is optional, and may be * (any version).</summary>
    public sealed class IfMatch : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 16, Pattern = "^(\\*|(W/)?\"[0-9]+\")$", Says = "an ETag this API gave out, such as \"3\", or *" };
    }

    /// <summary>An error's status: the HTTP status as a string.</summary>
    public sealed class Status : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 3, Pattern = "^[1-5][0-9][0-9]$", Says = "an HTTP status" };
    }

    /// <summary>A resource type's endpoint.</summary>
    public sealed class Endpoint : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 64, Pattern = "^/[A-Za-z]+$", Says = "a path such as /Users" };
    }

    public sealed class AttributeName : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 64, Pattern = "^[A-Za-z$][A-Za-z0-9]*$", Says = "an attribute name" };
    }
}
