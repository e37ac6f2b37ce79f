using Microsoft.Extensions.Options;

namespace Pim.Api.Http;

/// <summary>
/// Pim's settings the framework's way: each options class is bound from its configuration section
/// (<c>AddOptions&lt;T&gt;().BindConfiguration(section)</c>), checked when Pim starts (<c>ValidateOnStart</c>) by rules
/// that each name the key they refuse, and registered as itself for the services that read it. A misconfigured Pim
/// refuses to start ("Pim failed to start: …", exit code 1) instead of failing at the first request that reads the
/// setting; a value the binder cannot convert (a word where a number goes) names its key too.
/// </summary>
public static class PimOptions
{
    /// <param name="rules">Each answers what is wrong, naming the key, or null.</param>
    public static OptionsBuilder<T> AddPimOptions<T>(this IServiceCollection services, string section, params Func<T, string?>[] rules)
        where T : class
    {
        if (rules.Length > 0) services.AddSingleton<IValidateOptions<T>>(new Rules<T>(rules));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>A rule that needs a service (the host's environment, the store): added to the options' rules.</summary>
    public static OptionsBuilder<T> Rule<T, TDependency>(this OptionsBuilder<T> options, Func<T, TDependency, string?> rule)
        where T : class where TDependency : notnull
    {
        options.Services.AddSingleton<IValidateOptions<T>>(sp => new Rules<T>([o => rule(o, sp.GetRequiredService<TDependency>())]));
        return options;
    }

    private sealed class Rules<T>(Func<T, string?>[] rules) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            rules.Select(rule => rule(options)).OfType<string>().ToList() is { Count: > 0 } failures
                ? ValidateOptionsResult.Fail(failures)
                : ValidateOptionsResult.Success;
    }
}
