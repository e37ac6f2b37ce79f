using Microsoft.Extensions.Logging;
using Pim.Api.Http;

namespace Pim.Api.Tests.Telemetry;

/// <summary>
/// Pim's logger factory makes each category's logger once: Serilog's makes a new one each time it is asked, and ASP.NET
/// Core asks per request (issue 27: a tenth of what an evaluation allocated). No database.
/// </summary>
public sealed class CachedLoggersTests
{
    private sealed class CountingFactory : ILoggerFactory
    {
        public int Made;
        public ILogger CreateLogger(string categoryName)
        {
            Made++;
            return Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        }
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
    }

    [Fact]
    public void Each_category_s_logger_is_made_once_however_often_it_is_asked_for()
    {
        var services = new ServiceCollection();
        var inner = new CountingFactory();
        services.AddSingleton<ILoggerFactory>(_ => inner);
        CachedLoggers.Wrap(services);
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ILoggerFactory>();

        for (var i = 0; i < 100; i++)
        {
            factory.CreateLogger("Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler");
            factory.CreateLogger("Pim.Api");
        }

        Assert.Equal(2, inner.Made);
        Assert.Same(factory.CreateLogger("Pim.Api"), factory.CreateLogger("Pim.Api"));
    }
}
