using FluentValidation;
using Pim.Domain;

namespace Pim.Api.Http;

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
