using System.Text.RegularExpressions;
using FluentValidation;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>Shared bounds on what clients send.</summary>
public static partial class Rules
{
    public const int MaxIdLength = 128;
    public const int MaxDisplayName = 256;
    public const int MaxJustification = 1000;
    public const int MaxTicketNumber = 100;
    public const int MaxTicketSystem = 100;
    public const int MaxEmail = 320;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")]
    public static partial Regex IdPattern();

    public static IRuleBuilderOptions<T, string?> MustBeId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || IdPattern().IsMatch(v))
            .WithMessage("'{PropertyName}' must be 1-128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.");

    public static IRuleBuilderOptions<T, string?> MustBeDuration<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || IsoDuration.TryParse(v, out _))
            .WithMessage("'{PropertyName}' must be a positive ISO 8601 duration such as PT1H or P1D, at most P36500D.");

    public static IRuleBuilderOptions<T, DateTimeOffset?> MustBeInstant<T>(this IRuleBuilder<T, DateTimeOffset?> rule) =>
        rule.Must(v => v is null || Clock.IsAcceptable(v.Value))
            .WithMessage($"'{{PropertyName}}' must be from {Clock.Earliest:yyyy-MM-dd} and before {Clock.Latest:yyyy-MM-dd}.");

    public static IRuleBuilderOptions<T, int?> MustBePageSize<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(1, Paging.MaximumPageSize).WithMessage($"pageSize must be between 1 and {Paging.MaximumPageSize}.");

    public static IRuleBuilderOptions<T, string?> MustBeRole<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || RoleCatalog.Find(v) is not null).WithMessage("'{PropertyName}' must name a role of the catalog (GET …/roles).");

    public static IRuleBuilderOptions<T, string?> MustBeScope<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || ScopePath.IsValid(v))
            .WithMessage("'{PropertyName}' must be '/', /managementGroups/{id}, /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{name}.");
}
