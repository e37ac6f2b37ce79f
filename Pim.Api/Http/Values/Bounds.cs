using Pim.Domain;

namespace Pim.Api.Http.Values;

/// <summary>
/// Kinds of text and lists of the wire that Pim answers (and a few it reads) without a wire value type of their own, each
/// declared once: a property says which it is with <c>[Wire&lt;Bounds.Subject&gt;]</c>. A value that Pim also reads from
/// requests has a type of its own instead (<see cref="PrincipalId"/>, <see cref="Scope"/>, …).
/// </summary>
public static class Bounds
{
    /// <summary>An id of something Pim keeps (an assignment, a request, a notification, a webhook, an alert, a review, …).</summary>
    public sealed class EntityId : IWireBound
    {
        public static WireField Bound => Wire.Id;
    }

    /// <summary>A management group's or subscription's id, or a resource group's name: one segment of a scope path.</summary>
    public sealed class ScopeSegment : IWireBound
    {
        public static WireField Bound { get; } = new()
        {
            MaxLength = ScopePath.MaxSegmentLength, Pattern = ScopePath.SegmentPattern,
            Says = "1-90 letters, digits, '.', '_' or '-', starting with a letter or digit",
        };
    }

    /// <summary>Who did it: a token's subject (or tenant), or a SCIM userName or externalId, whatever the identity provider
    /// names (OpenID Connect: at most 255 ASCII characters).</summary>
    public sealed class Subject : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = Rules.MaxSubject, Pattern = Rules.PrintablePattern, Says = "printable characters" };
    }

    /// <summary>The name of an auto-approval rule.</summary>
    public sealed class RuleName : IWireBound
    {
        public static WireField Bound { get; } = new()
        {
            MaxLength = 64, Pattern = Rules.IdPattern, Says = "letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
        };
    }

    public sealed class TimeOfDay : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 5, Pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", Says = "a time of day HH:mm" };
    }

    public sealed class TimeZoneId : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 64, Pattern = "^[A-Za-z0-9_+/-]+$", Says = "a time zone id such as Europe/Berlin" };
    }

    /// <summary>An AuthZEN subject or resource type, or an action name: whatever a PEP sends; Pim answers a few of them.</summary>
    public sealed class AuthZenName : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = Rules.MaxIdLength, Pattern = Rules.PrintablePattern, Says = "printable characters" };
    }

    /// <summary>A URL Pim answers with (AuthZEN's endpoints, SCIM's locations and references).</summary>
    public sealed class Url : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = RequestBase.MaximumUrlLength, Format = "uri" };
    }

    /// <summary>Where a webhook posts.</summary>
    public sealed class WebhookUrl : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = Rules.MaxUrl, Format = "uri" };
    }

    public sealed class WebhookSecret : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 64, Pattern = "^whsec_[A-Za-z0-9+/]+=*$", Says = "whsec_ and base64" };
    }

    /// <summary>A problem's code: one of the catalog's (the shared ProblemCode schema).</summary>
    public sealed class ProblemCode : IWireBound
    {
        public static WireField Bound { get; } = new() { Schema = OpenApiSetup.ProblemCodeSchema };
    }

    public sealed class AuditTargetType : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 64, Pattern = "^[A-Za-z]+$", Says = "letters" };
    }

    public sealed class AuditTargetId : IWireBound
    {
        public static WireField Bound { get; } = new()
        {
            MaxLength = Math.Max(ScopePath.MaxLength, Rules.MaxSubject), Pattern = Rules.PrintablePattern, Says = "printable characters",
        };
    }

    public sealed class ClientIp : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 64, Pattern = "^[0-9A-Fa-f.:%A-Za-z-]+$", Says = "an IPv4 or IPv6 address" };
    }

    public sealed class CorrelationId : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 64, Pattern = "^[A-Za-z0-9:._-]+$", Says = "a trace id" };
    }

    /// <summary>An audit event's details: a JSON document, as text.</summary>
    public sealed class AuditDetails : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = AuditEvent.MaxDetailsLength, Format = "json" };
    }

    /// <summary>The pageToken a client sends back: the nextPageToken of the page before.</summary>
    public sealed class PageTokenSent : IWireBound
    {
        public static WireField Bound { get; } = new()
        {
            MaxLength = PageTokens.MaxLength, Pattern = PageTokens.Pattern, Says = "the nextPageToken of the page before",
        };
    }

    /// <summary>If-Match: an ETag this API gave out.</summary>
    public sealed class IfMatch : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxLength = 16, Pattern = "^(W/)?\"[0-9]+\"$", Says = "an ETag this API gave out, such as \"3\"" };
    }

    /// <summary>The roles of a tenant's list: the catalog's and the tenant's own.</summary>
    public sealed class RoleList : IWireBound
    {
        public static WireField Bound { get; } = new() { MaxItems = RoleCatalog.All.Count + RoleDefinition.MaximumCustomPerTenant };
    }

    /// <summary>Who reviews: a keyword, or a list of user and group ids.</summary>
    public sealed class Reviewers : IWireBound
    {
        public static WireField Bound { get; } = new()
        {
            OneOf = [Vocabulary.AccessReviewerKeyword.Bound, new() { MaxItems = AccessReview.MaximumReviewers, Items = Wire.Id }],
        };
    }
}
