using System.Reflection;

namespace Pim.Bench;

/// <summary>
/// Runs Pim (Pim.Api's own entry point, so its start-up, configuration and pipeline are exactly Pim's) with the
/// benchmark's endpoints (<see cref="BenchmarkEndpoints"/>), which this assembly adds as a hosting startup.
/// </summary>
public static class BenchHost
{
    public static int Main(string[] args)
    {
        Environment.SetEnvironmentVariable("ASPNETCORE_HOSTINGSTARTUPASSEMBLIES", typeof(BenchHost).Assembly.GetName().Name);
        var pim = typeof(Pim.Api.Http.OpenApiSetup).Assembly.EntryPoint
            ?? throw new InvalidOperationException("Pim.Api has no entry point.");
        try
        {
            return (int)pim.Invoke(null, [args])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
