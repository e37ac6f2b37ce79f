using FluentValidation;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// The bounds of what clients send and Pim answers (used by the wire value types and declarations of <see cref="Values"/>),
/// and the validator rules that bounds cannot say.
/// </summary>
public static class Rules
{
    public const int MaxIdLength = 128;
    public const string IdPattern = "^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$";
    public const string PrintablePattern = "^[^\\u0000-\\u001F\\u007F]+$";
    /// <summary>A name shown to people: one line, without control characters (and so no NUL, which no store keeps); the domain's rule.</summary>
    public const string NamePattern = PrincipalValues.NamePattern;
    /// <summary>Free text: no control characters other than tab and line breaks.</summary>
    public const string TextPattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$";
    /// <summary>A token's <c>sub</c> and <c>tid</c>: OpenID Connect allows at most 255 ASCII characters; longer ones are refused.</summary>
    public const int MaxSubject = 255;
    public const int MaxDisplayName = PrincipalValues.MaxDisplayNameLength;
    public const int MaxDescription = 1000;
    public const int MaxJustification = 1000;
    public const int MaxTicketNumber = 100;
    public const int MaxTicketSystem = 100;
    public const int MaxEmail = PrincipalValues.MaxEmailLength;
    public const int MaxUrl = 2000;
    public const int MaxUserAgent = 512;
    /// <summary>The longest ISO 8601 date-time System.Text.Json reads.</summary>
    public const int MaxInstantLength = 42;

    private static readonly Func<string, bool> Id = Wire.MatcherOf(IdPattern);

    /// <summary>Whether a text is an id (<see cref="IdPattern"/>): every request's tenant in its path is one.</summary>
    public static bool IsId(string value) => Id(value);

    public static IRuleBuilderOptions<T, string?> MustBeDuration<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || IsoDuration.TryParse(v, out _)).WithMessage(DurationMessage);

    /// <inheritdoc cref="MustBeDuration{T}(IRuleBuilder{T, string?})"/>
    public static IRuleBuilderOptions<T, Values.Duration> MustBeDuration<T>(this IRuleBuilder<T, Values.Duration> rule) =>
        rule.Must(v => v.Text is null || IsoDuration.TryParse(v.Text, out _)).WithMessage(DurationMessage);

    /// <inheritdoc cref="MustBeDuration{T}(IRuleBuilder{T, string?})"/>
    public static IRuleBuilderOptions<T, Values.Duration?> MustBeDuration<T>(this IRuleBuilder<T, Values.Duration?> rule) =>
        rule.Must(v => v?.Text is not { } text || IsoDuration.TryParse(text, out _)).WithMessage(DurationMessage);

    private const string DurationMessage = "'{PropertyName}' must be a positive ISO 8601 duration such as PT1H or P1D, at most P36500D.";

    public static IRuleBuilderOptions<T, DateTimeOffset?> MustBeInstant<T>(this IRuleBuilder<T, DateTimeOffset?> rule) =>
        rule.Must(v => v is null || Clock.IsAcceptable(v.Value))
            .WithMessage($"'{{PropertyName}}' must be from {Clock.Earliest:yyyy-MM-dd} and before {Clock.Latest:yyyy-MM-dd}.");

    /// <summary>One email address, as the domain has it (<see cref="PrincipalValues.IsEmail"/>): no list, display name or control character.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || PrincipalValues.IsEmail(v)).WithMessage(EmailMessage);

    /// <inheritdoc cref="MustBeEmail{T}(IRuleBuilder{T, string?})"/>
    public static IRuleBuilderOptions<T, Values.EmailAddress> MustBeEmail<T>(this IRuleBuilder<T, Values.EmailAddress> rule) =>
        rule.Must(v => v.Text is null || PrincipalValues.IsEmail(v.Text)).WithMessage(EmailMessage);

    /// <inheritdoc cref="MustBeEmail{T}(IRuleBuilder{T, string?})"/>
    public static IRuleBuilderOptions<T, Values.EmailAddress?> MustBeEmail<T>(this IRuleBuilder<T, Values.EmailAddress?> rule) =>
        rule.Must(v => v?.Text is not { } text || PrincipalValues.IsEmail(text)).WithMessage(EmailMessage);

    private const string EmailMessage = $"'{{PropertyName}}' must be {PrincipalValues.EmailRule}.";

    /// <summary>A principal's display name, as the domain has it (<see cref="PrincipalValues.IsName"/>).</summary>
    public static IRuleBuilderOptions<T, string?> MustBeName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(PrincipalValues.IsName).WithMessage(NameMessage);

    /// <inheritdoc cref="MustBeName{T}(IRuleBuilder{T, string?})"/>
    public static IRuleBuilderOptions<T, Values.DisplayName> MustBeName<T>(this IRuleBuilder<T, Values.DisplayName> rule) =>
        rule.Must(v => PrincipalValues.IsName(v.Text)).WithMessage(NameMessage);

    private const string NameMessage = $"'{{PropertyName}}' must be {PrincipalValues.NameRule}, and not blank.";

    /// <summary>A wire value that holds something other than white space: what NotEmpty asks of a string, with its message.</summary>
    public static IRuleBuilderOptions<T, TValue> NotBlank<T, TValue>(this IRuleBuilder<T, TValue> rule) where TValue : struct, Values.IWireValue =>
        rule.Must(v => !string.IsNullOrWhiteSpace(v.Text)).WithMessage("'{PropertyName}' must not be empty.");

    /// <inheritdoc cref="NotBlank{T, TValue}(IRuleBuilder{T, TValue})"/>
    public static IRuleBuilderOptions<T, TValue?> NotBlank<T, TValue>(this IRuleBuilder<T, TValue?> rule) where TValue : struct, Values.IWireValue =>
        rule.Must(v => !string.IsNullOrWhiteSpace(v?.Text)).WithMessage("'{PropertyName}' must not be empty.");

    /// <summary>A built-in role, or the id of a tenant's own role (custom-…, which the use case then looks up in the tenant).</summary>
    public static IRuleBuilderOptions<T, string?> MustBeRole<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || IsRole(v)).WithMessage(RoleRule);

    /// <inheritdoc cref="MustBeRole{T}(IRuleBuilder{T, string?})"/>
    public static IRuleBuilderOptions<T, Values.RoleId> MustBeRole<T>(this IRuleBuilder<T, Values.RoleId> rule) =>
        rule.Must(v => v.Text is null || IsRole(v.Text)).WithMessage(RoleRule);

    /// <inheritdoc cref="MustBeRole{T}(IRuleBuilder{T, string?})"/>
    public static IRuleBuilderOptions<T, Values.RoleId?> MustBeRole<T>(this IRuleBuilder<T, Values.RoleId?> rule) =>
        rule.Must(v => v?.Text is not { } text || IsRole(text)).WithMessage(RoleRule);

    private static bool IsRole(string id) => RoleCatalog.Find(id) is not null || RoleDefinition.IsCustomId(id);

    private const string RoleRule = "'{PropertyName}' must name a role of the catalog, or one of the tenant's own (custom-…) (GET …/roles).";
}
