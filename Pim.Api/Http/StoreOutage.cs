using Pim.Domain;
using Pim.Infrastructure;
using Polly;
using Polly.Retry;

namespace Pim.Api.Http;

/// <summary>
/// When the store does not answer (<see cref="Store.IsUnavailable"/>: down, unreachable, or in the middle of a failover),
/// Pim answers 503 store-unavailable with Retry-After — never a 500, never a hang past the store's timeouts — and drops
/// its idle connections so that it answers normally as soon as the store is back. Reads (GET) are retried twice on the
/// way; writes never are: a write whose answer was lost is retried by its client, with an Idempotency-Key if it must not
/// apply twice.
/// </summary>
public static class StoreOutage
{
    public const int RetryAfterSeconds = 5;

    private static readonly ResiliencePipeline ReadRetries = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(Store.IsUnavailable),
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    public static ValueTask WriteAsync(HttpContext http, Exception exception)
    {
        // A promoted standby still read-only answered: its connections are kept, to write the moment it does (reopening
        // them at every refusal only delays the first write it takes).
        if (!Store.IsReadOnly(exception)) http.RequestServices.GetRequiredService<Store>().ForgetIdleConnections();
        http.RequestServices.GetRequiredService<ILogger<Store>>().StoreDidNotAnswer(exception.GetBaseException(), http.Request.Method, http.Request.Path);
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.WriteAsync(http, ErrorCodes.StoreUnavailable,
            $"Pim's store does not answer now; retry in {RetryAfterSeconds} seconds.");
    }

    /// <summary>Outside the exception handler (the Idempotency-Key middleware reads the store before it): the same answer.</summary>
    public static void UseStoreOutageAnswers(this WebApplication app) => app.Use(async (http, next) =>
    {
        try { await next(http); }
        catch (Exception e) when (Store.IsUnavailable(e) && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await WriteAsync(http, e);
        }
    });

    /// <summary>
    /// Retries a GET whose store did not answer, twice, after 0.2 s and 0.4 s (with jitter). A filter of the GET endpoints
    /// only: an endpoint's filters cost each of its requests the filter pipeline, which the others need not run.
    /// </summary>
    public static TBuilder RetryReads<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<HttpMethodMetadata>().Any(m => m.HttpMethods.Contains(HttpMethods.Get)))
                endpoint.FilterFactories.Add((_, next) => invocation =>
                    ReadRetries.ExecuteAsync(static (state, _) => state.next(state.invocation), (next, invocation), invocation.HttpContext.RequestAborted));
        });
        return builder;
    }
}
