using System.Text.RegularExpressions;
using FluentValidation;
using Pim.Domain;

namespace Pim.Api.Infrastructure;

/// <summary>Runs the FluentValidation validator of the endpoint's request body; answers 400 validation-failed.</summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
            throw new PimException(ErrorCodes.MalformedRequest, "A JSON request body is required.");
        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        if (!result.IsValid)
            throw new PimException(ErrorCodes.ValidationFailed, "One or more fields are invalid.",
                result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => Camel(g.Key), g => g.Select(e => e.ErrorMessage).ToArray()));
        return await next(context);
    }

    private static string Camel(string path) =>
        string.Join('.', path.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}

public static class ValidationExtensions
{
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();
}

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

    public static IRuleBuilderOptions<T, string?> MustBeRole<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || RoleCatalog.Find(v) is not null).WithMessage("'{PropertyName}' must name a role of the catalog (GET …/roles).");

    public static IRuleBuilderOptions<T, string?> MustBeScope<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || Scopes.IsValid(v))
            .WithMessage("'{PropertyName}' must be '/', /managementGroups/{id}, /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{name}.");
}

/// <summary>Route constraint for ids in paths: a malformed id cannot name anything, so it answers 404.</summary>
public sealed class IdRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string s && Rules.IdPattern().IsMatch(s);
}
