using System.Collections.Concurrent;

namespace Pim.Api.Http;

/// <summary>
/// One logger per category, made once. Serilog's logger factory (<c>AddSerilog</c>) makes a new logger — a Serilog
/// context logger and its event-id cache — every time one is asked for, and ASP.NET Core asks per request (each
/// authentication handler is made per request and asks for its logger): measured by bench/run.sh's allocation sample
/// (issue 27), about a tenth of what an evaluation allocated. Loggers hold no request state, so one per category serves
/// every request.
/// </summary>
public sealed class CachedLoggers(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, inner.CreateLogger);

    public void AddProvider(ILoggerProvider provider)
    {
        inner.AddProvider(provider);
        _loggers.Clear();
    }

    public void Dispose() => inner.Dispose();

    /// <summary>Wraps the <see cref="ILoggerFactory"/> registered last (Serilog's) in one that makes each category's logger once.</summary>
    public static void Wrap(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory))
            ?? throw new InvalidOperationException("No ILoggerFactory is registered to wrap.");
        services.Remove(registered);
        services.AddSingleton<ILoggerFactory>(sp => new CachedLoggers(registered switch
        {
            { ImplementationInstance: ILoggerFactory instance } => instance,
            { ImplementationFactory: { } factory } => (ILoggerFactory)factory(sp),
            { ImplementationType: { } type } => (ILoggerFactory)ActivatorUtilities.CreateInstance(sp, type),
            _ => throw new InvalidOperationException("The registered ILoggerFactory cannot be wrapped."),
        }));
    }
}
