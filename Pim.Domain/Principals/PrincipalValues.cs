using System.Globalization;

namespace Pim.Domain;

/// <summary>
/// What a principal's values may be, whichever way they reach Pim — the operator's sync, SCIM, a PATCH's document — so
/// that every path holds them alike: the native API's validator, SCIM's reading of a resource, and
/// <see cref="PrincipalService"/> before it writes (<see cref="Ensure"/>) all ask here.
/// <list type="bullet">
/// <item>An email is one address, <c>name@domain</c> (RFC 5322's dot-atom, international letters allowed): no list, no
/// display-name form, no quotes, spaces or control characters. Pim mails it with others: a value that is not one mailbox
/// would make the whole email fail, the break-glass alarm included, or send it where it should not go.</item>
/// <item>A name is one line: no control characters (C0, DEL, C1) and no line or paragraph separators. Pim writes names
/// into email subjects and bodies, where a line break would forge a line.</item>
/// <item>A userName or externalId is printable, as the identity provider's subjects are.</item>
/// </list>
/// Values stored before these rules (or behind Pim's back) are not trusted either: the notifier leaves out an address that
/// is not one, and writes names through <see cref="OneLine"/>.
/// </summary>
public static class PrincipalValues
{
    public const int MaxEmailLength = 320;
    public const int MaxDisplayNameLength = 256;
    /// <summary>A userName or externalId: as long as a token's subject may be (OpenID Connect: 255).</summary>
    public const int MaxIdentifierLength = 255;

    /// <summary>The name rule as a pattern for the contract (Wire): what <see cref="BreaksLine"/> refuses, and nothing else.</summary>
    public const string NamePattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*$";

    public const string EmailRule = "one email address (name@domain): no list, display name, quotes, spaces or control characters";
    public const string NameRule = "one line of text: no control characters or line breaks";
    public const string IdentifierRule = "printable characters";

    /// <summary>A character that may not be part of a name: a control character (C0, DEL, C1) or a line or paragraph separator.</summary>
    public static bool BreaksLine(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>One email address; null is not one (a principal without email is <c>Email: null</c>, not checked here).</summary>
    public static bool IsEmail(string? value)
    {
        if (value is null || value.Length is < 3 or > MaxEmailLength) return false;
        var at = value.IndexOf('@');
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1) return false;
        var local = value[..at];
        var domain = value[(at + 1)..];
        return local.Length <= 64 && local.Split('.').All(atom => atom.Length > 0 && atom.All(IsAtomCharacter))
            && domain.Split('.').All(IsDomainLabel);
    }

    /// <summary>A display name: one line, not blank, at most <see cref="MaxDisplayNameLength"/> characters.</summary>
    public static bool IsName(string? value) => !string.IsNullOrWhiteSpace(value) && IsNamePart(value);

    /// <summary>What a display name is made of (SCIM's name.formatted, givenName, familyName): one line, possibly empty.</summary>
    public static bool IsNamePart(string? value) => value is null || (value.Length <= MaxDisplayNameLength && !value.Any(BreaksLine));

    /// <summary>A userName or externalId: printable, not blank, at most <see cref="MaxIdentifierLength"/> characters.</summary>
    public static bool IsIdentifier(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= MaxIdentifierLength && !value.Any(BreaksLine);

    /// <summary>
    /// The values of <paramref name="principal"/> that break their rule, by field; <c>validation-failed</c> naming each.
    /// The last word before a write, whichever API it came from (each API has named the fields its own way before).
    /// </summary>
    public static void Ensure(Principal principal)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsName(principal.DisplayName)) errors["displayName"] = [$"'displayName' must be {NameRule}; not blank, at most {MaxDisplayNameLength} characters."];
        if (principal.Email is not null && !IsEmail(principal.Email)) errors["email"] = [$"'email' must be {EmailRule}."];
        if (principal.UserName is not null && !IsIdentifier(principal.UserName)) errors["userName"] = [$"'userName' must be {IdentifierRule}."];
        if (principal.ExternalId is not null && !IsIdentifier(principal.ExternalId)) errors["externalId"] = [$"'externalId' must be {IdentifierRule}."];
        if (errors.Count > 0) throw new PimException(ErrorCodes.ValidationFailed, "One or more fields are invalid.", errors);
    }

    /// <summary>
    /// A name as it is written where a line break would forge a line (an email's subject or body): each character a name
    /// may not hold (<see cref="BreaksLine"/>) is a space. For values stored before the rules, or behind Pim's back.
    /// </summary>
    public static string OneLine(string text) => text.Any(BreaksLine) ? string.Concat(text.Select(c => BreaksLine(c) ? ' ' : c)) : text;

    /// <summary>RFC 5322 atext, and letters, marks and digits beyond ASCII (RFC 6531).</summary>
    private static bool IsAtomCharacter(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c) || IsInternational(c);

    /// <summary>A label of a domain name: letters, digits and hyphens (not first or last), international letters allowed.</summary>
    private static bool IsDomainLabel(string label) => label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-'
        && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || IsInternational(c));

    private static bool IsInternational(char c) => c > '\u007F' && char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber;
}
