namespace Pim.Api.Http;

/// <summary>
/// Endpoint metadata that the cross-cutting middleware reads: which rate-limit budget a request spends, and how an
/// Idempotency-Key treats its answer.
/// </summary>
public static class EndpointMarkers
{
    /// <summary>An access-evaluation call: the high evaluation budget; it changes nothing, so Idempotency-Key is ignored.</summary>
    public sealed class Evaluation;

    /// <summary>The answer shows a one-time secret: an Idempotency-Key keeps only its status and Location, never its body.</summary>
    public sealed class AnswerCarriesSecret;

    public static TBuilder IsEvaluation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Evaluation());

    public static TBuilder AnswerShowsSecret<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnswerCarriesSecret());

    public static bool Has<T>(this HttpContext http) where T : class => http.GetEndpoint()?.Metadata.GetMetadata<T>() is not null;
}
