namespace Pim.Api.Http;

/// <summary>
/// Endpoints that a host of Pim adds beside Pim's own, through the same pipeline (authentication, rate limits, the
/// exception handler): the benchmark host's (bench/host), registered by its hosting startup. Pim contributes none.
/// </summary>
public interface IEndpointContributor
{
    void Map(IEndpointRouteBuilder endpoints);
}

public static class EndpointContributors
{
    /// <summary>Maps every contributed endpoint; a Pim started on its own has none.</summary>
    public static void MapContributedEndpoints(this WebApplication app)
    {
        foreach (var contributor in app.Services.GetServices<IEndpointContributor>()) contributor.Map(app);
    }
}
