using FluentValidation;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>Runs the FluentValidation validator of the endpoint's request body; answers 400 validation-failed.</summary>
public static class ValidationExtensions
{
    /// <summary>
    /// The validator (a singleton, <c>Program.cs</c>) and the body's place among the handler's arguments are found once,
    /// when the endpoint is built: a filter made per request would resolve both again for every evaluation.
    /// </summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilterFactory((endpoint, next) =>
        {
            var validator = endpoint.ApplicationServices.GetRequiredService<IValidator<T>>();
            var body = Array.FindIndex(endpoint.MethodInfo.GetParameters(), p => p.ParameterType == typeof(T));
            if (body < 0) throw new InvalidOperationException($"{endpoint.MethodInfo.Name} takes no {typeof(T).Name} to validate.");
            return async context =>
            {
                if (context.Arguments[body] is not T argument)
                    throw new PimException(ErrorCodes.MalformedRequest, "A JSON request body is required.");
                var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
                if (!result.IsValid)
                    throw new PimException(ErrorCodes.ValidationFailed, "One or more fields are invalid.",
                        result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => Camel(g.Key), g => g.Select(e => e.ErrorMessage).ToArray()));
                return await next(context);
            };
        }).ProducesValidationProblem();

    private static string Camel(string path) =>
        string.Join('.', path.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}
